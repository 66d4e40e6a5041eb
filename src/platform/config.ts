import path from 'node:path';

/** Everything an installation can set, from the environment (design §4). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  blobUrl: string;
  demo: boolean;
  baseUrl: string;
  logLevel: string;
  /** JSON bodies larger than this are refused before parsing. */
  bodyLimitBytes: number;
  production: boolean;
  /** Deadlines and listing rules of tiered access (applications, sharing requests). */
  workflow: WorkflowConfig;
  /** Uploads, ingestion, the query sandbox and the job queue (the data plane). */
  data: DataConfig;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const port = parseIntIn(env.PORT ?? '8080', 0, 65535, 'PORT', problems);
  const host = env.HOST ?? '127.0.0.1';
  const dataDir = path.resolve(env.KAIFANG_DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got "${redact(databaseUrl)}")`);
  }
  const blobUrl = env.KAIFANG_BLOB_URL?.trim() || `file://${path.join(dataDir, 'blobs')}`;
  if (!/^(file|s3):\/\//.test(blobUrl))
    problems.push('KAIFANG_BLOB_URL must be s3://bucket/prefix or a file:// URL');
  const demo = parseBool(env.KAIFANG_DEMO ?? '0', 'KAIFANG_DEMO', problems);
  const baseUrl = (env.KAIFANG_BASE_URL ?? `http://${host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) problems.push('KAIFANG_BASE_URL must be an http(s) URL');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const bodyLimitBytes = parseIntIn(
    env.KAIFANG_BODY_LIMIT ?? String(1024 * 1024),
    1024,
    1024 ** 3,
    'KAIFANG_BODY_LIMIT',
    problems,
  );
  const production = env.NODE_ENV === 'production';
  const workflow = loadWorkflowConfig(env, problems);
  const data = loadDataConfig(env, problems);
  const signIn = loadSignInConfig(env, problems);
  if (problems.length) throw new ConfigError(problems);
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    blobUrl,
    demo,
    baseUrl,
    logLevel,
    bodyLimitBytes,
    production,
    workflow,
    data,
    signIn,
  };
}

function parseIntIn(raw: string, min: number, max: number, name: string, problems: string[]): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return min;
  }
  return n;
}

function parseBool(raw: string, name: string, problems: string[]): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  problems.push(`${name} must be 1 or 0 (got "${raw}")`);
  return false;
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
  /** Reminders go out this many working days before a deadline (0: on the due day only). */
  reminderDays: number;
  /** List unopened (不予开放) datasets, with their reason, in public catalogue listings. Their data is never served. */
  listUnopened: boolean;
  /** Days off and worked days beyond the State Council calendar, `YYYY-MM-DD` (local holidays, years not yet published). */
  extraHolidays: string[];
  extraWorkdays: string[];
}

function loadWorkflowConfig(env: NodeJS.ProcessEnv, problems: string[]): WorkflowConfig {
  const dates = (name: string) => {
    const list = (env[name] ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const bad = list.filter(
      (d) =>
        !/^\d{4}-\d{2}-\d{2}$/.test(d) ||
        Number.isNaN(Date.parse(d)) ||
        new Date(d).toISOString().slice(0, 10) !== d,
    );
    if (bad.length)
      problems.push(`${name} must be comma-separated YYYY-MM-DD dates (bad: ${bad.join(', ')})`);
    return list;
  };
  return {
    applicationDeadlineDays: parseIntIn(
      env.KAIFANG_APPLICATION_DEADLINE_DAYS ?? '5',
      1,
      60,
      'KAIFANG_APPLICATION_DEADLINE_DAYS',
      problems,
    ),
    sharingDeadlineDays: parseIntIn(
      env.KAIFANG_SHARING_DEADLINE_DAYS ?? '3',
      1,
      60,
      'KAIFANG_SHARING_DEADLINE_DAYS',
      problems,
    ),
    reminderDays: parseIntIn(env.KAIFANG_REMINDER_DAYS ?? '1', 0, 30, 'KAIFANG_REMINDER_DAYS', problems),
    listUnopened: parseBool(env.KAIFANG_LIST_UNOPENED ?? '0', 'KAIFANG_LIST_UNOPENED', problems),
    extraHolidays: dates('KAIFANG_EXTRA_HOLIDAYS'),
    extraWorkdays: dates('KAIFANG_EXTRA_WORKDAYS'),
  };
}

/** The data plane's limits: every one of them bounds what one hostile file or query can cost. */
export interface DataConfig {
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

function loadDataConfig(env: NodeJS.ProcessEnv, problems: string[]): DataConfig {
  const memory = (name: string, fallback: string) => {
    const v = (env[name] ?? fallback).trim();
    if (!/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i.test(v))
      problems.push(`${name} must be a size such as 512MB or 2GB (got "${v}")`);
    return v;
  };
  return {
    uploadMaxBytes: parseIntIn(
      env.KAIFANG_UPLOAD_MAX_BYTES ?? String(1024 ** 3),
      1024,
      1024 ** 4,
      'KAIFANG_UPLOAD_MAX_BYTES',
      problems,
    ),
    maxColumns: parseIntIn(env.KAIFANG_MAX_COLUMNS ?? '2000', 1, 20000, 'KAIFANG_MAX_COLUMNS', problems),
    xlsxMaxUncompressedBytes: parseIntIn(
      env.KAIFANG_XLSX_MAX_UNCOMPRESSED ?? String(512 * 1024 ** 2),
      1024,
      1024 ** 4,
      'KAIFANG_XLSX_MAX_UNCOMPRESSED',
      problems,
    ),
    xlsxMaxRatio: parseIntIn(
      env.KAIFANG_XLSX_MAX_RATIO ?? '200',
      2,
      100000,
      'KAIFANG_XLSX_MAX_RATIO',
      problems,
    ),
    ingestMemory: memory('KAIFANG_INGEST_MEMORY', '512MB'),
    readMemory: memory('KAIFANG_READ_MEMORY', '512MB'),
    queryMemory: memory('KAIFANG_QUERY_MEMORY', '256MB'),
    queryThreads: parseIntIn(env.KAIFANG_QUERY_THREADS ?? '2', 1, 256, 'KAIFANG_QUERY_THREADS', problems),
    queryTimeoutMs: parseIntIn(
      env.KAIFANG_QUERY_TIMEOUT_MS ?? '10000',
      100,
      3600000,
      'KAIFANG_QUERY_TIMEOUT_MS',
      problems,
    ),
    queryMaxRows: parseIntIn(
      env.KAIFANG_QUERY_MAX_ROWS ?? '10000',
      1,
      1000000,
      'KAIFANG_QUERY_MAX_ROWS',
      problems,
    ),
    queryConcurrency: parseIntIn(
      env.KAIFANG_QUERY_CONCURRENCY ?? '4',
      1,
      256,
      'KAIFANG_QUERY_CONCURRENCY',
      problems,
    ),
    jobTimeoutMs: parseIntIn(
      env.KAIFANG_JOB_TIMEOUT_MS ?? String(60 * 60 * 1000),
      1000,
      7 * 24 * 3600 * 1000,
      'KAIFANG_JOB_TIMEOUT_MS',
      problems,
    ),
    staleJobMs: parseIntIn(
      env.KAIFANG_STALE_JOB_MS ?? '60000',
      1000,
      24 * 3600 * 1000,
      'KAIFANG_STALE_JOB_MS',
      problems,
    ),
    allowLoopbackFetch: parseBool(
      env.KAIFANG_ALLOW_LOOPBACK_FETCH ?? '0',
      'KAIFANG_ALLOW_LOOPBACK_FETCH',
      problems,
    ),
  };
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

function loadSignInConfig(env: NodeJS.ProcessEnv, problems: string[]): SignInConfig {
  const int = (name: string, fallback: number, min: number, max: number) =>
    parseIntIn(env[name] ?? String(fallback), min, max, name, problems);
  const c = {
    delayAfter: int('KAIFANG_SIGNIN_DELAY_AFTER', 3, 1, 1000),
    lockAfter: int('KAIFANG_SIGNIN_LOCK_AFTER', 10, 1, 1000),
    addressDelayAfter: int('KAIFANG_SIGNIN_ADDRESS_DELAY_AFTER', 20, 1, 100000),
    addressLockAfter: int('KAIFANG_SIGNIN_ADDRESS_LOCK_AFTER', 50, 1, 100000),
    windowMinutes: int('KAIFANG_SIGNIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    lockMinutes: int('KAIFANG_SIGNIN_LOCK_MINUTES', 15, 1, 24 * 60),
  };
  if (c.delayAfter > c.lockAfter || c.addressDelayAfter > c.addressLockAfter)
    problems.push('KAIFANG_SIGNIN_*DELAY_AFTER must not be larger than the matching *LOCK_AFTER');
  return c;
}
