import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openData } from '../../src/data/index.ts';
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
    s.ctx.config.data.queryTimeoutMs = 1500;
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
    const cartesian = await query(
      `SELECT count(*) FROM ${Array.from({ length: 16 }, (_, i) => `${t} t${i}`).join(', ')}`,
    );
    assert.equal(cartesian.status, 400);
    assert.equal(cartesian.body.error.code, 'query_timeout');
    const memory = await query(
      `SELECT string_agg(repeat('x', 100000), '') FROM ${t} a, ${t} b, ${t} c, ${t} d, ${t} e`,
    );
    assert.equal(memory.status, 400);
    assert.ok(['query_memory', 'query_timeout'].includes(memory.body.error.code), memory.body.error.code);
    // Nothing else was affected: the next query answers.
    const after = await query(`SELECT count(*) AS n FROM ${t}`);
    assert.deepEqual(after.body.rows, [[6]]);
  });

  test('the sandbox itself holds for SQL the parser check would have refused', async () => {
    const admin = await s.userWithToken('sysadmin');
    const view = await openData(s.ctx, null, open.distributionId, { action: 'query' });
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
