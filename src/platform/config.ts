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
  if (!/^(file|s3):\/\//.test(blobUrl)) problems.push('KAIFANG_BLOB_URL must be s3://bucket/prefix or a file:// URL');
  const demo = parseBool(env.KAIFANG_DEMO ?? '0', 'KAIFANG_DEMO', problems);
  const baseUrl = (env.KAIFANG_BASE_URL ?? `http://${host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) problems.push('KAIFANG_BASE_URL must be an http(s) URL');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const bodyLimitBytes = parseIntIn(env.KAIFANG_BODY_LIMIT ?? String(1024 * 1024), 1024, 1024 ** 3, 'KAIFANG_BODY_LIMIT', problems);
  const production = env.NODE_ENV === 'production';
  if (problems.length) throw new ConfigError(problems);
  return { port, host, dataDir, databaseUrl, blobUrl, demo, baseUrl, logLevel, bodyLimitBytes, production };
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
