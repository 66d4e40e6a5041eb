import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { type IngestReport } from '../../src/data/index.ts';
import { detectLayout, footerKind } from '../../src/data/ingest/sniff.ts';
import { failure, run } from './local-ingest.ts';
import {
  HOSPITALS,
  NDJSON,
  gbkHospitalCsv,
  mergedHeaderXlsx,
  sheetsBeforeWorkbook,
  xlsxBomb,
} from './files.ts';

const codes = (r: IngestReport) => r.problems.map((p) => p.code);
const types = (r: IngestReport) => Object.fromEntries(r.columns.map((c) => [c.name, c.type]));

describe('ingest', () => {
  test('GBK CSV with a title row, a total row, a note and ragged rows', async () => {
    const { report, rows } = await run('医疗机构名录.csv', gbkHospitalCsv());
    assert.equal(report.format, 'csv');
    assert.equal(report.encoding, 'gb18030');
    assert.equal(report.headerRows, 1);
    assert.deepEqual(
      report.columns.map((c) => c.name),
      ['序号', '机构名称', '所在区县', '等级', '床位数', '成立日期', '联系电话'],
    );
    assert.deepEqual(types(report), {
      序号: 'integer',
      机构名称: 'string',
      所在区县: 'string',
      等级: 'string',
      床位数: 'integer',
      成立日期: 'date',
      联系电话: 'string',
    });
    // Five hospitals and the short row (kept, padded); the over-long row, the total and the note are not data.
    assert.equal(report.rows, 6);
    assert.equal(rows.length, 6);
    assert.deepEqual(rows[0], {
      序号: '1',
      机构名称: '明州市第一人民医院',
      所在区县: '海曙区',
      等级: '三级甲等',
      床位数: '1200',
      成立日期: '1952-03-01',
      联系电话: '0574-87085588',
    });
    assert.equal(rows[1].成立日期, '1949-10-01', '1949/10/1 is read as a date');
    assert.equal(rows[2].床位数, null, 'the placeholder "-" is empty, not text');
    assert.deepEqual(rows[5], {
      序号: '6',
      机构名称: '短行医院',
      所在区县: null,
      等级: null,
      床位数: null,
      成立日期: null,
      联系电话: null,
    });
    for (const code of [
      'encoding_converted',
      'title_row',
      'short_rows',
      'long_rows',
      'total_row',
      'footer_note',
      'placeholders',
    ])
      assert.ok(codes(report).includes(code), `${code} in ${codes(report)}`);
    const title = report.problems.find((p) => p.code === 'title_row')!;
    assert.equal(title.text, '2023年明州市医疗机构名录');
    assert.deepEqual(title.lines, [1]);
    assert.deepEqual(report.problems.find((p) => p.code === 'long_rows')!.lines, [9]);
    assert.deepEqual(report.problems.find((p) => p.code === 'short_rows')!.lines, [8]);
    const beds = report.columns.find((c) => c.name === '床位数')!;
    assert.deepEqual(
      { nulls: beds.nulls, distinct: beds.distinct, min: beds.min, max: beds.max },
      { nulls: 2, distinct: 4, min: 420, max: 1200 },
    );
    const phone = report.columns.find((c) => c.name === '联系电话')!;
    assert.equal(phone.type, 'string', 'numbers with leading zeros are codes');
  });

  test('XLSX with a merged title, a two-level merged header and merged cells in the data', async () => {
    const { report, rows } = await run('机构.xlsx', await mergedHeaderXlsx());
    assert.equal(report.format, 'xlsx');
    assert.equal(report.sheet, '机构名录');
    assert.equal(report.headerRows, 2);
    assert.deepEqual(
      report.columns.map((c) => c.name),
      ['序号', '基本信息_名称', '基本信息_区县', '基本信息_电话', '床位数', '成立日期'],
    );
    assert.deepEqual(types(report), {
      序号: 'integer',
      基本信息_名称: 'string',
      基本信息_区县: 'string',
      基本信息_电话: 'string',
      床位数: 'integer',
      成立日期: 'date',
    });
    assert.equal(report.rows, 4);
    assert.deepEqual(
      rows.map((r) => r.基本信息_区县),
      ['海曙区', '鄞州区', '江北区', '江北区'],
      'a merged cell fills every row it spans',
    );
    assert.equal(rows[2].床位数, '800', 'a formula is read as its result');
    assert.equal(rows[0].成立日期, '1952-03-01');
    assert.ok(
      codes(report).includes('title_row') &&
        codes(report).includes('merged_header') &&
        codes(report).includes('total_row'),
      String(codes(report)),
    );
  });

  test('XLSX: a chosen sheet by name or position; an unknown sheet fails naming the sheets', async () => {
    const book = await mergedHeaderXlsx(true);
    // The first sheet is a note (说明), not a table: the next one is taken, and the report says so.
    const first = await run('book.xlsx', book);
    assert.equal(first.report.sheet, '机构名录');
    assert.equal(first.report.rows, 4);
    assert.match(first.report.problems.find((p) => p.code === 'other_sheets')!.message.zh, /说明/);
    assert.equal((await run('book.xlsx', book, { sheet: '机构名录' })).report.rows, 4);
    assert.equal((await run('book.xlsx', book, { sheet: '2' })).report.sheet, '机构名录');
    const err = await failure('book.xlsx', book, { sheet: '不存在' });
    assert.equal(err.code, 'unknown_sheet');
    assert.match(err.label.zh, /机构名录/);
    // Some writers store the sheets before the part that names them (exceljs#3064).
    const late = await run('late.xlsx', sheetsBeforeWorkbook(book), { sheet: '机构名录' });
    assert.equal(late.report.rows, 4);
    assert.equal(late.rows[0].基本信息_名称, '明州市第一人民医院');
  });

  test('NDJSON and JSON arrays keep their types; nested values become JSON text', async () => {
    const nd = await run('companies.ndjson', NDJSON);
    assert.equal(nd.report.format, 'ndjson');
    assert.equal(nd.report.rows, 3);
    assert.deepEqual(types(nd.report), {
      id: 'integer',
      name: 'string',
      capital: 'number',
      founded: 'date',
      tags: 'string',
      active: 'boolean',
    });
    assert.equal(nd.rows[2].tags, '["服务","零售"]');
    assert.equal(nd.rows[2].capital, null);
    const arr = await run(
      'data.json',
      '\uFEFF' + JSON.stringify(NDJSON.split('\n').map((l) => JSON.parse(l))),
    );
    assert.equal(arr.report.format, 'json');
    assert.equal(arr.report.rows, 3);
    assert.equal((await failure('broken.json', '[{"a": 1}, {"a": ')).code, 'invalid_json');
  });

  test('TSV with a UTF-8 BOM, UTF-16 text from Excel, and a chosen encoding', async () => {
    const tsv = await run('list.tsv', '\uFEFF名称\t数量\n甲\t1\n乙\t2\n');
    assert.equal(tsv.report.delimiter, '\t');
    assert.deepEqual(tsv.rows, [
      { 名称: '甲', 数量: '1' },
      { 名称: '乙', 数量: '2' },
    ]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('名称\t数量\r\n丙\t3\r\n', 'utf16le'),
    ]);
    const u = await run('unicode.txt', utf16);
    assert.equal(u.report.encoding, 'utf-16le');
    assert.deepEqual(u.rows, [{ 名称: '丙', 数量: '3' }]);
    const big5 = await run('big5.csv', iconv.encode('名稱,數量\n臺北,5\n', 'big5'), { encoding: 'big5' });
    assert.deepEqual(big5.rows, [{ 名稱: '臺北', 數量: '5' }]);
  });

  test('a file without a header gets generated names; semicolons are detected', async () => {
    const { report, rows } = await run('plain.csv', '1;2023-01-05;海曙区\n2;2023-02-05;江北区\n');
    assert.equal(report.delimiter, ';');
    assert.equal(report.headerRows, 0);
    assert.deepEqual(
      report.columns.map((c) => c.name),
      ['column_1', 'column_2', 'column_3'],
    );
    assert.equal(rows.length, 2);
  });

  test('pages pasted together: repeated headers and blank rows go; every value decides its column type', async () => {
    const csv = [
      '编号,登记时间,是否有效,金额,邮编,身份证号',
      '1,2023-01-05 09:30:00,true,1e3,010000,330201199001011234',
      '2,2023-01-06,false,12.5,315000,33020119900101123X',
      ',,,,,',
      '编号,登记时间,是否有效,金额,邮编,身份证号',
      '3,2023/1/7 10:00,TRUE,-,315100,330201199001011235',
      '4,2023年1月8日,False,.5,315200,330201199001011236',
    ].join('\n');
    const { report, rows } = await run('pages.csv', csv + '\n');
    assert.deepEqual(types(report), {
      编号: 'integer',
      登记时间: 'datetime',
      是否有效: 'boolean',
      金额: 'number',
      邮编: 'string',
      身份证号: 'string',
    });
    assert.equal(report.rows, 4);
    assert.deepEqual(
      rows.map((r) => [r.编号, r.登记时间, r.是否有效, r.金额]),
      [
        ['1', '2023-01-05 09:30:00', true, 1000],
        ['2', '2023-01-06 00:00:00', false, 12.5],
        ['3', '2023-01-07 10:00:00', true, null],
        ['4', '2023-01-08 00:00:00', false, 0.5],
      ],
    );
    assert.ok(
      codes(report).includes('repeated_header') &&
        codes(report).includes('blank_rows') &&
        codes(report).includes('placeholders'),
      String(codes(report)),
    );
    assert.equal(report.onePass, false);
    // One stray word in a column of numbers makes it text: no value is ever lost to a cast.
    const mixed = await run('mixed.csv', 'a,b\n1,2\n2,3\n3,三\n');
    assert.deepEqual(types(mixed.report), { a: 'integer', b: 'string' });
    assert.deepEqual(
      mixed.rows.map((r) => r.b),
      ['2', '3', '三'],
    );
  });

  test('a clean file is read in one pass and comes out exactly as the careful path makes it', async () => {
    const lines = ['编号,机构名称,区县,床位数,评分,成立日期,备注'];
    for (let i = 1; i <= 3000; i++)
      lines.push(
        `${i},明州市第${i}医院,${['海曙区', '江北区', '鄞州区'][i % 3]},${i % 5 ? (i * 37) % 2000 : ''},${(i % 100) / 10},${2000 + (i % 24)}-0${(i % 9) + 1}-1${i % 10},${i % 3 ? `"记录,${i}"` : ''}`,
      );
    const clean = lines.join('\n') + '\n';
    const one = await run('clean.csv', clean);
    // The same table with a total row under it needs the careful path.
    const careful = await run('clean-total.csv', clean + '合计,,,,,,\n');
    assert.equal(one.report.onePass, true);
    assert.equal(careful.report.onePass, false);
    assert.deepEqual(types(one.report), {
      编号: 'integer',
      机构名称: 'string',
      区县: 'string',
      床位数: 'integer',
      评分: 'number',
      成立日期: 'date',
      备注: 'string',
    });
    assert.equal(one.report.rows, 3000);
    assert.deepEqual(one.rows, careful.rows);
    assert.deepEqual(one.report.columns, careful.report.columns);
    assert.deepEqual(codes(careful.report), ['total_row']);
    assert.deepEqual(codes(one.report), []);
    // Quoted commas stay in the value.
    assert.equal(one.rows[0].备注, '记录,1');
    // Spaces around text are trimmed, which the careful path counts for the report.
    const spaced = await run('spaced.csv', clean.replace('明州市第7医院', ' 明州市第7医院 '));
    assert.equal(spaced.report.onePass, false);
    assert.equal(spaced.rows[6].机构名称, '明州市第7医院');
    assert.deepEqual(
      spaced.report.problems.map((p) => [p.code, p.count, p.columns]),
      [['trimmed_spaces', 1, ['机构名称']]],
    );
  });

  test('a value past the sample that does not fit its column sends the file to the careful path', async () => {
    const lines = ['编号,代码,数量,说明'];
    for (let i = 1; i <= 100_050; i++) lines.push(`${i},${100 + (i % 800)},${i % 50},说明${i % 13}`);
    // Row 100,050 — past the 100,000 rows that propose the types — breaks each rule once.
    lines[lines.length - 1] = '1.5,007,-,说明';
    const { report, rows } = await run('late.csv', lines.join('\n') + '\n');
    assert.equal(report.onePass, false);
    assert.deepEqual(types(report), { 编号: 'number', 代码: 'string', 数量: 'integer', 说明: 'string' });
    assert.deepEqual(codes(report), ['placeholders']);
    assert.deepEqual(rows.at(-1), { 编号: 1.5, 代码: '007', 数量: null, 说明: '说明' });
    // A text table whose header comes again further down is cleaned the careful way too.
    const text = 'a,b\nx,y\n' + 'p,q\n'.repeat(20) + 'a,b\nz,w\n';
    const repeated = await run('pages.csv', text);
    assert.equal(repeated.report.onePass, false);
    assert.equal(repeated.report.rows, 22);
    assert.ok(codes(repeated.report).includes('repeated_header'));
  });

  test('GBK text that begins with a megabyte of ASCII is still read as GBK', async () => {
    const ascii = Array.from({ length: 40000 }, (_, i) => `${i},row-${i},ok`).join('\n');
    const content = Buffer.concat([
      Buffer.from('id,name,note\n' + ascii + '\n'),
      iconv.encode('40000,明州市,中文\n', 'gbk'),
    ]);
    const { report, rows } = await run('late.csv', content);
    assert.equal(report.encoding, 'gb18030');
    assert.deepEqual(rows.at(-1), { id: '40000', name: '明州市', note: '中文' });
  });

  test('damaged UTF-8 stays UTF-8: broken bytes are replaced and reported', async () => {
    const content = Buffer.concat([
      Buffer.from('名称,数量\n明州市海曙区,1\n'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('江北区,2\n鄞州区,3\n'),
    ]);
    const { report, rows } = await run('damaged.csv', content);
    assert.equal(report.encoding, 'utf-8');
    assert.ok(codes(report).includes('invalid_encoding'));
    assert.equal(rows[0].名称, '明州市海曙区');
    assert.equal(rows.length, 3);
  });

  test('hostile and broken files fail with a clear code', async () => {
    const wide =
      Array.from({ length: 50000 }, (_, i) => `c${i}`).join(',') +
      '\n' +
      Array.from({ length: 50000 }, () => '1').join(',') +
      '\n';
    const tooWide = await failure('wide.csv', wide);
    assert.equal(tooWide.code, 'too_many_columns');
    assert.match(tooWide.label.en, /50000 columns/);
    assert.equal((await failure('bomb.xlsx', xlsxBomb(64 * 1024 * 1024))).code, 'zip_bomb');
    assert.equal((await failure('lying-bomb.xlsx', xlsxBomb(64 * 1024 * 1024, true))).code, 'zip_bomb');
    const book = await mergedHeaderXlsx();
    assert.equal(
      (await failure('truncated.xlsx', book.subarray(0, Math.floor(book.length / 2)))).code,
      'corrupt_file',
    );
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    const legacy = await failure('old.xls', xls);
    assert.equal(legacy.code, 'unsupported_format');
    assert.match(legacy.label.zh, /xlsx/);
    assert.equal((await failure('empty.csv', '')).code, 'empty_file');
    assert.equal((await failure('header-only.csv', 'a,b,c\n')).code, 'no_rows');
    assert.equal(
      (await failure('picture.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]))).code,
      'unsupported_format',
    );
    assert.equal((await failure('narrow.csv', 'a,b,c\n1,2,3\n', { maxColumns: 2 })).code, 'too_many_columns');
  });
});

describe('layout detection', () => {
  test('a two-row CSV header with a spanning group heading', () => {
    const layout = detectLayout(
      '序号,基本信息,,,床位数\n,名称,区县,电话,\n1,甲,海曙区,0574-1,100\n2,乙,江北区,0574-2,200\n',
      { maxColumns: 100 },
    );
    assert.equal(layout.headerRows, 2);
    assert.equal(layout.skipLines, 2);
    assert.deepEqual(layout.columns, ['序号', '基本信息_名称', '基本信息_区县', '基本信息_电话', '床位数']);
  });

  test('duplicate, blank and multi-line names become unique names', () => {
    const layout = detectLayout('"床位数\n（张）",名称,名称,,Name,name\n1,a,b,c,d,e\n', { maxColumns: 100 });
    assert.deepEqual(layout.columns, ['床位数（张）', '名称', '名称_2', 'column_4', 'Name', 'name_2']);
    assert.deepEqual(layout.invented, [false, false, false, true, false, false]);
  });

  test('rows at the foot of a table', () => {
    assert.equal(footerKind(['合计', null, '3070'], 3), 'total_row');
    assert.equal(footerKind(['总 计：', null, '3070'], 3), 'total_row');
    assert.equal(footerKind(['注：数据来源于统计局', null, null], 3), 'footer_note');
    assert.equal(footerKind(['制表人：张三', '审核：李四', null], 3), 'footer_note');
    assert.equal(footerKind([null, '', null], 3), 'blank');
    assert.equal(footerKind(['5', '明州市康宁医院', '420'], 3), null);
    assert.equal(footerKind(['合计医院', '2', '3'], 3), null, 'a name that starts with 合计 is data');
  });
});
