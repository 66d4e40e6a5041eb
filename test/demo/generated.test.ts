import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  DemoCatalogueError,
  GENERATED_DIR,
  loadDemo,
  readDemoCatalogue,
  readGeneratedTables,
  tableBytes,
} from '../../src/demo/index.ts';
import { creditCodeCheck, idCardCheck, orgCodeCheck } from '../../src/demo/identifiers.ts';
import { runJobNow } from '../../src/platform/index.ts';
import { dataJobHandlers } from '../../src/data/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';

const catalogue = readDemoCatalogue();
const generated = readGeneratedTables(catalogue);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const rowsOf = (title: string): Record<string, string>[] => {
  const table = generated.tables.find((t) => t.dataset.title === title);
  assert.ok(table, title);
  return parse(tableBytes(generated, table), { columns: true });
};

test('check characters: the standards’ own examples', () => {
  assert.equal(idCardCheck('11010519491231002'), 'X'); // GB 11643 example
  assert.equal(orgCodeCheck('M000100Y'), '4');
  assert.equal(creditCodeCheck('91350100M000100Y4'), '3'); // 91350100M000100Y43
});

test('the same seed gives the same bytes; another seed another table of the same shape', () => {
  for (const table of generated.tables) {
    const a = tableBytes(generated, table);
    assert.equal(sha(a), sha(tableBytes(generated, table)), table.dataset.title);
    const b = tableBytes(generated, table, 7);
    assert.notEqual(sha(a), sha(b), table.dataset.title);
    assert.equal(a.toString().split('\n', 1)[0], b.toString().split('\n', 1)[0]);
  }
});

test('every generated table has the declared 数据项 as its header and the rows its spec asks for', () => {
  for (const { dataset, spec } of generated.tables) {
    const [header, ...rows] = tableBytes(generated, { dataset, spec }).toString().trimEnd().split('\n');
    assert.deepEqual(
      header!.split(','),
      dataset.fields!.map((f) => f.name),
      dataset.title,
    );
    assert.equal(rows.length, spec.rows, dataset.title);
  }
});

test('identifiers are valid in format and check character, in the fictitious region 3399xx', () => {
  const people = rowsOf('个人社保缴费明细');
  assert.ok(people.length >= 50);
  for (const { id_card_no: id } of people) {
    assert.match(id!, /^3399\d{13}[\dX]$/);
    assert.equal(id!.slice(-1), idCardCheck(id!.slice(0, 17)), id);
  }
  const codes = [...rowsOf('企业登记注册信息'), ...rowsOf('农民专业合作社名录')].map((r) => r.credit_code!);
  for (const code of codes) {
    assert.match(code, /^9[13]3399\d{2}[0-9A-HJ-NPQRTUWXY]{10}$/);
    assert.equal(code[17], creditCodeCheck(code.slice(0, 17)), code);
    assert.equal(code[16], orgCodeCheck(code.slice(8, 16)), code);
  }
});

test('a broken spec is refused with file, dataset and field named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaifang-demo-generated-'));
  try {
    cpSync(GENERATED_DIR, dir, { recursive: true });
    const rsj = JSON.parse(readFileSync(join(dir, 'rsj.json'), 'utf8'));
    delete rsj['个人社保缴费明细'].columns.pay_status;
    rsj['个人社保缴费明细'].columns.salary = { int: [1, 2] };
    rsj['最低工资标准'].columns.hourly_min_wage = { template: '{nowhere}' };
    writeFileSync(join(dir, 'rsj.json'), JSON.stringify(rsj));
    assert.throws(
      () => readGeneratedTables(catalogue, dir),
      (err: unknown) => {
        assert.ok(err instanceof DemoCatalogueError);
        const text = err.problems.join('\n');
        assert.match(text, /rsj\.json: 个人社保缴费明细\.columns\.pay_status: no spec and no default/);
        assert.match(text, /rsj\.json: 个人社保缴费明细\.columns\.salary: not a declared field/);
        assert.match(text, /rsj\.json: 最低工资标准\.columns\.hourly_min_wage: no list named nowhere/);
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// One database is enough here: the ingest path itself is tested on both elsewhere.
describe('npm start: the demo comes alive through the real upload and ingest path', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer('pglite');
  });
  after(() => s.close());

  test('generated tables are queued at load, and once a worker has run them ≥ 90% of open and conditional datasets have data', async () => {
    const result = await loadDemo(s.ctx, { generatedTables: true });
    assert.equal(result.jobs.length, generated.tables.length);
    const queued = await s.ctx.db
      .selectFrom('job')
      .select(['id', 'state'])
      .where('id', 'in', result.jobs)
      .execute();
    assert.ok(
      queued.every((j) => j.state === 'queued'),
      'left to the worker',
    );
    // What `kaifang serve`'s worker does, one job after the other, here in the test.
    for (const id of result.jobs) {
      const job = await runJobNow(s.ctx, dataJobHandlers, id);
      assert.equal(job?.state, 'succeeded', `${id}: ${JSON.stringify(job?.error)}`);
    }
    const datasets = await s.ctx.db
      .selectFrom('dataset')
      .select(['id', 'title', 'open_tier'])
      .where('open_tier', 'in', ['unconditional', 'conditional'])
      .execute();
    const withData = await s.ctx.db
      .selectFrom('distribution')
      .select('dataset_id')
      .distinct()
      .where('ingest_status', '=', 'succeeded')
      .where('row_count', '>', 0)
      .execute();
    const filled = new Set(withData.map((r) => r.dataset_id));
    const share = datasets.filter((d) => filled.has(d.id)).length / datasets.length;
    assert.ok(share >= 0.9, `${(share * 100).toFixed(0)}% of ${datasets.length} datasets have data`);

    // The rows are the generated ones, served by the API like any department's upload.
    const stats = datasets.find((d) => d.title === '社会保险参保人数统计')!;
    const dist = await s.ctx.db
      .selectFrom('distribution')
      .select(['id', 'row_count'])
      .where('dataset_id', '=', stats.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(dist.row_count), rowsOf('社会保险参保人数统计').length);
    const page = await s.call('GET', `/api/v1/distributions/${dist.id}/rows?limit=3`);
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.records.map((r: Record<string, unknown>) => r.district),
      rowsOf('社会保险参保人数统计')
        .slice(0, 3)
        .map((r) => r.district),
    );
  });
});
