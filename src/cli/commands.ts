import cliProgress from 'cli-progress';
import { actorOf, createToken, createUser, findUserByEmail, verifyAudit } from '../identity/index.ts';
import {
  calendarStatus,
  importCalendarYear,
  parseNoticeText,
  sendDeadlineReminders,
} from '../access/index.ts';
import { compactSearchIndex, reindexAll } from '../catalog/index.ts';
import { loadDemo, DEMO_PASSWORD } from '../demo/index.ts';
import type { Role } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { blobHandlers } from './blobs.ts';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Where a command writes: the terminal, or the admin socket of a running server. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  progress(label: string): Progress;
}

export type Args = Record<string, string | undefined>;

/**
 * Commands that work on the database, as plain functions of (context, arguments). The CLI runs
 * them in-process, or — when a running server holds the embedded database — inside that server.
 */
export type Handler = (ctx: Context, args: Args, io: CommandIO) => Promise<number>;

/** Progress bars go to stderr so that command output (tokens, JSON) stays clean on stdout. */
export function terminalProgress(label: string): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export const handlers: Record<string, Handler> = {
  async demo(ctx, _args, io) {
    const bar = io.progress('demo catalogue');
    const result = await loadDemo(ctx, {
      onProgress: (d, t) => bar.update(d, t),
      generatedTables: true,
    });
    bar.stop();
    if (!result.loaded) io.err('The database already has a catalogue; the demo was not loaded.');
    else {
      io.err(`Loaded demo catalogue: ${result.organisations} organisations, ${result.datasets} datasets.`);
      io.err(
        `Demo accounts (password "${DEMO_PASSWORD}"): ${result.users.map((u) => `${u.email} (${u.role})`).join(', ')}`,
      );
      if (result.jobs.length)
        io.err(
          `${result.jobs.length} generated demo tables are queued: the job worker of kaifang serve (or kaifang worker) ingests them in the background.`,
        );
    }
    return 0;
  },

  async 'user-add'(ctx, args, io) {
    let orgId: string | null = null;
    if (args.org) {
      const org = await ctx.db
        .selectFrom('organisation')
        .select('id')
        .where((eb) => eb.or([eb('org_code', '=', args.org!), eb(eb.cast('id', 'text'), '=', args.org!)]))
        .executeTakeFirst();
      if (!org) {
        io.err(`no organisation with code or id ${args.org}`);
        return 1;
      }
      orgId = org.id;
    }
    const u = await createUser(ctx, null, {
      email: args.email!,
      role: args.role as Role,
      orgId,
      name: args.name,
      password: args.password ?? null,
    });
    io.out(JSON.stringify(u));
    return 0;
  },

  async 'token-create'(ctx, args, io) {
    const u = await findUserByEmail(ctx.db, args.email!);
    if (!u) {
      io.err(`no user with email ${args.email}`);
      return 1;
    }
    const t = await createToken(ctx, actorOf(u).userId, u.id, args.name ?? 'cli');
    io.out(t.token);
    return 0;
  },

  async 'audit-verify'(ctx, _args, io) {
    const bar = io.progress('audit verify');
    const r = await verifyAudit(ctx.db, (d, t) => bar.update(d, t));
    bar.stop();
    if (r.ok) {
      io.out(`audit log intact: ${r.checked} events verified`);
      return 0;
    }
    io.err(`audit log TAMPERED at event ${r.brokenAt}: ${r.reason} (${r.checked} events verified before it)`);
    return 1;
  },

  /** The periodic job of tiered access: run from a timer, e.g. hourly. */
  async reminders(ctx, _args, io) {
    io.out(JSON.stringify(await sendDeadlineReminders(ctx)));
    return 0;
  },

  async 'calendar-list'(ctx, _args, io) {
    const s = await calendarStatus(ctx);
    for (const y of s.years)
      io.out(`${y.year}\t${y.source}\t${y.holidays} days off, ${y.workdays} make-up days\t${y.title}`);
    if (s.warning)
      io.err(
        `WARNING: the calendar has no notice for ${s.warning.missingYear}; deadlines in it count Monday–Friday and are provisional. Import it: kaifang calendar import FILE`,
      );
    return s.warning ? 2 : 0;
  },

  /** The yearly task (docs/operations.md): next year's notice, usually published in November. */
  async 'calendar-import'(ctx, args, io) {
    const year = args.year ? Number(args.year) : undefined;
    if (year !== undefined && !Number.isInteger(year)) {
      io.err(`--year must be a year, got ${args.year}`);
      return 1;
    }
    try {
      const notice = parseNoticeText(args.text ?? '', { year, title: args.title, reference: args.reference });
      const r = await importCalendarYear(ctx, null, notice);
      io.out(JSON.stringify(r));
      io.err(
        `${r.replaced ? 'replaced' : 'imported'} ${r.year}: ${r.holidays} days off, ${r.workdays} make-up days; ${r.moved.length} open deadlines moved, ${r.notified} notices sent`,
      );
      return 0;
    } catch (err) {
      const fields = (err as { details?: { fields?: { field: string; message: { en: string } }[] } }).details
        ?.fields;
      if (!fields) throw err;
      for (const f of fields) io.err(`${f.field}: ${f.message.en}`);
      return 1;
    }
  },

  /** Rebuilds the search index, e.g. after an upgrade or a bulk import by SQL. */
  async reindex(ctx, args, io) {
    const bar = io.progress('search reindex');
    const r = await reindexAll(
      ctx.db,
      (done, total) => bar.update(done, total),
      args.batch ? Number(args.batch) : undefined,
    );
    bar.stop();
    io.out(
      `search index rebuilt: ${r.datasets} datasets in ${(r.milliseconds / 1000).toFixed(1)} s (${Math.round((r.datasets / Math.max(r.milliseconds, 1)) * 1000)} datasets/s)`,
    );
    if (args.compact === '1') {
      io.err('compacting the search index in publisher order (the table is locked meanwhile) …');
      io.out(`search index compacted in ${((await compactSearchIndex(ctx.db)) / 1000).toFixed(1)} s`);
    }
    return 0;
  },

  ...blobHandlers,
};
