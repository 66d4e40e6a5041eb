import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { countAudit } from '../../src/identity/index.ts';
import { openBlobStore, type Worker } from '../../src/platform/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { HOSPITALS, gbkHospitalCsv, xlsxBomb } from './files.ts';
import { dataWorker, ingest, publishedDistribution, upload, waitForJob } from './helpers.ts';

const tableOf = (id: string) => `dist_${id.replace(/-/g, '')}`;
const enc = encodeURIComponent;

onEachDatabase('data API', (kind) => {
  let s: TestServer;
  let worker: Worker;
  let admin: { token: string };
  let main: Awaited<ReturnType<typeof publishedDistribution>>;

  before(async () => {
    s = await startServer(kind);
    worker = dataWorker(s);
    admin = await s.userWithToken('sysadmin');
    main = await publishedDistribution(s, admin);
    const job = await ingest(
      s,
      main.staff.token,
      main.distributionId,
      '2023年医疗机构名录.csv',
      gbkHospitalCsv(),
    );
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  test('an uploaded GBK file is served as rows, with the counts flowing back into the catalogue', async () => {
    const dist = await s.call('GET', `/api/v1/distributions/${main.distributionId}`);
    assert.equal(dist.body.ingestStatus, 'succeeded');
    assert.equal(dist.body.rowCount, 6);
    assert.equal(dist.body.fieldCount, 7);
    assert.match(dist.body.downloadURL, new RegExp(`/api/v1/distributions/${main.distributionId}/download`));
    const stored = await s.ctx.db
      .selectFrom('distribution')
      .select(['capacity', 'current_version'])
      .where('id', '=', main.distributionId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(stored.capacity), 42, 'capacity = rows × fields');
    assert.equal(stored.current_version, 1);
    const dataset = await s.call('GET', `/api/v1/datasets/${main.datasetId}`);
    assert.deepEqual(
      dataset.body.fields.map((f: { name: string; type: string }) => [f.name, f.type]),
      [
        ['序号', 'integer'],
        ['机构名称', 'string'],
        ['所在区县', 'string'],
        ['等级', 'string'],
        ['床位数', 'integer'],
        ['成立日期', 'date'],
        ['联系电话', 'string'],
      ],
      'a dataset without 数据项 takes the ingested columns',
    );

    const all = await s.call('GET', `/api/v1/distributions/${main.distributionId}/rows`);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.equal(all.body.total, 6);
    assert.deepEqual(all.body.records[0], {
      序号: 1,
      机构名称: '明州市第一人民医院',
      所在区县: '海曙区',
      等级: '三级甲等',
      床位数: 1200,
      成立日期: '1952-03-01',
      联系电话: '0574-87085588',
    });
    assert.equal(all.headers.get('cache-control'), 'private, no-store');

    const filtered = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/rows?filters=${enc(JSON.stringify({ 所在区县: ['江北区', '镇海区'], 床位数: { gte: 400 } }))}&fields=${enc('机构名称,床位数')}&sort=-床位数`,
    );
    assert.deepEqual(filtered.body.records, [
      { 机构名称: '明州市妇女儿童医院', 床位数: 650 },
      { 机构名称: '明州市康宁医院', 床位数: 420 },
    ]);
    assert.equal(filtered.body.total, 2);
    const nulls = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/rows?filters=${enc(JSON.stringify({ 床位数: null }))}&fields=序号`,
    );
    assert.deepEqual(nulls.body.records, [{ 序号: 3 }, { 序号: 6 }]);
    const text = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/rows?q=${enc('妇女')}&fields=序号`,
    );
    assert.deepEqual(text.body.records, [{ 序号: 4 }]);
    const dates = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/rows?filters=${enc(JSON.stringify({ 成立日期: { lt: '1960-01-01' } }))}&fields=序号&sort=成立日期`,
    );
    assert.deepEqual(dates.body.records, [{ 序号: 2 }, { 序号: 1 }]);
  });

  test('cursor paging walks every row exactly once, in any sort, NULLs last', async () => {
    for (const sort of ['', '床位数', '-床位数', '所在区县,-序号']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/distributions/${main.distributionId}/rows?limit=2&fields=序号${sort ? `&sort=${enc(sort)}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await s.call('GET', url);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        seen.push(...page.body.records.map((r: { 序号: number }) => r.序号));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6], `sort ${sort}: ${seen}`);
      if (sort === '-床位数') assert.deepEqual(seen, [1, 2, 4, 5, 3, 6]);
    }
    const wrong = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/rows?cursor=not-a-cursor`,
    );
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details.fields[0].field, 'cursor');
  });

  test('aggregate groups and summarises; preview shows the first rows and column statistics', async () => {
    const agg = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/aggregate?groupBy=${enc('所在区县')}&metrics=${enc('count,sum:床位数,max:床位数')}&sort=-count`,
    );
    assert.equal(agg.status, 200, JSON.stringify(agg.body));
    assert.deepEqual(agg.body.rows[0], {
      所在区县: '江北区',
      count: 2,
      'sum:床位数': 650,
      'max:床位数': 650,
    });
    assert.equal(agg.body.rows.length, 5);
    const total = await s.call(
      'GET',
      `/api/v1/distributions/${main.distributionId}/aggregate?metrics=${enc('count,avg:床位数')}`,
    );
    assert.deepEqual(total.body.rows, [{ count: 6, 'avg:床位数': 767.5 }]);
    const preview = await s.call('GET', `/api/v1/distributions/${main.distributionId}/preview?limit=3`);
    assert.equal(preview.status, 200);
    assert.equal(preview.body.rows.length, 3);
    assert.equal(preview.body.version.rowCount, 6);
    const beds = preview.body.columns.find((c: { name: string }) => c.name === '床位数');
    assert.deepEqual([beds.type, beds.nulls, beds.min, beds.max], ['integer', 2, 420, 1200]);
    assert.ok(preview.body.problems.some((p: { code: string }) => p.code === 'title_row'));
  });

  test('the query API answers exactly what DuckDB answers on the same file', async () => {
    // The same table, written out as a clean UTF-8 CSV and read by DuckDB with its own defaults.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-q-'));
    const file = path.join(dir, 'h.csv');
    const rows = [...HOSPITALS.map((r) => [...r]), ['6', '短行医院', '', '', '', '', '']];
    for (const r of rows) if (r[4] === '-') r[4] = '';
    fs.writeFileSync(
      file,
      '序号,机构名称,所在区县,等级,床位数,成立日期,联系电话\n' +
        rows.map((r) => r.map((c) => c.replace('1949/10/1', '1949-10-01')).join(',')).join('\n') +
        '\n',
    );
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    await c.run(`CREATE TABLE ref AS SELECT * FROM read_csv('${file}', types = {'联系电话': 'VARCHAR'})`);
    const t = tableOf(main.distributionId);
    const queries = [
      `SELECT 所在区县, count(*) AS n, sum(床位数) AS beds, avg(床位数) AS mean FROM ${t} GROUP BY 所在区县 ORDER BY 所在区县`,
      `SELECT 机构名称, 床位数, rank() OVER (ORDER BY 床位数 DESC NULLS LAST) AS r FROM ${t} ORDER BY r, 机构名称`,
      `WITH big AS (SELECT * FROM ${t} WHERE 床位数 > 500) SELECT a.机构名称, b.机构名称 AS other FROM big a JOIN big b ON a.所在区县 = b.所在区县 AND a.序号 < b.序号 ORDER BY 1`,
      `SELECT year(成立日期) AS y, count(*) AS n FROM ${t} WHERE 成立日期 IS NOT NULL GROUP BY ALL ORDER BY y`,
    ];
    for (const sql of queries) {
      const api = await s.call('POST', '/api/v1/query', { body: { sql } });
      assert.equal(api.status, 200, `${sql}: ${JSON.stringify(api.body)}`);
      const direct = await c.runAndReadAll(sql.replaceAll(t, 'ref'));
      const expected = direct
        .getRowsJS()
        .map((r) =>
          r.map((v) =>
            typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString().slice(0, 10) : v,
          ),
        );
      assert.deepEqual(api.body.rows, expected, sql);
      assert.deepEqual(
        api.body.columns.map((col: { name: string }) => col.name),
        direct.columnNames(),
      );
    }
    c.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('downloads in every format, streamed, with Chinese file names and formula-safe CSV', async () => {
    const d = await publishedDistribution(
      s,
      admin,
      { title: '企业名录' },
      { id: main.orgId, staff: main.staff },
    );
    const hostile =
      '名称,备注,金额\n甲公司,"=HYPERLINK(""http://evil"",""点我"")",10\n乙公司,+86 574 1234,-5\n丙公司,@SUM(A1),7\n丁公司,"\tcmd",8\n';
    assert.equal((await ingest(s, d.staff.token, d.distributionId, '企业.csv', hostile)).state, 'succeeded');
    const get = async (format: string) => {
      const r = await fetch(`${s.url}/api/v1/distributions/${d.distributionId}/download?format=${format}`);
      return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
    };
    const csv = await get('csv');
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    const disposition = csv.headers.get('content-disposition')!;
    assert.match(disposition, /^attachment; filename="[ -~]+"; filename\*=UTF-8''/);
    assert.equal(
      decodeURIComponent(disposition.split("UTF-8''")[1]),
      '住房公积金缴存情况-数据文件-v1.csv'.replace('住房公积金缴存情况', '企业名录'),
    );
    const body = csv.body.toString('utf8');
    assert.ok(body.startsWith('\uFEFF名称,备注,金额\r\n'), 'BOM and header');
    assert.match(body, /甲公司,"'=HYPERLINK\(""http:\/\/evil"",""点我""\)",10/);
    assert.match(body, /乙公司,\+86 574 1234,-5/, 'phone numbers and numbers stay exact');
    assert.match(body, /丙公司,'@SUM\(A1\),7/);
    assert.doesNotMatch(body, /\r\n=|,=|,@/, 'no cell starts a formula');

    const json = JSON.parse((await get('json')).body.toString('utf8'));
    assert.deepEqual(json[0], { 名称: '甲公司', 备注: '=HYPERLINK("http://evil","点我")', 金额: 10 });
    const xml = (await get('xml')).body.toString('utf8');
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(
      xml,
      /<field name="名称">甲公司<\/field><field name="备注">=HYPERLINK\(&quot;http:\/\/evil&quot;,&quot;点我&quot;\)<\/field><field name="金额">10<\/field>/,
    );
    const xlsx = await get('xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['名称', '备注', '金额']);
    assert.equal(
      sheet.getRow(2).getCell(2).type,
      ExcelJS.ValueType.String,
      'a formula-looking text is a text cell in XLSX',
    );
    assert.equal(sheet.getRow(2).getCell(3).value, 10);
    const csvw = JSON.parse((await get('csvw')).body.toString('utf8'));
    assert.equal(csvw['@context'][0], 'http://www.w3.org/ns/csvw');
    assert.match(csvw.url, /format=csv&version=1$/);
    assert.deepEqual(
      csvw.tableSchema.columns.map((c: { name: string; datatype: string }) => [c.name, c.datatype]),
      [
        ['名称', 'string'],
        ['备注', 'string'],
        ['金额', 'integer'],
      ],
    );
    const original = await get('original');
    assert.equal(original.body.toString('utf8'), hostile);
    const bad = await s.call('GET', `/api/v1/distributions/${d.distributionId}/download?format=exe`);
    assert.equal(bad.status, 400);
    const usage = await s.ctx.db
      .selectFrom('distribution_usage')
      .selectAll()
      .where('distribution_id', '=', d.distributionId)
      .execute();
    assert.equal(
      usage.reduce((n, u) => n + u.downloads, 0),
      6,
      'each served download is counted',
    );
  });

  test('a failed re-upload leaves the previous version served; a good one replaces it with a summary of changes', async () => {
    const d = await publishedDistribution(
      s,
      admin,
      { title: '床位统计' },
      { id: main.orgId, staff: main.staff },
    );
    const v1 = '区县,床位数\n海曙区,100\n江北区,200\n';
    assert.equal((await ingest(s, d.staff.token, d.distributionId, 'v1.csv', v1)).state, 'succeeded');
    s.ctx.config.data.xlsxMaxUncompressedBytes = 8 * 1024 * 1024;
    const failed = await ingest(s, d.staff.token, d.distributionId, 'v2.xlsx', xlsxBomb(64 * 1024 * 1024));
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error.code, 'zip_bomb');
    assert.ok(failed.error.message.zh && failed.error.message.en);
    const rows = await s.call('GET', `/api/v1/distributions/${d.distributionId}/rows`);
    assert.deepEqual(
      rows.body.records,
      [
        { 区县: '海曙区', 床位数: 100 },
        { 区县: '江北区', 床位数: 200 },
      ],
      'still version 1',
    );
    assert.equal(rows.body.version, 1);
    const dist = await s.call('GET', `/api/v1/distributions/${d.distributionId}`);
    assert.equal(dist.body.ingestStatus, 'failed');
    assert.equal(dist.body.rowCount, 2);
    const mine = await s.call('GET', `/api/v1/distributions/${d.distributionId}/versions`, {
      token: d.staff.token,
    });
    assert.deepEqual(
      mine.body.items.map((v: { number: number; state: string; current: boolean }) => [
        v.number,
        v.state,
        v.current,
      ]),
      [
        [2, 'failed', false],
        [1, 'succeeded', true],
      ],
    );
    const failedVersion = await s.call('GET', `/api/v1/distributions/${d.distributionId}/versions/2`, {
      token: d.staff.token,
    });
    assert.equal(failedVersion.body.report.error.code, 'zip_bomb');
    const publicList = await s.call('GET', `/api/v1/distributions/${d.distributionId}/versions`);
    assert.deepEqual(
      publicList.body.items.map((v: { number: number }) => v.number),
      [1],
      'the public sees only versions that can be served',
    );
    assert.equal((await s.call('GET', `/api/v1/distributions/${d.distributionId}/versions/2`)).status, 404);

    const v3 = '区县,床位数,等级\n海曙区,100,甲\n江北区,250,乙\n鄞州区,300,甲\n';
    const ok = await ingest(s, d.staff.token, d.distributionId, 'v3.csv', v3);
    assert.equal(ok.state, 'succeeded');
    assert.deepEqual(ok.report.changes, {
      previousVersion: 1,
      rowsBefore: 2,
      rowsAfter: 3,
      rowsAdded: 2,
      rowsRemoved: 1,
      columnsAdded: ['等级'],
      columnsRemoved: [],
      typesChanged: [],
    });
    assert.equal((await s.call('GET', `/api/v1/distributions/${d.distributionId}/rows`)).body.total, 3);
    const old = await fetch(
      `${s.url}/api/v1/distributions/${d.distributionId}/download?format=csv&version=1`,
    );
    assert.equal(
      (await old.text()).replace('\uFEFF', ''),
      '区县,床位数\r\n海曙区,100\r\n江北区,200\r\n',
      'old versions stay downloadable',
    );
    assert.equal(
      (await s.call('GET', `/api/v1/distributions/${d.distributionId}/rows?version=2`)).body.error.code,
      'version_not_found',
    );
  });

  test('an upload past the size limit is 413 and nothing is kept', async () => {
    const limit = s.ctx.config.data.uploadMaxBytes;
    s.ctx.config.data.uploadMaxBytes = 256 * 1024;
    try {
      const before = await s.ctx.db
        .selectFrom('distribution_version')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const audit = await countAudit(s.ctx.db);
      const content = Buffer.from('a,b\n' + '1,2\n'.repeat(200_000));
      const r = await upload(s, main.staff.token, main.distributionId, 'big.csv', content);
      assert.equal(r.status, 413);
      assert.equal(r.body.error.code, 'payload_too_large');
      // Streamed without a declared length: the limit is enforced on the bytes themselves.
      const streamed = await new Promise<number>((resolve, reject) => {
        const boundary = 'kaifangboundary';
        const req = http.request(`${s.url}/api/v1/distributions/${main.distributionId}/upload`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${main.staff.token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'transfer-encoding': 'chunked',
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        );
        req.write(content);
        req.end(`\r\n--${boundary}--\r\n`);
      });
      assert.equal(streamed, 413);
      const after = await s.ctx.db
        .selectFrom('distribution_version')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n), 'no version');
      assert.equal(await countAudit(s.ctx.db), audit, 'no audit event');
      const { createHash } = await import('node:crypto');
      assert.equal(
        await openBlobStore(s.ctx.config).has(createHash('sha256').update(content).digest('hex')),
        false,
        'no blob',
      );
    } finally {
      s.ctx.config.data.uploadMaxBytes = limit;
    }
  });

  test('a URL is fetched by the job; private, loopback and non-http addresses are refused', async () => {
    const files = http.createServer((req, res) => {
      if (req.url === '/open.csv') res.end('区县,人口\n海曙区,50\n');
      else if (req.url === '/redirect') res.writeHead(302, { location: 'http://10.1.2.3/secret.csv' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
    const d = await publishedDistribution(s, admin, { title: '人口' }, { id: main.orgId, staff: main.staff });
    const uploadUrl = (url: string) =>
      s.call('POST', `/api/v1/distributions/${d.distributionId}/upload`, {
        token: d.staff.token,
        body: { url },
      });
    try {
      for (const url of [
        `${base}/open.csv`,
        'http://10.0.0.8/x.csv',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/x.csv',
        'http://[::ffff:192.168.1.1]/x',
        'file:///etc/passwd',
        'ftp://example.org/x.csv',
        'http://user:pw@example.org/x.csv',
        'not a url',
      ]) {
        const r = await uploadUrl(url);
        assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.details.fields[0].field, 'url');
      }
      s.ctx.config.data.allowLoopbackFetch = true;
      const accepted = await uploadUrl(`${base}/open.csv`);
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      const job = await waitForJob(s, d.staff.token, accepted.body.job.id);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      assert.deepEqual((await s.call('GET', `/api/v1/distributions/${d.distributionId}/rows`)).body.records, [
        { 区县: '海曙区', 人口: 50 },
      ]);
      const redirected = await uploadUrl(`${base}/redirect`);
      const failed = await waitForJob(s, d.staff.token, redirected.body.job.id);
      assert.equal(failed.state, 'failed', 'a redirect into the private network is refused too');
      const missing = await waitForJob(
        s,
        d.staff.token,
        (await uploadUrl(`${base}/missing.csv`)).body.job.id,
      );
      assert.equal(missing.error.code, 'fetch_failed');
    } finally {
      s.ctx.config.data.allowLoopbackFetch = false;
      files.close();
    }
  });

  test('hostile and malformed requests to the data API are 4xx naming the parameter, never 500', async () => {
    const base = `/api/v1/distributions/${main.distributionId}`;
    const cases: [string, number, string?][] = [
      [`${base}/rows?filters=${enc('{"所在区县":')}`, 400, 'filters'],
      [`${base}/rows?filters=${enc('["x"]')}`, 400, 'filters'],
      [
        `${base}/rows?filters=${enc(JSON.stringify({ '"; DROP TABLE x; --': 1 }))}`,
        400,
        'filters."; DROP TABLE x; --',
      ],
      [`${base}/rows?filters=${enc(JSON.stringify({ 床位数: 'many' }))}`, 400, 'filters.床位数'],
      [`${base}/rows?filters=${enc(JSON.stringify({ 床位数: { between: [1, 2] } }))}`, 400, 'filters.床位数'],
      [
        `${base}/rows?filters=${enc(JSON.stringify({ 成立日期: { gt: "2020-01-01' OR 1=1 --" } }))}`,
        400,
        'filters.成立日期',
      ],
      [`${base}/rows?fields=${enc('机构名称,password')}`, 400, 'fields'],
      [`${base}/rows?sort=${enc('__row')}`, 400, 'sort'],
      [`${base}/rows?limit=100000`, 400, 'limit'],
      [`${base}/rows?offset=50000`, 400, 'offset'],
      [`${base}/rows?q=${'长'.repeat(300)}`, 400, 'q'],
      [`${base}/rows?version=0`, 400, 'version'],
      [`${base}/aggregate?metrics=${enc('sum:机构名称')}`, 400, 'metrics'],
      [`${base}/aggregate?metrics=${enc('drop:床位数')}`, 400, 'metrics'],
      [`${base}/aggregate?groupBy=${enc('a,b,c,d,e,f')}`, 400, 'groupBy'],
      [`${base}/aggregate?groupBy=${enc('所在区县')}&sort=${enc('-nope')}`, 400, 'sort'],
      [`${base}/preview?limit=1000`, 400, 'limit'],
      [`/api/v1/distributions/not-a-uuid/rows`, 400, 'id'],
      [`/api/v1/distributions/00000000-0000-4000-8000-000000000000/rows`, 404],
    ];
    for (const [url, status, field] of cases) {
      const r = await s.call('GET', url);
      assert.equal(r.status, status, `${url}: ${JSON.stringify(r.body)}`);
      if (field)
        assert.ok(
          r.body.error.details.fields.some((f: { field: string }) => f.field === field),
          `${url}: ${JSON.stringify(r.body.error)}`,
        );
    }
    const noData = await publishedDistribution(
      s,
      admin,
      { title: '空资源' },
      { id: main.orgId, staff: main.staff },
    );
    const empty = await s.call('GET', `/api/v1/distributions/${noData.distributionId}/rows`);
    assert.equal(empty.status, 404);
    assert.equal(empty.body.error.code, 'no_data');
  });

  test('only the publishing department uploads; others are refused and the attempt audited; jobs are theirs to see', async () => {
    const other = await s.call('POST', '/api/v1/organisations', {
      token: admin.token,
      body: {
        name: `他局${kind}`,
        orgCode: kind === 'pglite' ? '11339900MB9999901X' : '11339900MB9999902X',
        regionCode: '339900',
        adminLevel: 'prefecture',
      },
    });
    const stranger = await s.userWithToken('department', other.body.id);
    const citizen = await s.userWithToken('public');
    assert.equal((await upload(s, undefined, main.distributionId, 'x.csv', 'a\n1\n')).status, 401);
    assert.equal((await upload(s, citizen.token, main.distributionId, 'x.csv', 'a\n1\n')).status, 403);
    const refused = await upload(s, stranger.token, main.distributionId, 'x.csv', 'a\n1\n');
    assert.equal(refused.status, 403);
    const denied = await s.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('actor_id', '=', stranger.id)
      .execute();
    assert.deepEqual(
      denied.map((e) => e.action),
      ['distribution.upload.denied'],
    );
    const noFile = await s.call('POST', `/api/v1/distributions/${main.distributionId}/upload`, {
      token: main.staff.token,
      raw: 'not json',
    });
    assert.equal(noFile.status, 400);
    const wrongType = await s.call('POST', `/api/v1/distributions/${main.distributionId}/upload`, {
      token: main.staff.token,
      raw: 'a,b',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(wrongType.status, 415);
    const badOption = await upload(
      s,
      main.staff.token,
      main.distributionId,
      'x.csv',
      'a\n1\n',
      '?encoding=klingon',
    );
    assert.equal(badOption.status, 400);
    assert.equal(badOption.body.error.details.fields[0].field, 'encoding');

    const accepted = await upload(s, main.staff.token, main.distributionId, 'again.csv', gbkHospitalCsv());
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.version.number > 1, true);
    for (const who of [citizen, stranger])
      assert.equal(
        (await s.call('GET', `/api/v1/jobs/${accepted.body.job.id}`, { token: who.token })).status,
        404,
      );
    assert.equal((await s.call('GET', `/api/v1/jobs/${accepted.body.job.id}`)).status, 404);
    assert.equal((await waitForJob(s, admin.token, accepted.body.job.id)).state, 'succeeded');
  });

  test('API calls and previews are counted per distribution and day', async () => {
    const before = await s.ctx.db
      .selectFrom('distribution_usage')
      .selectAll()
      .where('distribution_id', '=', main.distributionId)
      .executeTakeFirst();
    await s.call('GET', `/api/v1/distributions/${main.distributionId}/rows?limit=1`);
    await s.call('GET', `/api/v1/distributions/${main.distributionId}/aggregate`);
    await s.call('GET', `/api/v1/distributions/${main.distributionId}/preview`);
    await s.call('POST', '/api/v1/query', {
      body: { sql: `SELECT count(*) FROM ${tableOf(main.distributionId)}` },
    });
    await s.call('GET', `/api/v1/distributions/${main.distributionId}/rows?filters=bad`);
    const now = await s.ctx.db
      .selectFrom('distribution_usage')
      .selectAll()
      .where('distribution_id', '=', main.distributionId)
      .executeTakeFirstOrThrow();
    assert.equal(now.day, '2026-03-02');
    assert.equal(
      now.api_calls - (before?.api_calls ?? 0),
      3,
      'rows, aggregate and query; a refused call is not counted',
    );
    assert.equal(now.previews - (before?.previews ?? 0), 1);
  });
});
