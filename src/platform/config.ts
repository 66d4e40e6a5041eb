import path from 'node:path';

/**
 * Every environment variable Kaifang reads, and the only place that reads them: a value is checked
 * here, once, so that a bad one stops the server at start with its name instead of surfacing later
 * as NaN or a silent default. The AWS SDK reads its own credential variables (AWS_ACCESS_KEY_ID,
 * AWS_PROFILE, …); they never pass through Kaifang.
 */
export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'KAIFANG_DATA_DIR',
  'DATABASE_URL',
  'KAIFANG_DB_POOL',
  'KAIFANG_BLOB_URL',
  'AWS_REGION',
  'KAIFANG_DEMO',
  'KAIFANG_BASE_URL',
  'KAIFANG_TRUST_PROXY',
  'KAIFANG_BODY_LIMIT',
  'KAIFANG_RATE_LIMIT',
  'LOG_LEVEL',
  'NODE_ENV',
  'KAIFANG_PASSWORD',
  'KAIFANG_APPLICATION_DEADLINE_DAYS',
  'KAIFANG_SHARING_DEADLINE_DAYS',
  'KAIFANG_REMINDER_DAYS',
  'KAIFANG_LIST_UNOPENED',
  'KAIFANG_EXTRA_HOLIDAYS',
  'KAIFANG_EXTRA_WORKDAYS',
  'KAIFANG_UPLOAD_MAX_BYTES',
  'KAIFANG_MAX_COLUMNS',
  'KAIFANG_XLSX_MAX_UNCOMPRESSED',
  'KAIFANG_XLSX_MAX_RATIO',
  'KAIFANG_INGEST_MEMORY',
  'KAIFANG_READ_MEMORY',
  'KAIFANG_QUERY_MEMORY',
  'KAIFANG_QUERY_THREADS',
  'KAIFANG_QUERY_TIMEOUT_MS',
  'KAIFANG_QUERY_MAX_ROWS',
  'KAIFANG_QUERY_CONCURRENCY',
  'KAIFANG_JOB_TIMEOUT_MS',
  'KAIFANG_STALE_JOB_MS',
  'KAIFANG_ALLOW_LOOPBACK_FETCH',
  'KAIFANG_QUERY_PROCESS_MEMORY',
  'KAIFANG_QUERY_GRACE_MS',
  'KAIFANG_QUERY_MAX_STRING',
  'KAIFANG_QUERY_MAX_RESULT_BYTES',
  'KAIFANG_QUERY_ANONYMOUS_CONCURRENCY',
  'KAIFANG_QUERY_PER_CALLER',
  'KAIFANG_CORS_ORIGINS',
  'KAIFANG_DEADLINE_PRESET',
  'KAIFANG_DEMAND_DEADLINE_DAYS',
  'KAIFANG_CORRECTION_DEADLINE_DAYS',
  'KAIFANG_SIGNIN_DELAY_AFTER',
  'KAIFANG_SIGNIN_LOCK_AFTER',
  'KAIFANG_SIGNIN_ADDRESS_DELAY_AFTER',
  'KAIFANG_SIGNIN_ADDRESS_LOCK_AFTER',
  'KAIFANG_SIGNIN_WINDOW_MINUTES',
  'KAIFANG_SIGNIN_LOCK_MINUTES',
  'KAIFANG_NEGOTIATION_DEADLINE_DAYS',
] as const;
export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/** Connections to a PostgreSQL server when KAIFANG_DB_POOL is not set (also for tests' own databases). */
export const DEFAULT_DATABASE_POOL = 10;

/** Everything an installation can set, from the environment (design §4). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** Connections to the PostgreSQL server (search uses two at once, ADR 0019). */
  databasePool: number;
  blobUrl: string;
  /** Region for an s3:// blob URL that names none in its `region` parameter. */
  s3Region: string;
  demo: boolean;
  baseUrl: string;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy only). */
  trustProxy: boolean;
  logLevel: string;
  /** JSON bodies larger than this are refused before parsing. */
  bodyLimitBytes: number;
  /** Requests per minute per user or IP address. */
  rateLimitPerMinute: number;
  production: boolean;
  /** `kaifang user add` without --password takes this (keeps it out of the shell history). */
  cliPassword: string | null;
  /** Deadlines and listing rules of tiered access (applications, sharing requests). */
  workflow: WorkflowConfig;
  /** Uploads, ingestion, the query sandbox and the job queue (the data plane). */
  data: DataConfig;
  /** Browser origins that may read the public API anonymously (CORS): ['*'], a list, or [] for none. */
  corsOrigins: string[];
  /** Brute-force protection of password sign-in (ADR 0028). */
  signIn: SignInConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS = ['production', 'development', 'test'];

/**
 * Reads the environment through the names above only (the type says so), and collects every
 * problem before reporting, so one start names all the offending variables at once.
 */
class EnvReader {
  readonly problems: string[] = [];
  private readonly bad = new Set<ConfigVariable>();
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  raw(name: ConfigVariable): string | undefined {
    return this.env[name];
  }

  text(name: ConfigVariable, fallback: string, valid: RegExp, rule: string): string {
    const v = this.env[name] ?? fallback;
    if (!valid.test(v)) this.problem(name, rule, v);
    return v;
  }

  oneOf(name: ConfigVariable, fallback: string, values: string[]): string {
    return this.text(
      name,
      fallback,
      new RegExp(`^(${values.join('|')})$`),
      `must be one of ${values.join(', ')}`,
    );
  }

  int(name: ConfigVariable, fallback: number, min: number, max: number): number {
    const raw = this.env[name] ?? String(fallback);
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
      this.problem(name, `must be an integer between ${min} and ${max}`, raw);
      return min;
    }
    return n;
  }

  bool(name: ConfigVariable): boolean {
    const raw = this.env[name] ?? '0';
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
    this.problem(name, 'must be 1 or 0', raw);
    return false;
  }

  /** Whether `names` were all read without a problem: cross-checks compare readable values only. */
  readable(...names: ConfigVariable[]): boolean {
    return names.every((n) => !this.bad.has(n));
  }

  problem(name: ConfigVariable, rule: string, got?: string): void {
    this.bad.add(name);
    this.problems.push(got === undefined ? `${name} ${rule}` : `${name} ${rule} (got "${got}")`);
  }
}

/**
 * The configuration from the environment. `defaults.logLevel` is the level when LOG_LEVEL is unset
 * (the command line is quieter than the server).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { logLevel?: string } = {},
): Config {
  const r = new EnvReader(env);
  const port = r.int('PORT', 8080, 0, 65535);
  const host = r.text('HOST', '127.0.0.1', /^[A-Za-z0-9.:%[\]-]+$/, 'must be a host name or IP address');
  const dataDirRaw = r.raw('KAIFANG_DATA_DIR') ?? './data';
  if (!dataDirRaw.trim()) r.problem('KAIFANG_DATA_DIR', 'must be a directory path', dataDirRaw);
  const dataDir = path.resolve(dataDirRaw);
  const databaseUrl = r.raw('DATABASE_URL')?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    r.problem('DATABASE_URL', 'must start with postgres:// or postgresql://', redact(databaseUrl));
  const databasePool = r.int('KAIFANG_DB_POOL', DEFAULT_DATABASE_POOL, 1, 1000);
  const blobUrl = r.raw('KAIFANG_BLOB_URL')?.trim() || `file://${path.join(dataDir, 'blobs')}`;
  if (!/^(file|s3):\/\//.test(blobUrl))
    r.problem('KAIFANG_BLOB_URL', 'must be s3://bucket/prefix or a file:// URL', redact(blobUrl));
  const s3Region = r.text(
    'AWS_REGION',
    'us-east-1',
    /^[a-z0-9-]+$/i,
    'must be a region name such as cn-north-1',
  );
  const demo = r.bool('KAIFANG_DEMO');
  const baseUrl = r
    .text('KAIFANG_BASE_URL', `http://${host}:${port}`, /^https?:\/\//, 'must be an http(s) URL')
    .replace(/\/+$/, '');
  const trustProxy = r.bool('KAIFANG_TRUST_PROXY');
  const logLevel = r.oneOf('LOG_LEVEL', defaults.logLevel ?? 'info', LOG_LEVELS);
  const bodyLimitBytes = r.int('KAIFANG_BODY_LIMIT', 1024 * 1024, 1024, 1024 ** 3);
  const rateLimitPerMinute = r.int('KAIFANG_RATE_LIMIT', 1200, 1, 1_000_000);
  const nodeEnv = r.raw('NODE_ENV');
  // A misspelt NODE_ENV (`prod`) would silently run without production's safeguards.
  if (nodeEnv !== undefined) r.oneOf('NODE_ENV', nodeEnv, NODE_ENVS);
  const production = nodeEnv === 'production';
  const cliPassword = r.raw('KAIFANG_PASSWORD') ?? null;
  if (cliPassword !== null && !cliPassword.trim())
    r.problem('KAIFANG_PASSWORD', 'must not be empty (unset it for a token-only account)');
  const workflow = loadWorkflowConfig(r);
  const data = loadDataConfig(r);
  const corsOrigins = parseOrigins(r);
  const signIn = loadSignInConfig(r);
  if (r.problems.length) throw new ConfigError(r.problems);
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    databasePool,
    blobUrl,
    s3Region,
    demo,
    baseUrl,
    trustProxy,
    logLevel,
    bodyLimitBytes,
    rateLimitPerMinute,
    production,
    cliPassword,
    workflow,
    data,
    corsOrigins,
    signIn,
  };
}

/** `*`, `none`, or comma-separated origins such as `https://app.example.cn`. */
function parseOrigins(r: EnvReader): string[] {
  const list = (r.raw('KAIFANG_CORS_ORIGINS') ?? '*')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (list.length === 1 && list[0].toLowerCase() === 'none') return [];
  const bad = list.filter((o) => o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad.length)
    r.problem(
      'KAIFANG_CORS_ORIGINS',
      `must be *, none, or origins like https://app.example.cn (bad: ${bad.join(', ')})`,
    );
  return list;
}

/**
 * The environment a child process that runs untrusted work (a query process) is given: locale,
 * time zone and paths only, never the database URL or storage keys. Read here, with the rest.
 */
export function childProcessEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    ['PATH', 'TZ', 'LANG', 'LC_ALL', 'TMPDIR'].flatMap((k) => (env[k] ? [[k, env[k] as string]] : [])),
  );
}

/** Connection strings carry passwords; never echo them whole. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Tiered access: deadlines in working days (design §7) and how unopened datasets are shown. */
export interface WorkflowConfig {
  /** Working days a department has to answer an application for conditional data (Shandong, Guangdong: 5). */
  applicationDeadlineDays: number;
  /** Working days a department has to answer another department's sharing request (Beijing: 3); also the authority's, once escalated. */
  sharingDeadlineDays: number;
  /** Working days the two departments negotiate (协商) a refused or overdue sharing request before it may go to the authority. */
  negotiationDeadlineDays: number;
  /** Reminders go out this many working days before a deadline (0: on the due day only). */
  reminderDays: number;
  /** List unopened (不予开放) datasets, with their reason, in public catalogue listings. Their data is never served. */
  listUnopened: boolean;
  /** Days off and worked days beyond the State Council calendar, `YYYY-MM-DD` (local holidays, years not yet published). */
  extraHolidays: string[];
  extraWorkdays: string[];
  /** Deadline rules (issue 14): a province preset, then one rule per workflow (wins over the preset). */
  deadlinePreset: DeadlinePreset;
  deadlines: Record<DeadlineWorkflow, { days: number; unit: 'working' | 'calendar' }>;
}

// ---- deadlines per workflow (issue 14, ADR 0031) ----------------------------------------------
export type DeadlineWorkflow = 'application' | 'sharing' | 'demand' | 'correction';
export type DeadlinePreset = keyof typeof DEADLINE_PRESETS;
type Rules = WorkflowConfig['deadlines'];
const w = (days: number) => ({ days, unit: 'working' as const });
/**
 * Presets for the provinces whose sharing deadline seed 001 names (Beijing 3 days, Guangdong 5);
 * `national` is the design's default (5 for applications, 3 for sharing). Demands and corrections
 * have no figure in the seeds: 10 and 5 working days until an installation sets its own.
 */
export const DEADLINE_PRESETS = {
  national: { application: w(5), sharing: w(3), demand: w(10), correction: w(5) },
  beijing: { application: w(5), sharing: w(3), demand: w(10), correction: w(5) },
  guangdong: { application: w(5), sharing: w(5), demand: w(10), correction: w(5) },
} satisfies Record<string, Rules>;
const DEADLINE_KEYS: Record<DeadlineWorkflow, ConfigVariable> = {
  application: 'KAIFANG_APPLICATION_DEADLINE_DAYS',
  sharing: 'KAIFANG_SHARING_DEADLINE_DAYS',
  demand: 'KAIFANG_DEMAND_DEADLINE_DAYS',
  correction: 'KAIFANG_CORRECTION_DEADLINE_DAYS',
};
/** `KAIFANG_DEADLINE_PRESET`, then each `KAIFANG_<WORKFLOW>_DEADLINE_DAYS` as `5`, `5 working` or `3 calendar`. */
function loadDeadlines(r: EnvReader): Pick<WorkflowConfig, 'deadlinePreset' | 'deadlines'> {
  const preset = (r.raw('KAIFANG_DEADLINE_PRESET') ?? 'national').trim().toLowerCase();
  if (!Object.hasOwn(DEADLINE_PRESETS, preset))
    r.problem(
      'KAIFANG_DEADLINE_PRESET',
      `must be one of ${Object.keys(DEADLINE_PRESETS).join(', ')}`,
      preset,
    );
  const base: Rules = DEADLINE_PRESETS[preset as DeadlinePreset] ?? DEADLINE_PRESETS.national;
  const deadlines = { ...base };
  for (const [flow, name] of Object.entries(DEADLINE_KEYS) as [DeadlineWorkflow, ConfigVariable][]) {
    const raw = r.raw(name)?.trim();
    if (!raw) continue;
    const m = /^(\d{1,2})(?:\s+(working|calendar))?$/.exec(raw);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 60)
      r.problem(name, 'must be 1–60 days, optionally followed by "working" or "calendar"', raw);
    else deadlines[flow] = { days: Number(m[1]), unit: (m[2] as 'working' | 'calendar') ?? 'working' };
  }
  return { deadlinePreset: preset as DeadlinePreset, deadlines };
}

function loadWorkflowConfig(r: EnvReader): WorkflowConfig {
  const dates = (name: ConfigVariable) => {
    const list = (r.raw(name) ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const bad = list.filter(
      (d) =>
        !/^\d{4}-\d{2}-\d{2}$/.test(d) ||
        Number.isNaN(Date.parse(d)) ||
        new Date(d).toISOString().slice(0, 10) !== d,
    );
    if (bad.length) r.problem(name, `must be comma-separated YYYY-MM-DD dates (bad: ${bad.join(', ')})`);
    return list;
  };
  const rules = loadDeadlines(r);
  return {
    // Kept for callers that read the day counts alone; the unit is in `deadlines`.
    applicationDeadlineDays: rules.deadlines.application.days,
    sharingDeadlineDays: rules.deadlines.sharing.days,
    ...rules,
    reminderDays: r.int('KAIFANG_REMINDER_DAYS', 1, 0, 30),
    listUnopened: r.bool('KAIFANG_LIST_UNOPENED'),
    negotiationDeadlineDays: r.int('KAIFANG_NEGOTIATION_DEADLINE_DAYS', 5, 1, 60),
    extraHolidays: dates('KAIFANG_EXTRA_HOLIDAYS'),
    extraWorkdays: dates('KAIFANG_EXTRA_WORKDAYS'),
  };
}

/** The data plane's limits: every one of them bounds what one hostile file or query can cost. */
export interface DataConfig extends QueryGuardConfig {
  /** Largest uploaded or fetched file, in bytes; beyond it the upload is refused (413) and nothing is kept. */
  uploadMaxBytes: number;
  /** Files with more columns than this fail ingestion with a clear report. */
  maxColumns: number;
  /** XLSX: largest total uncompressed size and compression ratio accepted (zip-bomb guard). */
  xlsxMaxUncompressedBytes: number;
  xlsxMaxRatio: number;
  /** DuckDB memory for one ingestion (spills to disk beyond it) and for the shared read engine. */
  ingestMemory: string;
  readMemory: string;
  /** The SQL sandbox: per-query memory, threads, wall-clock limit, rows returned, concurrent queries. */
  queryMemory: string;
  queryThreads: number;
  queryTimeoutMs: number;
  queryMaxRows: number;
  queryConcurrency: number;
  /** A running job is failed after this long, or when its worker stops sending heartbeats for staleJobMs. */
  jobTimeoutMs: number;
  staleJobMs: number;
  /** Tests serve files from 127.0.0.1; production never fetches from loopback or private addresses. */
  allowLoopbackFetch: boolean;
}

function loadDataConfig(r: EnvReader): DataConfig {
  const memory = (name: ConfigVariable, fallback: string) =>
    r
      .text(
        name,
        fallback,
        /^\s*\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)\s*$/i,
        'must be a size such as 512MB or 2GB',
      )
      .trim();
  const queryMemory = memory('KAIFANG_QUERY_MEMORY', '256MB');
  const queryConcurrency = r.int('KAIFANG_QUERY_CONCURRENCY', 4, 1, 256);
  return {
    ...loadQueryGuardConfig(r, memory, { queryMemory, queryConcurrency }),
    uploadMaxBytes: r.int('KAIFANG_UPLOAD_MAX_BYTES', 1024 ** 3, 1024, 1024 ** 4),
    maxColumns: r.int('KAIFANG_MAX_COLUMNS', 2000, 1, 20000),
    xlsxMaxUncompressedBytes: r.int('KAIFANG_XLSX_MAX_UNCOMPRESSED', 512 * 1024 ** 2, 1024, 1024 ** 4),
    xlsxMaxRatio: r.int('KAIFANG_XLSX_MAX_RATIO', 200, 2, 100000),
    ingestMemory: memory('KAIFANG_INGEST_MEMORY', '512MB'),
    readMemory: memory('KAIFANG_READ_MEMORY', '512MB'),
    queryMemory,
    queryThreads: r.int('KAIFANG_QUERY_THREADS', 2, 1, 256),
    queryTimeoutMs: r.int('KAIFANG_QUERY_TIMEOUT_MS', 10000, 100, 3600000),
    queryMaxRows: r.int('KAIFANG_QUERY_MAX_ROWS', 10000, 1, 1000000),
    queryConcurrency,
    jobTimeoutMs: r.int('KAIFANG_JOB_TIMEOUT_MS', 60 * 60 * 1000, 1000, 7 * 24 * 3600 * 1000),
    staleJobMs: r.int('KAIFANG_STALE_JOB_MS', 60000, 1000, 24 * 3600 * 1000),
    allowLoopbackFetch: r.bool('KAIFANG_ALLOW_LOOPBACK_FETCH'),
  };
}

/**
 * Bounds on user SQL beyond the sandbox's own settings (ADR 0027): each query runs in a child
 * process with a hard memory cap and is killed past its time limit plus a grace; literal sizes
 * given to string and list builders and the answer's size are capped; anonymous callers share a
 * smaller pool of concurrent queries, and every caller has a share of the total.
 */
export interface QueryGuardConfig {
  /** Hard cap on one query process (kernel data limit, and killed when its resident memory passes it). */
  queryProcessMemory: string;
  /** How long past the time limit a query may take to stop when interrupted before its process is killed. */
  queryGraceMs: number;
  /** Largest string or list a literal size argument may ask for (repeat, lpad, range, …). */
  queryMaxString: number;
  /** Largest answer, in bytes of JSON rows; beyond it the query fails with query_too_expensive. */
  queryMaxResultBytes: number;
  /** Queries running at once from all anonymous callers together, and from any one caller. */
  queryAnonymousConcurrency: number;
  queryPerCaller: number;
}

function loadQueryGuardConfig(
  r: EnvReader,
  memory: (name: ConfigVariable, fallback: string) => string,
  engine: Pick<DataConfig, 'queryMemory' | 'queryConcurrency'>,
): QueryGuardConfig {
  const guard: QueryGuardConfig = {
    queryProcessMemory: memory('KAIFANG_QUERY_PROCESS_MEMORY', '768MB'),
    queryGraceMs: r.int('KAIFANG_QUERY_GRACE_MS', 1000, 100, 60000),
    queryMaxString: r.int('KAIFANG_QUERY_MAX_STRING', 1_000_000, 1000, 1024 ** 3),
    queryMaxResultBytes: r.int('KAIFANG_QUERY_MAX_RESULT_BYTES', 16 * 1024 ** 2, 1024, 1024 ** 3),
    queryAnonymousConcurrency: r.int('KAIFANG_QUERY_ANONYMOUS_CONCURRENCY', 2, 1, 256),
    queryPerCaller: r.int('KAIFANG_QUERY_PER_CALLER', 2, 1, 256),
  };
  if (
    r.readable('KAIFANG_QUERY_ANONYMOUS_CONCURRENCY', 'KAIFANG_QUERY_CONCURRENCY') &&
    guard.queryAnonymousConcurrency > engine.queryConcurrency
  )
    r.problem('KAIFANG_QUERY_ANONYMOUS_CONCURRENCY', 'must not exceed KAIFANG_QUERY_CONCURRENCY');
  const processCap = bytesOf(guard.queryProcessMemory);
  const query = bytesOf(engine.queryMemory);
  // The engine's own limit must leave room for the process around it (Node and DuckDB: about 128 MB).
  if (processCap !== null && query !== null && processCap < query + 128e6)
    r.problem('KAIFANG_QUERY_PROCESS_MEMORY', 'must be at least KAIFANG_QUERY_MEMORY + 128MB');
  return guard;
}

/** `512MB`, `2GiB`, … in bytes (KB/MB/GB are powers of 1000 and KiB/MiB/GiB of 1024, as in DuckDB); null if unreadable. */
export function bytesOf(size: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG])(i?)B$/i.exec(size.trim());
  if (!m) return null;
  const power = 'KMG'.indexOf(m[2].toUpperCase()) + 1;
  return Math.round(Number(m[1]) * (m[3] ? 1024 : 1000) ** power);
}

/**
 * Sign-in protection (ADR 0028). Failures are counted per account and per client address; a
 * count is forgotten after `windowMinutes` without a failure. From `delayAfter` failures on, each
 * further attempt must wait 1 s, 2 s, 4 s … (at most a minute) after the last; at `lockAfter`
 * failures, attempts are refused for `lockMinutes`. An address (many people behind one office
 * gateway) has its own, higher thresholds.
 */
export interface SignInConfig {
  delayAfter: number;
  lockAfter: number;
  addressDelayAfter: number;
  addressLockAfter: number;
  windowMinutes: number;
  lockMinutes: number;
}

function loadSignInConfig(r: EnvReader): SignInConfig {
  const c = {
    delayAfter: r.int('KAIFANG_SIGNIN_DELAY_AFTER', 3, 1, 1000),
    lockAfter: r.int('KAIFANG_SIGNIN_LOCK_AFTER', 10, 1, 1000),
    addressDelayAfter: r.int('KAIFANG_SIGNIN_ADDRESS_DELAY_AFTER', 20, 1, 100000),
    addressLockAfter: r.int('KAIFANG_SIGNIN_ADDRESS_LOCK_AFTER', 50, 1, 100000),
    windowMinutes: r.int('KAIFANG_SIGNIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    lockMinutes: r.int('KAIFANG_SIGNIN_LOCK_MINUTES', 15, 1, 24 * 60),
  };
  // Compared only when each number was readable: a bad one is already named above.
  const numbers: ConfigVariable[] = [
    'KAIFANG_SIGNIN_DELAY_AFTER',
    'KAIFANG_SIGNIN_LOCK_AFTER',
    'KAIFANG_SIGNIN_ADDRESS_DELAY_AFTER',
    'KAIFANG_SIGNIN_ADDRESS_LOCK_AFTER',
  ];
  if (r.readable(...numbers) && (c.delayAfter > c.lockAfter || c.addressDelayAfter > c.addressLockAfter))
    r.problem(
      'KAIFANG_SIGNIN_DELAY_AFTER',
      'and KAIFANG_SIGNIN_ADDRESS_DELAY_AFTER must not be larger than the matching *_LOCK_AFTER',
    );
  return c;
}
