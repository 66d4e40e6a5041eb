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
/** A one-sheet workbook of the given rows. */
async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
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

/**
 * More shapes, table-driven: each either comes back exactly (`rows`, as DuckDB reads the stored
 * Parquet back as JSON: integers as text) or names what changed in the report (`codes`).
 */
interface Shape {
  name: string;
  file: string;
  content: () => Buffer | string | Promise<Buffer>;
  types?: Record<string, string>;
  rows?: Record<string, unknown>[];
  codes?: string[];
  fails?: string;
  opts?: { encoding?: string };
  /** Columns the report proposes to read as numbers. */
  proposed?: string[];
}

const SHAPES: Shape[] = [
  {
    name: 'dates written 20230501 under a date header, and 2023年5月',
    file: 'dates.csv',
    content: () => '登记日期,统计月份,编号\n20230501,2023年5月,20230501\n20231231,2023年12月,20231231\n',
    types: { 登记日期: 'date', 统计月份: 'date', 编号: 'integer' },
    rows: [
      { 登记日期: '2023-05-01', 统计月份: '2023-05-01', 编号: '20230501' },
      { 登记日期: '2023-12-31', 统计月份: '2023-12-01', 编号: '20231231' },
    ],
    codes: ['dates_read'],
  },
  {
    name: 'a date header over numbers that are not dates keeps them numbers',
    file: 'notdates.csv',
    content: () => '日期编号,名称\n12345678,甲\n87654321,乙\n',
    types: { 日期编号: 'integer', 名称: 'string' },
  },
  {
    name: 'dates in every common Chinese form',
    file: 'cn-dates.csv',
    content: () => '日期\n2023/5/1\n2023-05-02\n2023.05.03\n2023年5月4日\n',
    types: { 日期: 'date' },
    rows: ['2023-05-01', '2023-05-02', '2023-05-03', '2023-05-04'].map((d) => ({ 日期: d })),
  },
  {
    name: 'numbers with units, separators and full-width digits stay text, exactly',
    file: 'units.csv',
    content: () => '项目,金额,比率,全角,万元\n甲,"1,234",12.5%,１２３,1.2万\n乙,"¥1,000",7%,４５６,3亿\n',
    types: { 项目: 'string', 金额: 'string', 比率: 'string', 全角: 'string', 万元: 'string' },
    rows: [
      { 项目: '甲', 金额: '1,234', 比率: '12.5%', 全角: '１２３', 万元: '1.2万' },
      { 项目: '乙', 金额: '¥1,000', 比率: '7%', 全角: '４５６', 万元: '3亿' },
    ],
    codes: ['number_formats'],
    proposed: ['金额', '比率', '全角', '万元'],
  },
  {
    name: 'a column of integers with one 未填报 keeps every value as text',
    file: 'unfilled.csv',
    content: () => '区县,人数\n海曙区,100\n江北区,未填报\n鄞州区,300\n',
    types: { 区县: 'string', 人数: 'string' },
    rows: [
      { 区县: '海曙区', 人数: '100' },
      { 区县: '江北区', 人数: '未填报' },
      { 区县: '鄞州区', 人数: '300' },
    ],
    codes: ['mostly_numbers'],
    proposed: ['人数'],
  },
  {
    name: 'UTF-16 with a BOM and identifiers',
    file: 'u16.txt',
    content: () =>
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('姓名\t身份证号\r\n张三\t330203199001011234\r\n', 'utf16le'),
      ]),
    rows: [{ 姓名: '张三', 身份证号: '330203199001011234' }],
  },
  {
    name: 'GB18030 with characters outside GBK',
    file: 'gb18030.csv',
    content: () => iconv.encode('姓名,地址\n䶮,𠀀村\n王芳,海曙区\n', 'gb18030'),
    rows: [
      { 姓名: '䶮', 地址: '𠀀村' },
      { 姓名: '王芳', 地址: '海曙区' },
    ],
  },
  {
    name: 'Big5 named by the uploader',
    file: 'big5.csv',
    content: () => iconv.encode('名稱,電話\n臺北,0223456789\n', 'big5'),
    opts: { encoding: 'big5' },
    rows: [{ 名稱: '臺北', 電話: '0223456789' }],
  },
  {
    name: 'semicolons, CRLF, no newline at the end',
    file: 'semi.csv',
    content: () => '代码;名称;数量\r\n0574;甲;-3\r\n0575;乙;4',
    types: { 代码: 'string', 名称: 'string', 数量: 'integer' },
    rows: [
      { 代码: '0574', 名称: '甲', 数量: '-3' },
      { 代码: '0575', 名称: '乙', 数量: '4' },
    ],
  },
  {
    name: 'trailing empty columns are dropped and said so',
    file: 'trailing.csv',
    content: () => '名称,数量,,\n甲,1,,\n乙,2,,\n',
    rows: [
      { 名称: '甲', 数量: '1' },
      { 名称: '乙', 数量: '2' },
    ],
    codes: ['empty_columns'],
  },
  {
    name: 'blank rows inside the table are removed and counted',
    file: 'blank.csv',
    content: () => '名称,数量\n甲,1\n,\n乙,2\n',
    rows: [
      { 名称: '甲', 数量: '1' },
      { 名称: '乙', 数量: '2' },
    ],
    codes: ['blank_rows'],
  },
  {
    name: 'booleans, exponents and negative decimals',
    file: 'typed.csv',
    content: () => '有效,数值\ntrue,1e3\nFALSE,-0.25\n',
    types: { 有效: 'boolean', 数值: 'number' },
    rows: [
      { 有效: true, 数值: 1000 },
      { 有效: false, 数值: -0.25 },
    ],
  },
  {
    name: 'datetimes written the Chinese way',
    file: 'cn-times.csv',
    content: () => '登记时间\n2023年5月1日 08:30\n2023/5/2 17:00:05\n',
    types: { 登记时间: 'datetime' },
    rows: [{ 登记时间: '2023-05-01 08:30:00' }, { 登记时间: '2023-05-02 17:00:05' }],
  },
  {
    name: 'times of day in a CSV stay as written',
    file: 'times.csv',
    content: () => '班次,开始\n早,08:30\n晚,17:00\n',
    rows: [
      { 班次: '早', 开始: '08:30' },
      { 班次: '晚', 开始: '17:00' },
    ],
  },
  {
    name: 'an apostrophe before plain text is part of the text',
    file: 'apostrophe.csv',
    content: () => "名称,备注\n甲,'普通\n乙,'-5\n",
    rows: [
      { 名称: '甲', 备注: "'普通" },
      { 名称: '乙', 备注: "'-5" },
    ],
  },
  {
    name: 'wrapped JSON: the array inside the envelope is the table, named in the report',
    file: 'api.json',
    content: () =>
      JSON.stringify({
        code: 0,
        msg: 'ok',
        data: {
          total: 2,
          fields: [{ name: 'id' }],
          list: [
            { id: 1, 名称: '甲\n乙' },
            { id: 2, 名称: '丙' },
            { id: 3, 名称: null },
          ],
        },
      }).replace('"id":1,', '"id":6222021234567890123456,'),
    types: { id: 'string', 名称: 'string' },
    rows: [
      { id: '6222021234567890123456', 名称: '甲\n乙' },
      { id: '2', 名称: '丙' },
      { id: '3', 名称: null },
    ],
    codes: ['wrapped_json'],
  },
  {
    name: 'a single JSON object without an array is a one-row table',
    file: 'one.json',
    content: () => '{"名称":"甲","数量":1}',
    rows: [{ 名称: '甲', 数量: '1' }],
  },
  {
    name: 'XLSX: a cell whose lines look like rows is a cell (no quote can be open in a sheet)',
    file: 'lines.xlsx',
    content: () =>
      xlsxOf([
        ['编号', '名称', '备注'],
        [1, '甲', '1,a,b\n2,c,d\n3,e,f'],
        [2, '乙', null],
      ]),
    rows: [
      { 编号: '1', 名称: '甲', 备注: '1,a,b\n2,c,d\n3,e,f' },
      { 编号: '2', 名称: '乙', 备注: null },
    ],
  },
  {
    name: 'a title row and a subtitle above the header, a total below',
    file: 'titled.csv',
    content: () =>
      '2023年明州市人口统计,,\n单位：人,,\n区县,男,女\n海曙区,100,120\n江北区,90,95\n合计,190,215\n',
    rows: [
      { 区县: '海曙区', 男: '100', 女: '120' },
      { 区县: '江北区', 男: '90', 女: '95' },
    ],
    codes: ['title_row', 'total_row'],
  },
  {
    name: 'quoted line breaks with CRLF endings',
    file: 'crlf.csv',
    content: () => '编号,地址\r\n1,"海曙区\r\n柳汀街"\r\n2,江北区\r\n',
    rows: [
      { 编号: '1', 地址: '海曙区\r\n柳汀街' },
      { 编号: '2', 地址: '江北区' },
    ],
  },
  {
    name: 'NDJSON with nested values and a missing key',
    file: 'rows.ndjson',
    content: () => '{"名称":"甲","标签":["a","b"],"数量":1}\n{"名称":"乙","数量":2}\n',
    rows: [
      { 名称: '甲', 标签: '["a","b"]', 数量: '1' },
      { 名称: '乙', 标签: null, 数量: '2' },
    ],
  },
  {
    name: 'a row with too many cells is left out and reported with its line',
    file: 'ragged.csv',
    content: () => '名称,数量\n甲,1\n乙,2,多余\n丙,3\n',
    rows: [
      { 名称: '甲', 数量: '1' },
      { 名称: '丙', 数量: '3' },
    ],
    codes: ['long_rows'],
  },
  {
    name: 'codes with leading zeros and 区划代码 stay text',
    file: 'codes.csv',
    content: () => '行政区划代码,区号,名称\n330203,0574,海曙区\n330205,0574,江北区\n',
    types: { 行政区划代码: 'string', 区号: 'string', 名称: 'string' },
    rows: [
      { 行政区划代码: '330203', 区号: '0574', 名称: '海曙区' },
      { 行政区划代码: '330205', 区号: '0574', 名称: '江北区' },
    ],
  },
  {
    name: 'a header without rows fails',
    file: 'header-only.csv',
    content: () => '身份证号,姓名\n',
    fails: 'no_rows',
  },
  {
    name: 'a wide table of 40 columns',
    file: 'wide.csv',
    content: () =>
      [
        Array.from({ length: 40 }, (_, i) => `列${i + 1}`).join(','),
        Array.from({ length: 40 }, (_, i) => String(i)).join(','),
        Array.from({ length: 40 }, (_, i) => String(i * 2)).join(','),
      ].join('\n') + '\n',
  },
];

describe('corpus of messy files', () => {
  for (const shape of SHAPES)
    test(shape.name, async () => {
      if (shape.fails) {
        assert.equal((await failure(shape.file, await shape.content(), shape.opts)).code, shape.fails);
        return;
      }
      const { report, rows } = await run(shape.file, await shape.content(), shape.opts);
      if (shape.types) assert.deepEqual(types(report), shape.types);
      if (shape.rows) assert.deepEqual(rows, shape.rows);
      assert.equal(report.rows, rows.length);
      for (const code of shape.codes ?? [])
        assert.ok(codes(report).includes(code), `${code} in ${codes(report)}`);
      if (shape.proposed)
        assert.deepEqual(
          report.problems
            .filter((p) => p.code === 'number_formats' || p.code === 'mostly_numbers')
            .flatMap((p) => p.columns),
          shape.proposed,
        );
      // Nothing is changed without a word: a file expected exactly has no warnings.
      if (!shape.codes)
        assert.deepEqual(
          report.problems
            .filter(
              (p) => p.severity !== 'info' || !['encoding_converted', 'identifier_columns'].includes(p.code),
            )
            .map((p) => p.code),
          [],
        );
    });
});
