export {
  loadConfig,
  ConfigError,
  redact,
  bytesOf,
  childProcessEnv,
  CONFIG_VARIABLES,
  type Config,
  type ConfigVariable,
} from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { scrubPaths } from './scrub.ts';
export { systemClock, ManualClock, type Clock } from './clock.ts';
export { openDatabase, EmbeddedDatabaseBusy, sql, type Database, type Kdb, type Schema } from './db/index.ts';
export { migrate, listMigrations } from './migrations/index.ts';
export { openContext, type Context } from './context.ts';
export {
  openBlobStore,
  BlobTooLarge,
  collectGarbage,
  type BlobStore,
  type BlobRef,
  type BlobInfo,
  type GcSummary,
} from './blob/index.ts';
export {
  enqueueJob,
  getJob,
  startWorker,
  runJobNow,
  notifyJobs,
  JobFailed,
  type Job,
  type JobState,
  type JobError,
  type JobHandler,
  type JobHandlers,
  type JobRun,
  type Worker,
} from './jobs/index.ts';
export {
  raise,
  subscribe,
  onDatasetChanged,
  onDataVersionPublished,
  onDataRead,
  type DomainEvents,
  type EventName,
  type Subscriber,
} from './events.ts';
