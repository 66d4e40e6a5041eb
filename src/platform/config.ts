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
  /** Working days the two departments negotiate (协商) a refused or overdue sharing request before it may go to the authority. */
  negotiationDeadlineDays: number;
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
    negotiationDeadlineDays: parseIntIn(
      env.KAIFANG_NEGOTIATION_DEADLINE_DAYS ?? '5',
      1,
      60,
      'KAIFANG_NEGOTIATION_DEADLINE_DAYS',
      problems,
    ),
    reminderDays: parseIntIn(env.KAIFANG_REMINDER_DAYS ?? '1', 0, 30, 'KAIFANG_REMINDER_DAYS', problems),
    listUnopened: parseBool(env.KAIFANG_LIST_UNOPENED ?? '0', 'KAIFANG_LIST_UNOPENED', problems),
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

function loadDataConfig(env: NodeJS.ProcessEnv, problems: string[]): DataConfig {
  const memory = (name: string, fallback: string) => {
    const v = (env[name] ?? fallback).trim();
    if (!/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i.test(v))
      problems.push(`${name} must be a size such as 512MB or 2GB (got "${v}")`);
    return v;
  };
  return {
    ...loadQueryGuardConfig(env, problems, memory),
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
  env: NodeJS.ProcessEnv,
  problems: string[],
  memory: (name: string, fallback: string) => string,
): QueryGuardConfig {
  const int = (name: string, fallback: number, min: number, max: number) =>
    parseIntIn(env[name] ?? String(fallback), min, max, name, problems);
  const total = Number(env.KAIFANG_QUERY_CONCURRENCY ?? 4);
  const guard: QueryGuardConfig = {
    queryProcessMemory: memory('KAIFANG_QUERY_PROCESS_MEMORY', '768MB'),
    queryGraceMs: int('KAIFANG_QUERY_GRACE_MS', 1000, 100, 60000),
    queryMaxString: int('KAIFANG_QUERY_MAX_STRING', 1_000_000, 1000, 1024 ** 3),
    queryMaxResultBytes: int('KAIFANG_QUERY_MAX_RESULT_BYTES', 16 * 1024 ** 2, 1024, 1024 ** 3),
    queryAnonymousConcurrency: int('KAIFANG_QUERY_ANONYMOUS_CONCURRENCY', 2, 1, 256),
    queryPerCaller: int('KAIFANG_QUERY_PER_CALLER', 2, 1, 256),
  };
  if (guard.queryAnonymousConcurrency > total)
    problems.push('KAIFANG_QUERY_ANONYMOUS_CONCURRENCY must not exceed KAIFANG_QUERY_CONCURRENCY');
  const processCap = bytesOf(guard.queryProcessMemory);
  const query = bytesOf(env.KAIFANG_QUERY_MEMORY ?? '256MB');
  // The engine's own limit must leave room for the process around it (Node and DuckDB: about 128 MB).
  if (processCap !== null && query !== null && processCap < query + 128e6)
    problems.push('KAIFANG_QUERY_PROCESS_MEMORY must be at least KAIFANG_QUERY_MEMORY + 128MB');
  return guard;
}

/** `512MB`, `2GiB`, … in bytes (KB/MB/GB are powers of 1000 and KiB/MiB/GiB of 1024, as in DuckDB); null if unreadable. */
export function bytesOf(size: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG])(i?)B$/i.exec(size.trim());
  if (!m) return null;
  const power = 'KMG'.indexOf(m[2].toUpperCase()) + 1;
  return Math.round(Number(m[1]) * (m[3] ? 1024 : 1000) ** power);
}
