export type { JobTable, JobTables } from './tables.ts';
export {
  enqueueJob,
  getJob,
  claimJob,
  touchJob,
  completeJob,
  failJob,
  requeueJob,
  toJob,
  JobLost,
  type Job,
  type JobState,
  type JobError,
  type NewJob,
} from './queue.ts';
export {
  startWorker,
  runJobNow,
  notifyJobs,
  JobFailed,
  type JobHandler,
  type JobHandlers,
  type JobRun,
  type Worker,
} from './worker.ts';
