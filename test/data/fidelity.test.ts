import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import type { IngestReport } from '../../src/data/index.ts';
import { failure, run } from './local-ingest.ts';

/**
 * The fidelity invariant, file by file: what a department uploads comes back unchanged, or the
 * report names the change; rows in = rows out + rows reported; nothing succeeds with a silent loss.
 */

const codes = (r: IngestReport) => r.problems.map((p) => p.code);
const types = (r: IngestReport) => Object.fromEntries(r.columns.map((c) => [c.name, c.type]));
const column = (rows: Record<string, unknown>[], name: string) => rows.map((r) => r[name]);

describe('identifiers and long numbers stay exact', () => {
  test('18-digit ID numbers, 19-digit card numbers, postcodes and mobiles are text, character for character', async () => {
    const csv = [
      '姓名,身份证号,银行卡号,邮编,手机,金额',
      '张三,330203199001011234,6222021234567890123,010000,13800138000,12.5',
      '李四,330203199001011260,6222021234567890124,315000,13900139000,7',
    ].join('\n');
    for (const path of ['one pass', 'careful']) {
      const { report, rows } = await run(
        'ids.csv',
        path === 'one pass' ? csv + '\n' : csv + '\n合计,,,,,19.5\n',
      );
      assert.equal(report.onePass, path === 'one pass');
      assert.deepEqual(types(report), {
        姓名: 'string',
        身份证号: 'string',
        银行卡号: 'string',
        邮编: 'string',
        手机: 'string',
        金额: 'number',
      });
      assert.deepEqual(column(rows, '身份证号'), ['330203199001011234', '330203199001011260']);
      assert.deepEqual(column(rows, '银行卡号'), ['6222021234567890123', '6222021234567890124']);
      assert.deepEqual(column(rows, '邮编'), ['010000', '315000']);
      assert.deepEqual(column(rows, '手机'), ['13800138000', '13900139000']);
      const notice = report.problems.find((p) => p.code === 'identifier_columns');
      assert.deepEqual(
        notice?.columns,
        ['手机'],
        'the one column whose values alone would have been numbers',
      );
    }
  });

  test('numbers a double cannot hold exactly stay text, whatever the header', async () => {
    const { report, rows } = await run(
      'codes.csv',
      '编号,数值\n1234567890123456,0.12345678901234567\n2,0.5\n',
    );
    assert.deepEqual(types(report), { 编号: 'string', 数值: 'string' });
    assert.deepEqual(rows[0], { 编号: '1234567890123456', 数值: '0.12345678901234567' });
    const ok = await run('ok.csv', '数值\n123456789012345\n0.1\n');
    assert.equal(types(ok.report).数值, 'number', '15 significant digits are exact in a double');
  });

  test('JSON: big integers keep their digits, mixed-type keys are plain text, identifier keys are text', async () => {
    const json = JSON.stringify([
      { id: 1, m: 1, 手机: 13800138000 },
      { id: 2, m: 'abc', 手机: 13900139000 },
    ]);
    const big = `[{"card":6222021234567890123456,"n":1.5},{"card":6222021234567890123457,"n":2}]`;
    const a = await run('a.json', json);
    assert.deepEqual(a.rows, [
      { id: '1', m: '1', 手机: '13800138000' },
      { id: '2', m: 'abc', 手机: '13900139000' },
    ]);
    assert.ok(codes(a.report).includes('mixed_types') && codes(a.report).includes('identifier_columns'));
    const b = await run('b.json', big);
    assert.deepEqual(types(b.report), { card: 'string', n: 'number' });
    assert.deepEqual(column(b.rows, 'card'), ['6222021234567890123456', '6222021234567890123457']);
  });
});

describe('rows in = rows out + rows reported', () => {
  const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1},名称${i + 1},${i * 10}`);

  test('a quote left open to the end of the file fails the file, naming the line', async () => {
    const lines = ['编号,名称,数量', ...rowsOf(3), '4,"未闭合,40', ...rowsOf(6).slice(4)];
    const err = await failure('open.csv', lines.join('\n') + '\n');
    assert.equal(err.code, 'unbalanced_quote');
    assert.match(err.label.zh, /第 5 行/);
  });

  test('a quote left open and closed rows later fails the file instead of importing rows as one cell', async () => {
    const lines = [
      '编号,名称,数量',
      ...rowsOf(3),
      '4,"未闭合,40',
      '5,名称5,50',
      '6,名称6,60',
      '7,"名称7",70',
      '8,名称8,80',
    ];
    const err = await failure('late-close.csv', lines.join('\n') + '\n');
    assert.equal(err.code, 'unbalanced_quote');
    const parsed = [
      '编号,名称,数量',
      ...rowsOf(2),
      '3,"未闭合,30',
      '4,名称4,40',
      '5,名称5",50',
      '6,名称6,60',
    ];
    const err2 = await failure('swallowed.csv', parsed.join('\n') + '\n');
    assert.equal(err2.code, 'unbalanced_quote');
    assert.match(err2.label.en, /"名称" cell of record 3/);
  });

  test('quoted line breaks inside a cell are kept, on both paths', async () => {
    const csv = '编号,地址,备注\n1,"海曙区\n柳汀街59号",无\n2,江北区,"第一行\n第二行"\n3,鄞州区,\n';
    const { report, rows } = await run('multiline.csv', csv);
    assert.equal(report.rows, 3);
    assert.equal(report.onePass, false);
    assert.equal(rows[0].地址, '海曙区\n柳汀街59号');
    assert.equal(rows[1].备注, '第一行\n第二行');
  });

  test('totals anywhere are left out and listed: 全市 first, 小计 in the middle, 合计 at the foot', async () => {
    const csv = [
      '区县,街道,人口,面积',
      '全市,,1000,300',
      '海曙区,南门街道,100,10',
      '海曙区,西门街道,200,20',
      ',小计,300,30',
      '江北区,甲街道,700,270',
      '合计,,1000,300',
    ].join('\n');
    const { report, rows } = await run('totals.csv', csv + '\n');
    assert.equal(report.rows, 3);
    assert.deepEqual(types(report), { 区县: 'string', 街道: 'string', 人口: 'integer', 面积: 'integer' });
    assert.deepEqual(column(rows, '街道'), ['南门街道', '西门街道', '甲街道']);
    const totals = report.problems.find((p) => p.code === 'total_rows')!;
    assert.equal(totals.count, 2);
    assert.deepEqual(
      totals.changes?.map((c) => c.before),
      ['全市 1000 300', '小计 300 30'],
    );
    assert.ok(codes(report).includes('total_row'), 'the foot total as before');
    // A clean file with a total at the top is not read in one pass.
    const top = await run('top.csv', '区县,人口\n全市,300\n海曙区,100\n江北区,200\n');
    assert.equal(top.report.onePass, false);
    assert.equal(top.report.rows, 2);
    assert.equal(top.report.problems.find((p) => p.code === 'total_rows')?.count, 1);
  });

  test('duplicate headers are renamed with a notice', async () => {
    const { report } = await run('dup.csv', '名称,名称,数量\n甲,乙,1\n');
    assert.deepEqual(
      report.columns.map((c) => c.name),
      ['名称', '名称_2', '数量'],
    );
    const notice = report.problems.find((p) => p.code === 'renamed_columns')!;
    assert.deepEqual(notice.changes, [{ before: '名称', after: '名称_2' }]);
  });
});

describe('encodings', () => {
  test('a short GBK file is read as GBK, not as EUC-KR', async () => {
    const text = '序号,项目,金额\n1,办公费,100\n2,差旅费,200\n';
    const { report, rows } = await run('short.csv', iconv.encode(text, 'gbk'));
    assert.equal(report.encoding, 'gb18030');
    assert.deepEqual(column(rows, '项目'), ['办公费', '差旅费']);
  });
});

describe('spreadsheets', () => {
  test('XLSX: zero-padded codes stay text, time-only cells are times, #DIV/0! is warned, a merged note is cut once', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据');
    ws.addRow(['编码', '时间', '比率', '备注', '身份证号', '日期', '金额']);
    const rows = [
      [
        1,
        new Date(Date.UTC(1899, 11, 30, 8, 30)),
        { formula: '1/0', result: { error: '#DIV/0!' } },
        '第一行\n第二行',
        '330203199001011234',
        new Date(Date.UTC(2023, 4, 1)),
        { formula: '1.1*3', result: 3.3000000000000003 },
      ],
      [
        2,
        new Date(Date.UTC(1899, 11, 30, 17, 0)),
        0.5,
        ' 无 ',
        '330203199001011260',
        new Date(Date.UTC(2023, 4, 2)),
        7,
      ],
    ];
    for (const values of rows) {
      const row = ws.addRow(values);
      row.getCell(1).numFmt = '000000';
      row.getCell(2).numFmt = 'hh:mm';
    }
    ws.addRow(['合计', null, null, null, null, null, 10.3]);
    ws.addRow(['注：本表数据截至2023年底，由明州市统计局提供，仅供参考']);
    ws.mergeCells('A5:G5');
    const { report, rows: out } = await run('x.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    assert.deepEqual(out, [
      {
        编码: '000001',
        时间: '08:30:00',
        比率: null,
        备注: '第一行\n第二行',
        身份证号: '330203199001011234',
        日期: '2023-05-01',
        金额: 3.3,
      },
      {
        编码: '000002',
        时间: '17:00:00',
        比率: 0.5,
        备注: '无',
        身份证号: '330203199001011260',
        日期: '2023-05-02',
        金额: 7,
      },
    ]);
    const errors = report.problems.find((p) => p.code === 'formula_errors')!;
    assert.equal(errors.severity, 'warning');
    assert.deepEqual(errors.lines, [2]);
    assert.equal(
      report.problems.find((p) => p.code === 'footer_note')!.text,
      '注：本表数据截至2023年底，由明州市统计局提供，仅供参考',
    );
    assert.ok(
      codes(report).includes('total_row') && codes(report).includes('trimmed_spaces'),
      String(codes(report)),
    );
  });

  test('CSV: formula errors written by a spreadsheet are empty and warned, not placeholders', async () => {
    const { report, rows } = await run('div.csv', '区县,比率\n海曙区,0.5\n江北区,#DIV/0!\n鄞州区,-\n');
    assert.equal(types(report).比率, 'number');
    assert.deepEqual(column(rows, '比率'), [0.5, null, null]);
    assert.deepEqual(
      report.problems.map((p) => [p.code, p.count]),
      [
        ['placeholders', 1],
        ['formula_errors', 1],
      ],
    );
  });
});
