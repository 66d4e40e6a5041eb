import { runJobNow, type Context, type Job } from '../platform/index.ts';
import type { Actor } from '../core/index.ts';
import { dataJobHandlers, uploadLocalFile } from '../data/index.ts';

/**
 * Attaches a file on this machine to a distribution and ingests it now, in this process: what
 * the demo loader needs so that `npm start` shows real rows before the first request.
 */
export async function attachFileNow(
  ctx: Context,
  actor: Actor,
  distributionId: string,
  file: string,
  filename: string,
): Promise<Job | null> {
  const accepted = await uploadLocalFile(ctx, actor, distributionId, file, filename);
  return runJobNow(ctx, dataJobHandlers, accepted.job.id);
}
