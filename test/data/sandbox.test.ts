import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openData } from '../../src/data/index.ts';
import { queriesRunning } from '../../src/data/query-admission.ts';
import { dataReader } from '../../src/access/index.ts';
import { executeInSandbox } from '../../src/data/sandbox.ts';
import { openBlobStore, type Worker } from '../../src/platform/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { gbkHospitalCsv } from './files.ts';
import { dataWorker, ingest, publishedDistribution } from './helpers.ts';

const tableOf = (id: string) => `dist_${id.replace(/-/g, '')}`;

onEachDatabase('SQL sandbox', (kind) => {
  let s: TestServer;
  let worker: Worker;
  let open: Awaited<ReturnType<typeof publishedDistribution>>;
  let hidden: Awaited<ReturnType<typeof publishedDistribution>>;
  let hiddenParquet: string;
  const canary = path.join(os.tmpdir(), `kaifang-canary-${process.pid}.csv`);

  before(async () => {
    s = await startServer(kind);
    worker = dataWorker(s);
    s.ctx.config.data.queryMaxRows = 1000;
    const admin = await s.userWithToken('sysadmin');
    open = await publishedDistribution(s, admin);
    assert.equal(
      (await ingest(s, open.staff.token, open.distributionId, 'h.csv', gbkHospitalCsv())).state,
      'succeeded',
    );
    hidden = await publishedDistribution(s, admin, {
      title: '内部名单',
      openTier: 'not_open',
      notOpenReason: '涉及个人信息',
      notOpenLegalBasis: '《中华人民共和国个人信息保护法》第二十八条',
      shareTier: 'not_shared',
      notSharedReason: '涉及个人信息，不向其他部门共享',
      notSharedLegalBasis: '《中华人民共和国个人信息保护法》第三十四条',
    });
    assert.equal(
      (
        await ingest(
          s,
          hidden.staff.token,
          hidden.distributionId,
          'secret.csv',
          '姓名,身份证号\n张三,330201199001011234\n',
        )
      ).state,
      'succeeded',
    );
    const row = await s.ctx.db
      .selectFrom('distribution_version')
      .select('parquet_key')
      .where('distribution_id', '=', hidden.distributionId)
      .executeTakeFirstOrThrow();
    hiddenParquet = await openBlobStore(s.ctx.config).localPath(row.parquet_key!);
    fs.writeFileSync(canary, 'secret\n');
  });
  after(async () => {
    fs.rmSync(canary, { force: true });
    await worker.stop();
    await s.close();
  });

  const query = (sql: string, token?: string) => s.call('POST', '/api/v1/query', { body: { sql }, token });
  // Bombs get a short time limit so the tests are quick; everything else the default, since the
  // limit also covers waiting for a query process to start, which a loaded machine makes slow.
  const TIGHT_MS = 1500;
  const tight = async <T>(fn: () => Promise<T>): Promise<T> => {
    s.ctx.config.data.queryTimeoutMs = TIGHT_MS;
    try {
      return await fn();
    } finally {
      s.ctx.config.data.queryTimeoutMs = 10000;
    }
  };

  test('every way out is refused before it runs, with a clear code', async () => {
    const t = tableOf(open.distributionId);
    const cases: [string, string][] = [
      [`SELECT * FROM read_csv('/etc/passwd')`, 'table_function'],
      [`SELECT * FROM read_csv_auto('${canary}')`, 'table_function'],
      [`SELECT * FROM read_parquet('${hiddenParquet}')`, 'table_function'],
      [`SELECT * FROM read_text('/etc/hostname')`, 'table_function'],
      [`SELECT * FROM glob('/*')`, 'table_function'],
      [`SELECT * FROM query('SELECT 1')`, 'table_function'],
      [`SELECT * FROM duckdb_settings()`, 'table_function'],
      [`SELECT * FROM '/etc/passwd'`, 'unknown_table'],
      [`SELECT * FROM "${canary}"`, 'unknown_table'],
      [`SELECT * FROM information_schema.tables`, 'unknown_table'],
      [`SELECT * FROM secrets`, 'unknown_table'],
      [`COPY (SELECT * FROM ${t}) TO '/tmp/kaifang-out.csv'`, 'select_only'],
      [`COPY ${t} FROM '/etc/passwd'`, 'select_only'],
      [`ATTACH '/tmp/kaifang.db' AS x`, 'select_only'],
      [`INSTALL httpfs`, 'select_only'],
      [`LOAD httpfs`, 'select_only'],
      [`SET enable_external_access = true`, 'select_only'],
      [`SET memory_limit = '100GB'`, 'select_only'],
      [`PRAGMA database_list`, 'select_only'],
      [`CREATE TABLE x AS SELECT 1`, 'select_only'],
      [`EXPORT DATABASE '/tmp/kaifang-export'`, 'select_only'],
      [`SELECT 1; SELECT 2`, 'one_statement_only'],
      [`SELECT * FROM ${t}; DROP TABLE ${t}`, 'one_statement_only'],
      [`SELECT getenv('HOME')`, 'forbidden_function'],
      [`SELECT current_setting('memory_limit')`, 'forbidden_function'],
      [`SELECT json_execute_serialized_sql('x')`, 'forbidden_function'],
      [`SELEC * FROM ${t}`, 'sql_syntax'],
      ['', 'validation_failed'],
    ];
    for (const [sql, code] of cases) {
      const r = await query(sql);
      assert.equal(r.status, 400, `${sql}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code, `${sql}: ${JSON.stringify(r.body.error)}`);
    }
    assert.equal(fs.existsSync('/tmp/kaifang-out.csv'), false);
    const huge = await query(`SELECT 1 -- ${'x'.repeat(30000)}`);
    assert.equal(huge.status, 400);
  });

  test('a table the caller may not read is refused, even beside one it may', async () => {
    const mixed = await query(
      `SELECT * FROM ${tableOf(open.distributionId)} a, ${tableOf(hidden.distributionId)} b`,
    );
    assert.equal(mixed.status, 403);
    assert.equal(mixed.body.error.code, 'access_denied');
    assert.doesNotMatch(JSON.stringify(mixed.body), /张三|3302011990/);
    const unknown = await query(`SELECT * FROM dist_00000000000040008000000000000000`);
    assert.equal(unknown.status, 404);
    // The owner reads it.
    const own = await query(`SELECT 姓名 FROM ${tableOf(hidden.distributionId)}`, hidden.staff.token);
    assert.deepEqual(own.body.rows, [['张三']]);
  });

  test('blow-ups end at the row limit, the time limit or the memory limit', async () => {
    const t = tableOf(open.distributionId);
    const many = await query(
      `SELECT a.机构名称, b.机构名称, c.机构名称, d.机构名称, e.机构名称 FROM ${t} a, ${t} b, ${t} c, ${t} d, ${t} e`,
    );
    assert.equal(many.status, 200);
    assert.equal(many.body.truncated, true);
    assert.equal(many.body.rowCount, 1000);
    // 6^16 combinations: no machine counts them before the time limit.
    const cartesian = await tight(() =>
      query(`SELECT count(*) FROM ${Array.from({ length: 16 }, (_, i) => `${t} t${i}`).join(', ')}`),
    );
    assert.equal(cartesian.status, 400);
    assert.equal(cartesian.body.error.code, 'query_timeout');
    const memory = await tight(() =>
      query(`SELECT string_agg(repeat('x', 100000), '') FROM ${t} a, ${t} b, ${t} c, ${t} d, ${t} e`),
    );
    assert.equal(memory.status, 400);
    assert.ok(['query_memory', 'query_timeout'].includes(memory.body.error.code), memory.body.error.code);
    // Nothing else was affected: the next query answers.
    const after = await query(`SELECT count(*) AS n FROM ${t}`);
    assert.deepEqual(after.body.rows, [[6]]);
  });

  // A string the engine's memory limit does not see and an interrupt it does not heed (ADR 0027).
  const cpuBomb = `SELECT levenshtein(repeat('ab', 30000), repeat('ba', 30000))`;

  test('resource bombs are refused before they run, or cut by the query process limits', async () => {
    const refusedUpFront: string[] = [
      `SELECT length(repeat('x', 2000000000))`,
      `SELECT length(repeat('x', 20000 * 100000))`,
      `SELECT length(repeat(repeat('x', 1000), 100000))`,
      `SELECT length(regexp_replace(repeat('a', 100000000), 'a', 'bbbbbbbbbb', 'g'))`,
      `SELECT lpad('x', 1000000000, 'y')`,
      `SELECT len(range(10000000000))`,
      `SELECT len(generate_series(1, 1e12))`,
      `SELECT list_resize([1], 2000000000)`,
    ];
    for (const sql of refusedUpFront) {
      const r = await query(sql);
      assert.equal(r.status, 400, sql);
      assert.equal(r.body.error.code, 'query_too_expensive', `${sql}: ${JSON.stringify(r.body.error)}`);
    }
    // Sizes taken from data, or grown step by step, pass the first wall; the memory caps cut them.
    for (const sql of [
      `SELECT length(repeat(x, n)) FROM (SELECT 'x' AS x, 2000000000 AS n)`,
      `WITH RECURSIVE t(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM t WHERE length(s) < 2000000000) SELECT length(max(s)) FROM t`,
    ]) {
      const r = await query(sql);
      assert.equal(r.status, 400, sql);
      assert.ok(
        ['query_memory', 'query_too_expensive'].includes(r.body.error.code),
        `${sql}: ${r.body.error.code}`,
      );
    }
    // A function that never looks at the interrupt: its process is killed at the time limit.
    const cpu = await tight(() => query(cpuBomb));
    assert.equal(cpu.status, 400);
    assert.equal(cpu.body.error.code, 'query_timeout');
    // An answer past the byte limit is refused, not half-sent.
    s.ctx.config.data.queryMaxResultBytes = 10000;
    try {
      const wide = await query(
        `SELECT repeat('x', 1000) AS s FROM (SELECT 1 UNION ALL SELECT 2) a, (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6) b`,
      );
      assert.equal(wide.status, 400);
      assert.equal(wide.body.error.code, 'query_too_expensive');
    } finally {
      s.ctx.config.data.queryMaxResultBytes = 16 * 1024 ** 2;
    }
    // The server and the next query are unharmed.
    const t = tableOf(open.distributionId);
    assert.deepEqual((await query(`SELECT count(*) AS n FROM ${t}`)).body.rows, [[6]]);
    assert.equal((await s.call('GET', '/api/v1/datasets')).status, 200);
  });

  test('anonymous callers share a smaller pool of concurrent queries; past it they get 429', async () => {
    const data = s.ctx.config.data;
    const saved = { ...data };
    Object.assign(data, { queryConcurrency: 4, queryAnonymousConcurrency: 2, queryPerCaller: 3 });
    try {
      const member = await s.userWithToken('public');
      // Admitted queries read their time limit at once: tight for these two only.
      data.queryTimeoutMs = TIGHT_MS;
      const blockers = [query(cpuBomb), query(cpuBomb)];
      while (queriesRunning() < 2) await new Promise((r) => setTimeout(r, 20));
      data.queryTimeoutMs = 10000;
      const third = await query(`SELECT 1 AS one`);
      assert.equal(third.status, 429);
      assert.equal(third.body.error.code, 'too_many_queries');
      assert.equal(third.body.error.details.scope, 'anonymous');
      // A signed-in caller is not in the anonymous pool.
      const signedIn = await query(`SELECT 1 AS one`, member.token);
      assert.equal(signedIn.status, 200);
      for (const b of await Promise.all(blockers)) assert.equal(b.body.error.code, 'query_timeout');
      // Slots come back however the query ended.
      assert.equal(queriesRunning(), 0);
      assert.deepEqual((await query(`SELECT 1 AS one`)).body.rows, [[1]]);
    } finally {
      Object.assign(data, saved);
    }
  });

  test('the sandbox itself holds for SQL the parser check would have refused', async () => {
    const admin = await s.userWithToken('sysadmin');
    const view = await openData(s.ctx, dataReader(null), open.distributionId, { action: 'query' });
    const run = (sql: string) =>
      executeInSandbox(s.ctx, [{ name: tableOf(open.distributionId), view }], sql, 10);
    for (const sql of [
      `SELECT * FROM read_csv('${canary}')`,
      `SELECT * FROM read_parquet('${hiddenParquet}')`,
      `COPY (SELECT 1) TO '${path.join(os.tmpdir(), 'kaifang-escape.csv')}'`,
      `ATTACH '${path.join(os.tmpdir(), 'kaifang-escape.db')}' AS x`,
      `SET enable_external_access = true`,
      `SET allowed_directories = ['/']`,
      `INSTALL httpfs`,
    ]) {
      await assert.rejects(
        run(sql),
        (err: { code?: string }) => ['query_forbidden', 'query_failed'].includes(err.code ?? ''),
        sql,
      );
    }
    assert.equal(fs.existsSync(path.join(os.tmpdir(), 'kaifang-escape.csv')), false);
    assert.equal(fs.existsSync(path.join(os.tmpdir(), 'kaifang-escape.db')), false);
    assert.ok(admin);
    assert.deepEqual((await run(`SELECT count(*) FROM ${tableOf(open.distributionId)}`)).rows, [[6]]);
  });

  test('limits in the request are checked', async () => {
    const t = tableOf(open.distributionId);
    for (const limit of [0, -1, 1.5, 1_000_000, 'ten']) {
      const r = await s.call('POST', '/api/v1/query', { body: { sql: `SELECT * FROM ${t}`, limit } });
      assert.equal(r.status, 400, `limit ${limit}`);
    }
    const r = await s.call('POST', '/api/v1/query', { body: { sql: `SELECT * FROM ${t}`, limit: 2 } });
    assert.equal(r.body.rowCount, 2);
    assert.equal(r.body.truncated, true);
    const extra = await s.call('POST', '/api/v1/query', { body: { sql: `SELECT 1`, database: 'x' } });
    assert.equal(extra.status, 400);
  });
});
