import { Command, InvalidArgumentError } from 'commander';
import {
  ConfigError,
  EmbeddedDatabaseBusy,
  loadConfig,
  migrate,
  openContext,
  openDatabase,
  redact,
} from '../platform/index.ts';
import { buildApp } from '../http/index.ts';
import { DomainError, Roles, type Role } from '../core/index.ts';
import { serveExtensions } from './extensions.ts';
import { handlers, terminalProgress, type Args } from './commands.ts';
import { callAdminSocket, serveAdminSocket } from './admin-socket.ts';
import { DURATION_HINT, parseDuration } from './blobs.ts';
import { startWorker } from '../platform/index.ts';
import { dataJobHandlers } from '../data/index.ts';

/**
 * Runs a database command here, or inside the running server when it holds the embedded
 * database (PGlite is single-process), so `kaifang token create` works next to `npm start`.
 */
async function run(name: string, args: Args): Promise<void> {
  // The command line logs warnings and errors only, unless LOG_LEVEL says otherwise.
  const config = loadConfig(undefined, { logLevel: 'warn' });
  let ctx;
  try {
    ctx = await openContext(config);
  } catch (err) {
    if (!(err instanceof EmbeddedDatabaseBusy)) throw err;
    process.exitCode = await callAdminSocket(config.dataDir, name, args);
    return;
  }
  try {
    process.exitCode = await handlers[name](ctx, args, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      progress: terminalProgress,
    });
  } finally {
    await ctx.database.close();
  }
}

const program = new Command('kaifang').description(
  'Kaifang (开放): government open data and sharing platform',
);

/** On SIGINT or SIGTERM: close, then exit. A running job goes back to the queue for another worker. */
function closeOnSignal(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const ONE_PROCESS =
  'the embedded database (PGlite) opens in one process only, so its jobs run inside `kaifang serve`';

program
  .command('serve')
  .description('run the portal and API')
  .option('--demo', 'load the demo catalogue into an empty database (same as KAIFANG_DEMO=1)')
  .option('--no-worker', 'run no ingestion jobs here: leave them to `kaifang worker` processes')
  .action(async (opts: { demo?: boolean; worker: boolean }) => {
    const config = loadConfig();
    if (!opts.worker && !config.databaseUrl)
      throw new Error(`serve --no-worker needs DATABASE_URL (PostgreSQL): ${ONE_PROCESS}`);
    const ctx = await openContext(config);
    if (opts.demo || config.demo) {
      if (config.production)
        throw new Error('The demo catalogue has public passwords; it is refused when NODE_ENV=production');
      await handlers.demo(ctx, {}, { out: console.log, err: console.error, progress: terminalProgress });
    }
    const app = await buildApp(ctx, await serveExtensions());
    // Servers work the job queue (ingestion) too unless told not to; any number share it safely.
    const worker = opts.worker ? startWorker(ctx, dataJobHandlers) : null;
    const closeSocket =
      ctx.database.kind === 'pglite' ? serveAdminSocket(ctx, config.dataDir) : async () => {};
    closeOnSignal(async () => {
      await worker?.stop();
      await closeSocket();
      await app.close();
      await ctx.database.close();
    });
    await app.listen({ port: config.port, host: config.host });
    ctx.logger.info(
      {
        database: config.databaseUrl ? redact(config.databaseUrl) : `pglite:${config.dataDir}`,
        worker: worker?.id ?? null,
      },
      `Kaifang listening on http://${config.host}:${config.port}`,
    );
  });

program
  .command('worker')
  .description('run ingestion jobs only, one at a time, without HTTP (needs DATABASE_URL)')
  .action(async () => {
    const config = loadConfig();
    if (!config.databaseUrl)
      throw new Error(`kaifang worker needs DATABASE_URL (PostgreSQL): ${ONE_PROCESS}`);
    const ctx = await openContext(config);
    const worker = startWorker(ctx, dataJobHandlers);
    closeOnSignal(async () => {
      await worker.stop();
      await ctx.database.close();
    });
    ctx.logger.info(
      { database: redact(config.databaseUrl), worker: worker.id },
      'Kaifang job worker started',
    );
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      pool: config.databasePool,
    });
    try {
      const applied = await migrate(database, (name) => console.error(`applied ${name}`));
      console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
    } finally {
      await database.close();
    }
  });

program
  .command('demo')
  .description('load the demo catalogue into an empty database')
  .action(() => run('demo', {}));

const role = (v: string): Role => {
  if (!(Roles as readonly string[]).includes(v))
    throw new InvalidArgumentError(`role must be one of ${Roles.join(', ')}`);
  return v as Role;
};

program
  .command('user')
  .description('manage users')
  .command('add')
  .description('create a user')
  .requiredOption('--email <email>')
  .requiredOption('--role <role>', `one of ${Roles.join(', ')}`, role)
  .option('--org <orgCodeOrId>', 'organisation (required for department users)')
  .option('--name <name>')
  .option('--password <password>', 'omit for token-only accounts; or set KAIFANG_PASSWORD')
  // Resolved here, in the command's own process: the handler may run inside the server (admin socket).
  .action((opts: Args) =>
    run('user-add', { ...opts, password: opts.password ?? loadConfig().cliPassword ?? undefined }),
  );

program
  .command('token')
  .description('API tokens')
  .command('create')
  .description('create an API token for a user; printed once')
  .requiredOption('--email <email>')
  .option('--name <name>', 'what the token is for', 'cli')
  .action((opts: Args) => run('token-create', opts));

program
  .command('audit')
  .description('audit log')
  .command('verify')
  .description('recompute the hash chain; exits 1 if it was tampered with')
  .action(() => run('audit-verify', {}));

const calendar = program.command('calendar').description('the holiday calendar deadlines are counted with');
calendar
  .command('list')
  .description(
    'years of the State Council notice the calendar knows; warns from 1 November while next year is missing',
  )
  .action(() => run('calendar-list', {}));
calendar
  .command('import')
  .description(
    "import or replace a year from the State Council's notice (JSON, or CSV name,from,to,workdays; docs/api.md); recomputes open deadlines",
  )
  .argument('<file>', 'the notice as .json or .csv')
  .option('--year <year>', 'the notice year (CSV; otherwise the year most breaks begin in)')
  .option('--title <title>', "the notice's title (CSV)")
  .option('--reference <ref>', 'document number or URL (CSV)')
  .action(async (file: string, opts: Args) => {
    const fs = await import('node:fs');
    // Read here, not in the server the command may run in: the file is the operator's.
    const text = fs.readFileSync(file, 'utf8');
    await run('calendar-import', { ...opts, text });
  });

program
  .command('reminders')
  .description(
    'remind departments of near deadlines, flag overdue requests, record expired grants (run from a timer, e.g. hourly)',
  )
  .action(() => run('reminders', {}));

const batchSize = (v: string): string => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10000)
    throw new InvalidArgumentError('batch must be a whole number from 1 to 10000');
  return v;
};
program
  .command('reindex')
  .description('rebuild the search index of every dataset (safe while the portal serves)')
  .option('--batch <n>', 'datasets per transaction (default 1000)', batchSize)
  .option(
    '--compact',
    'then rewrite the index in publisher order (locks search for ~25 s per 200,000 datasets)',
  )
  .action((opts: { batch?: string; compact?: boolean }) =>
    run('reindex', { batch: opts.batch, compact: opts.compact ? '1' : undefined }),
  );

const minAge = (v: string): string => {
  if (parseDuration(v) === null) throw new InvalidArgumentError(`min-age must be ${DURATION_HINT}`);
  return v;
};
program
  .command('blobs')
  .description('the blob store: uploaded files and their Parquet conversions')
  .command('gc')
  .description('delete blobs that no version refers to any more (run from a timer, e.g. daily)')
  .option('--dry-run', 'list what would be deleted, delete nothing')
  .option('--min-age <duration>', 'keep blobs written more recently than this', minAge, '24h')
  .action((opts: { dryRun?: boolean; minAge: string }) =>
    run('blobs-gc', { minAge: opts.minAge, dryRun: opts.dryRun ? '1' : undefined }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof DomainError)
    console.error(`${err.code}: ${err.label.en}${err.details ? ` ${JSON.stringify(err.details)}` : ''}`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
