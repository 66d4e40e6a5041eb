import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Worker } from '../../src/platform/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { dataWorker, ingest, publishedDistribution } from './helpers.ts';

/**
 * Downloads are exact: what the rows API serves comes back unchanged from every format, and a
 * department that downloads its CSV or XLSX and uploads it again gets a version with no changed
 * row. The data plane is DuckDB over Parquet whatever the catalogue's database, so one is enough.
 */

const MESSY =
  [
    '身份证号,姓名,电话,邮编,余额,比率,登记日期,登记时间,有效,备注,零点',
    '330203199001011234,张三,+86 574 8708 5588,010000,-5,12.5,2023-05-01,2023-05-01 08:30:00,true,"=HYPERLINK(""http://evil"",""点我"")",2023-01-01 00:00:00',
    '330203199001011260,李四,0574-87016888,315000,1200,-0.25,2023-05-02,2023-05-02 17:00:00,false,"第一行',
    '第二行，含""引号""和,逗号",2023-01-01 00:00:00',
    "33020319900101126X,王五,-,315100,,,,,,''=已经加过引号,2023-01-01 00:00:00",
    '330203199001011261,赵六,+8613800138000,315200,0,0.5,2024-02-29,2024-02-29 23:59:59,true,@SUM(A1),2023-01-01 00:00:00',
    "330203199001011262,钱七,13900139000,315300,7,1e-3,1999-12-31,1999-12-31 00:00:01,false,'普通文字,2023-01-01 00:00:00",
    '330203199001011263,孙八,12345,315400,8,3.5,2000-01-01,2000-01-01 12:00:00,true,-减号开头的文字,2023-01-01 00:00:00',
  ].join('\r\n') + '\r\n';

describe('downloads round-trip exactly', () => {
  let s: TestServer;
  let worker: Worker;
  let d: Awaited<ReturnType<typeof publishedDistribution>>;
  let records: Record<string, unknown>[];

  const download = async (format: string) => {
    const r = await fetch(
      `${s.url}/api/v1/distributions/${d.distributionId}/download?format=${format}&version=1`,
    );
    assert.equal(r.status, 200, format);
    return Buffer.from(await r.arrayBuffer());
  };
  const rowsOf = async (version: number) => {
    const r = await s.call(
      'GET',
      `/api/v1/distributions/${d.distributionId}/rows?version=${version}&limit=100`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.records as Record<string, unknown>[];
  };

  before(async () => {
    s = await startServer('pglite');
    worker = dataWorker(s);
    const admin = await s.userWithToken('sysadmin');
    d = await publishedDistribution(s, admin);
    const job = await ingest(s, d.staff.token, d.distributionId, '登记.csv', MESSY);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    records = await rowsOf(1);
    const quotes = job.report.report.problems.find((p: { code: string }) => p.code === 'formula_quotes');
    assert.deepEqual([quotes?.count, quotes?.columns], [1, ['备注']]);
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  test('the rows keep every value: identifiers, codes, phone numbers, signs, quotes and line breaks', () => {
    assert.equal(records.length, 6);
    assert.deepEqual(records[0], {
      身份证号: '330203199001011234',
      姓名: '张三',
      电话: '+86 574 8708 5588',
      邮编: '010000',
      余额: -5,
      比率: 12.5,
      登记日期: '2023-05-01',
      登记时间: '2023-05-01 08:30:00',
      有效: true,
      备注: '=HYPERLINK("http://evil","点我")',
      零点: '2023-01-01 00:00:00',
    });
    assert.equal(records[1].备注, '第一行\r\n第二行，含"引号"和,逗号');
    assert.equal(records[2].电话, '-', 'a placeholder in a text column is text');
    assert.equal(records[2].备注, "'=已经加过引号", 'one apostrophe is the spreadsheet quote, reported');
    assert.equal(records[4].备注, "'普通文字");
    assert.equal(records[4].比率, 0.001);
  });

  test('CSV quotes only what a spreadsheet would run; JSON is the rows', async () => {
    const csv = (await download('csv')).toString('utf8');
    assert.match(csv, /,"'=HYPERLINK\(""http:\/\/evil"",""点我""\)",2023-01-01 00:00:00\r\n/);
    assert.match(csv, /,\+86 574 8708 5588,010000,-5,12.5,/, 'phone numbers and negative numbers exact');
    assert.match(
      csv,
      /,''=已经加过引号,2023-01-01 00:00:00\r\n/,
      'a quote before a formula is kept by a second one',
    );
    assert.match(csv, /,'@SUM\(A1\),2023-01-01 00:00:00\r\n/);
    assert.match(csv, /,'普通文字,2023-01-01 00:00:00\r\n/, 'an apostrophe before text is text');
    assert.match(
      csv,
      /,'-减号开头的文字,2023-01-01 00:00:00\r\n/,
      'a dash before words would be run (and fail) as a formula',
    );
    assert.deepEqual(JSON.parse((await download('json')).toString('utf8')), records);
  });

  test('the GB18030 CSV for Excel is the same CSV, byte for byte once decoded, without the BOM', async () => {
    const utf8 = (await download('csv')).toString('utf8');
    const gb = await download('csv-gb18030');
    assert.notDeepEqual(gb, Buffer.from(utf8.slice(1), 'utf8'), 'really another encoding');
    assert.equal(iconv.decode(gb, 'gb18030'), utf8.replace(/^\uFEFF/, ''));
  });

  test('re-uploading the GB18030 CSV download changes no row', async () => {
    const job = await ingest(
      s,
      d.staff.token,
      d.distributionId,
      'download-gbk.csv',
      await download('csv-gb18030'),
    );
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const changes = job.report.changes;
    assert.deepEqual([changes.rowsAdded, changes.rowsRemoved, changes.typesChanged], [0, 0, []]);
    assert.deepEqual(await rowsOf(job.report.version), records);
  });

  test('XLSX has date cells, text cells for identifiers and numbers as numbers', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download('xlsx')) as unknown as ArrayBuffer);
    const row = book.worksheets[0].getRow(2);
    const byName = (name: string) => row.getCell(Object.keys(records[0]).indexOf(name) + 1);
    assert.equal(byName('身份证号').type, ExcelJS.ValueType.String);
    assert.equal(byName('邮编').value, '010000');
    assert.equal(byName('余额').value, -5);
    assert.ok(byName('登记日期').value instanceof Date, 'a date cell');
    assert.equal((byName('登记日期').value as Date).toISOString(), '2023-05-01T00:00:00.000Z');
    assert.equal(byName('登记日期').numFmt, 'yyyy-mm-dd');
    assert.equal(byName('备注').value, '=HYPERLINK("http://evil","点我")', 'text, never a formula');
  });

  for (const format of ['csv', 'xlsx']) {
    test(`re-uploading the ${format.toUpperCase()} download changes no row`, async () => {
      const body = await download(format);
      const job = await ingest(s, d.staff.token, d.distributionId, `download.${format}`, body);
      assert.equal(job.state, 'succeeded', JSON.stringify(job));
      const changes = job.report.changes;
      assert.deepEqual(
        [
          changes.rowsAdded,
          changes.rowsRemoved,
          changes.typesChanged,
          changes.columnsAdded,
          changes.columnsRemoved,
        ],
        [0, 0, [], [], []],
        JSON.stringify(job.report),
      );
      assert.deepEqual(await rowsOf(job.report.version), records, JSON.stringify(job.report.report.problems));
    });
  }

  test('a cell longer than Excel holds is refused for XLSX with a reason, and kept whole in CSV', async () => {
    const admin = await s.userWithToken('sysadmin');
    const long = await publishedDistribution(s, admin, {}, { id: d.orgId, staff: d.staff });
    const text = '长'.repeat(40_000) + '\r尾';
    const job = await ingest(s, d.staff.token, long.distributionId, 'long.csv', `编号,正文\n1,"${text}"\n`);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const xlsx = await s.call('GET', `/api/v1/distributions/${long.distributionId}/download?format=xlsx`);
    assert.ok(xlsx.status >= 400 && xlsx.status < 500, String(xlsx.status));
    assert.equal(xlsx.body.error.code, 'text_too_long_for_xlsx');
    assert.match(xlsx.body.error.message, /32767|32,767/);
    const csv = await fetch(`${s.url}/api/v1/distributions/${long.distributionId}/download?format=csv`);
    assert.ok((await csv.text()).includes(`"${text}"`));
    const xml = await fetch(`${s.url}/api/v1/distributions/${long.distributionId}/download?format=xml`);
    assert.ok((await xml.text()).includes('长&#13;尾'), 'a carriage return survives XML parsing');
  });
});
