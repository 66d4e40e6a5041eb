import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig, migrate, openContext, openDatabase, redact, type Context } from '../platform/index.ts';
import { actorOf, createToken, createUser, findUserByEmail, verifyAudit } from '../access/index.ts';
import { loadDemo, DEMO_PASSWORD } from '../catalog/index.ts';
import { buildApp } from '../http/index.ts';
import { DomainError, Roles, type Role } from '../core/index.ts';
import { serveExtensions } from './extensions.ts';

/** Progress bars go to stderr so that command output (tokens, JSON) stays clean on stdout. */
function progress(label: string) {
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done: number, total: number) {
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

async function withContext<T>(fn: (ctx: Context) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const ctx = await openContext({ ...config, logLevel: process.env.LOG_LEVEL ?? 'warn' });
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}

async function demo(ctx: Context) {
  const bar = progress('demo catalogue');
  const result = await loadDemo(ctx, (d, t) => bar.update(d, t));
  bar.stop();
  if (result.loaded) {
    console.error(`Loaded demo catalogue: ${result.organisations} organisations, ${result.datasets} datasets.`);
    console.error(`Demo accounts (password "${DEMO_PASSWORD}"): ${result.users.map((u) => `${u.email} (${u.role})`).join(', ')}`);
  }
  return result;
}

const program = new Command('kaifang').description('Kaifang (开放): government open data and sharing platform');

program
  .command('serve')
  .description('run the portal and API')
  .option('--demo', 'load the demo catalogue into an empty database (same as KAIFANG_DEMO=1)')
  .action(async (opts: { demo?: boolean }) => {
    const config = loadConfig();
    const ctx = await openContext(config);
    if (opts.demo || config.demo) {
      if (config.production) throw new Error('The demo catalogue has public passwords; it is refused when NODE_ENV=production');
      await demo(ctx);
    }
    const app = await buildApp(ctx, await serveExtensions());
    const close = async () => {
      await app.close();
      await ctx.database.close();
      process.exit(0);
    };
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    await app.listen({ port: config.port, host: config.host });
    ctx.logger.info({ database: config.databaseUrl ? redact(config.databaseUrl) : `pglite:${config.dataDir}` }, `Kaifang listening on http://${config.host}:${config.port}`);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
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
  .action(async () => {
    await withContext(demo);
  });

const role = (v: string): Role => {
  if (!(Roles as readonly string[]).includes(v)) throw new InvalidArgumentError(`role must be one of ${Roles.join(', ')}`);
  return v as Role;
};

const user = program.command('user').description('manage users');
user
  .command('add')
  .description('create a user')
  .requiredOption('--email <email>')
  .requiredOption('--role <role>', `one of ${Roles.join(', ')}`, role)
  .option('--org <orgCodeOrId>', 'organisation (required for department users)')
  .option('--name <name>')
  .option('--password <password>', 'omit for token-only accounts; or set KAIFANG_PASSWORD')
  .action((opts: { email: string; role: Role; org?: string; name?: string; password?: string }) =>
    withContext(async (ctx) => {
      let orgId: string | null = null;
      if (opts.org) {
        const org = await ctx.db.selectFrom('organisation').select('id').where((eb) => eb.or([eb('org_code', '=', opts.org!), eb(eb.cast('id', 'text'), '=', opts.org!)])).executeTakeFirst();
        if (!org) throw new Error(`no organisation with code or id ${opts.org}`);
        orgId = org.id;
      }
      const u = await createUser(ctx, null, { email: opts.email, role: opts.role, orgId, name: opts.name, password: opts.password ?? process.env.KAIFANG_PASSWORD ?? null });
      console.log(JSON.stringify(u));
    }),
  );

program
  .command('token')
  .description('API tokens')
  .command('create')
  .description('create an API token for a user; printed once')
  .requiredOption('--email <email>')
  .option('--name <name>', 'what the token is for', 'cli')
  .action((opts: { email: string; name: string }) =>
    withContext(async (ctx) => {
      const u = await findUserByEmail(ctx.db, opts.email);
      if (!u) throw new Error(`no user with email ${opts.email}`);
      const t = await createToken(ctx, actorOf(u).userId, u.id, opts.name);
      console.log(t.token);
    }),
  );

program
  .command('audit')
  .description('audit log')
  .command('verify')
  .description('recompute the hash chain; exits 1 if it was tampered with')
  .action(() =>
    withContext(async (ctx) => {
      const bar = progress('audit verify');
      const r = await verifyAudit(ctx.db, (d, t) => bar.update(d, t));
      bar.stop();
      if (r.ok) console.log(`audit log intact: ${r.checked} events verified`);
      else {
        console.error(`audit log TAMPERED at event ${r.brokenAt}: ${r.reason} (${r.checked} events verified before it)`);
        process.exitCode = 1;
      }
    }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof DomainError) console.error(`${err.code}: ${err.label.en}${err.details ? ` ${JSON.stringify(err.details)}` : ''}`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
