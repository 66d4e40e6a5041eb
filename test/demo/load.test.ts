import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDemo } from '../../src/demo/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { startServer, type TestServer } from '../helpers/app.ts';

onEachDatabase('demo loader', (kind) => {
  let s: TestServer;
  before(async () => {
    s = await startServer(kind);
    await loadDemo(s.ctx);
  });
  after(() => s.close());

  test('the two tables of the 2021 report are ingested: rows, fields and capacity from the first start', async () => {
    const rows = await s.ctx.db
      .selectFrom('distribution')
      .select(['id', 'row_count', 'field_count', 'capacity', 'ingest_status'])
      .where('current_version', 'is not', null)
      .orderBy('row_count', 'desc')
      .execute();
    assert.deepEqual(
      rows.map((r) => [Number(r.row_count), r.field_count, Number(r.capacity), r.ingest_status]),
      [
        [670, 5, 3350, 'succeeded'],
        [156, 4, 624, 'succeeded'],
      ],
    );
    const platforms = await s.call(
      'GET',
      `/api/v1/distributions/${rows[0].id}/rows?filters=${encodeURIComponent(JSON.stringify({ name: '北京市公共数据开放平台' }))}`,
    );
    assert.deepEqual(platforms.body.records, [
      {
        no: 1,
        name: '北京市公共数据开放平台',
        location: '北京市',
        admin_level: '省级',
        url: 'http://data.beijing.gov.cn/',
      },
    ]);
    const levels = await s.call(
      'GET',
      `/api/v1/distributions/${rows[0].id}/aggregate?groupBy=admin_level&sort=-count&limit=1`,
    );
    assert.deepEqual(levels.body.rows, [{ admin_level: '县区级', count: 440 }]);
    const top = await s.call(
      'GET',
      `/api/v1/distributions/${rows[1].id}/rows?sort=-datasets&limit=1&fields=name,datasets`,
    );
    assert.equal(top.status, 200);
    assert.equal(typeof top.body.records[0].datasets, 'number');
  });
});
