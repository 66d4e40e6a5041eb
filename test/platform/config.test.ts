import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type ConfigVariable } from '../../src/platform/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** One wrong value for every variable; the Record type makes a new variable without one a compile error. */
const INVALID: Record<ConfigVariable, string> = {
  PORT: 'eighty',
  HOST: 'http://example.org',
  KAIFANG_DATA_DIR: ' ',
  DATABASE_URL: 'mysql://root:secret@db/kaifang',
  KAIFANG_DB_POOL: '0',
  KAIFANG_BLOB_URL: 'ftp://files/blobs',
  AWS_REGION: 'cn north 1',
  KAIFANG_DEMO: 'maybe',
  KAIFANG_BASE_URL: 'data.city.gov.cn',
  KAIFANG_TRUST_PROXY: 'sometimes',
  KAIFANG_BODY_LIMIT: '1MB',
  KAIFANG_RATE_LIMIT: 'abc',
  LOG_LEVEL: 'loud',
  NODE_ENV: 'prod',
  KAIFANG_PASSWORD: '',
  KAIFANG_APPLICATION_DEADLINE_DAYS: '0',
  KAIFANG_SHARING_DEADLINE_DAYS: 'three',
  KAIFANG_REMINDER_DAYS: '-1',
  KAIFANG_LIST_UNOPENED: '2',
  KAIFANG_EXTRA_HOLIDAYS: '2026-02-30',
  KAIFANG_EXTRA_WORKDAYS: 'next monday',
  KAIFANG_UPLOAD_MAX_BYTES: '1.5',
  KAIFANG_MAX_COLUMNS: '1e9',
  KAIFANG_XLSX_MAX_UNCOMPRESSED: '12',
  KAIFANG_XLSX_MAX_RATIO: '1',
  KAIFANG_INGEST_MEMORY: 'lots',
  KAIFANG_READ_MEMORY: '512',
  KAIFANG_QUERY_MEMORY: '1TB',
  KAIFANG_QUERY_THREADS: '0',
  KAIFANG_QUERY_TIMEOUT_MS: '10s',
  KAIFANG_QUERY_MAX_ROWS: '',
  KAIFANG_QUERY_CONCURRENCY: '999',
  KAIFANG_JOB_TIMEOUT_MS: '999',
  KAIFANG_STALE_JOB_MS: 'NaN',
  KAIFANG_ALLOW_LOOPBACK_FETCH: 'y',
  KAIFANG_QUERY_PROCESS_MEMORY: 'huge',
  KAIFANG_QUERY_GRACE_MS: '5',
  KAIFANG_QUERY_MAX_STRING: 'x',
  KAIFANG_QUERY_MAX_RESULT_BYTES: '0',
  KAIFANG_QUERY_ANONYMOUS_CONCURRENCY: '0',
  KAIFANG_QUERY_PER_CALLER: 'many',
  KAIFANG_CORS_ORIGINS: 'example.org',
  KAIFANG_DEADLINE_PRESET: 'shanghai',
  KAIFANG_DEMAND_DEADLINE_DAYS: '99',
  KAIFANG_CORRECTION_DEADLINE_DAYS: '5 fortnights',
  KAIFANG_SIGNIN_DELAY_AFTER: '0',
  KAIFANG_SIGNIN_LOCK_AFTER: 'ten',
  KAIFANG_SIGNIN_ADDRESS_DELAY_AFTER: '-3',
  KAIFANG_SIGNIN_ADDRESS_LOCK_AFTER: '1e6',
  KAIFANG_SIGNIN_WINDOW_MINUTES: '0',
  KAIFANG_SIGNIN_LOCK_MINUTES: 'forever',
  KAIFANG_NEGOTIATION_DEADLINE_DAYS: '0',
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  return [];
};

test('every variable has an invalid value in this test, and nothing else is read', () => {
  assert.deepEqual(Object.keys(INVALID).sort(), [...CONFIG_VARIABLES].sort());
});

for (const name of CONFIG_VARIABLES) {
  test(`an invalid ${name} stops the configuration with a message naming it`, () => {
    const problems = problemsOf({ [name]: INVALID[name] });
    assert.equal(problems.length, 1, `${name}=${JSON.stringify(INVALID[name])}: ${problems.join('; ')}`);
    assert.ok(problems[0].startsWith(`${name} `), problems[0]);
  });
}

test('with every variable wrong at once, one message names each of them', () => {
  const problems = problemsOf(INVALID);
  assert.deepEqual(problems.map((p) => p.split(' ')[0]).sort(), [...CONFIG_VARIABLES].sort());
  const message = new ConfigError(problems).message;
  for (const name of CONFIG_VARIABLES) assert.match(message, new RegExp(`\\b${name}\\b`));
  assert.doesNotMatch(message, /secret/, 'the database password is not echoed');
});

test('unset variables take their defaults; set ones are parsed', () => {
  const d = loadConfig({});
  assert.equal(d.port, 8080);
  assert.equal(d.host, '127.0.0.1');
  assert.equal(d.rateLimitPerMinute, 1200);
  assert.equal(d.databasePool, 10);
  assert.equal(d.s3Region, 'us-east-1');
  assert.equal(d.trustProxy, false);
  assert.equal(d.cliPassword, null);
  assert.equal(d.logLevel, 'info');
  assert.equal(d.production, false);
  assert.equal(loadConfig({}, { logLevel: 'warn' }).logLevel, 'warn', "the command line's quieter default");
  assert.equal(loadConfig({ LOG_LEVEL: 'debug' }, { logLevel: 'warn' }).logLevel, 'debug');

  const c = loadConfig({
    KAIFANG_RATE_LIMIT: '60',
    KAIFANG_DB_POOL: '4',
    AWS_REGION: 'cn-north-1',
    KAIFANG_TRUST_PROXY: '1',
    KAIFANG_PASSWORD: 'correct horse battery',
    NODE_ENV: 'production',
  });
  assert.equal(c.rateLimitPerMinute, 60);
  assert.equal(c.databasePool, 4);
  assert.equal(c.s3Region, 'cn-north-1');
  assert.equal(c.trustProxy, true);
  assert.equal(c.cliPassword, 'correct horse battery');
  assert.equal(c.production, true);
});

const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });

test('no module but the config module reads the environment', () => {
  const readers = sources(path.join(root, 'src'))
    .filter((f) => /process\.env\b/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(root, f));
  assert.deepEqual(readers, [path.join('src', 'platform', 'config.ts')]);
});

test('every variable is documented for operators', () => {
  const docs =
    fs.readFileSync(path.join(root, 'README.md'), 'utf8') +
    fs.readFileSync(path.join(root, 'docs', 'operations.md'), 'utf8');
  const missing = CONFIG_VARIABLES.filter((name) => !docs.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});
