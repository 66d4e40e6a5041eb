import { referencedBlobs } from '../data/index.ts';
import { collectGarbage, openBlobStore, type Context } from '../platform/index.ts';
import { formatBytes } from '../web/index.ts';
import type { Handler } from './commands.ts';

const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `30m`, `24h`, `7d` in milliseconds; null for anything else. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2] as keyof typeof UNITS] : null;
}

export const DURATION_HINT = 'a whole number with s, m, h or d, e.g. 24h, 30m, 7d';

const size = (n: number) => formatBytes(n, 'en');

export const blobHandlers: Record<string, Handler> = {
  /** Deletes the blobs no version refers to any more (run from a timer, e.g. daily). */
  async 'blobs-gc'(ctx: Context, args, io) {
    const minAgeMs = parseDuration(args.minAge ?? '24h');
    if (minAgeMs === null) {
      io.err(`--min-age must be ${DURATION_HINT} (got "${args.minAge}")`);
      return 1;
    }
    const dryRun = args.dryRun === '1';
    const [verb, freed] = dryRun ? ['to delete', 'to free'] : ['deleted', 'freed'];
    const s = await collectGarbage(openBlobStore(ctx.config), {
      referenced: (keys) => referencedBlobs(ctx.db, keys),
      minAgeMs,
      dryRun,
      now: ctx.clock.now(),
      onDelete: (b) => io.out(`${dryRun ? 'would delete' : 'deleted'} ${b.key} (${size(b.size)})`),
      onPage: (t) => io.err(`checked ${t.checked} blobs, ${t.deleted} ${verb}`),
    });
    io.out(
      `${dryRun ? 'dry run: ' : ''}${s.checked} blobs checked: ${s.checked - s.deleted} kept (${s.referenced} referenced, ${s.young} newer than ${args.minAge ?? '24h'}), ${s.deleted} ${verb}, ${size(s.bytesFreed)} ${freed}`,
    );
    return 0;
  },
};
