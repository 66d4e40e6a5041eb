import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';

/** Files the way government departments send them, generated in the tests. */

export const HOSPITALS = [
  ['1', '明州市第一人民医院', '海曙区', '三级甲等', '1200', '1952-03-01', '0574-87085588'],
  ['2', '明州市鄞州人民医院', '鄞州区', '三级乙等', '800', '1949/10/1', '0574-87016888'],
  ['3', '明州市中医院', '江北区', '三级甲等', '-', '1980-05-20', '0574-87089000'],
  ['4', '明州市妇女儿童医院', '江北区', '三级甲等', '650', '1990-01-01', '0574-83887000'],
  ['5', '明州市康宁医院', '镇海区', '二级甲等', '420', '2001-07-15', '0574-87189000'],
];

/** GBK, a spanning title row, a total row, a note, one short and one over-long row: what Excel exports. */
export function gbkHospitalCsv(): Buffer {
  const lines = [
    '2023年明州市医疗机构名录,,,,,,',
    '序号,机构名称,所在区县,等级,床位数,成立日期,联系电话',
    ...HOSPITALS.map((r) => r.join(',')),
    '6,短行医院',
    '7,多列医院,北仑区,一级,100,2010-01-01,0574-1,多余',
    '合计,,,,3070,,',
    '注：数据来源于明州市卫生健康委员会,,,,,,',
  ];
  return iconv.encode(lines.join('\r\n') + '\r\n', 'gbk');
}

/** A sheet with a merged title, a two-level header (基本信息 over 名称/区县/电话) and a total row. */
export async function mergedHeaderXlsx(extraSheet = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  if (extraSheet) wb.addWorksheet('说明').addRow(['本表由明州市卫生健康委员会提供']);
  const ws = wb.addWorksheet('机构名录');
  ws.addRow(['2023年明州市医疗机构名录']);
  ws.addRow(['序号', '基本信息', null, null, '床位数', '成立日期']);
  ws.addRow([null, '名称', '区县', '电话', null, null]);
  ws.addRow([1, '明州市第一人民医院', '海曙区', '0574-87085588', 1200, new Date(Date.UTC(1952, 2, 1))]);
  ws.addRow([2, '明州市鄞州人民医院', '鄞州区', '0574-87016888', 800, new Date(Date.UTC(1949, 9, 1))]);
  ws.addRow([
    3,
    '明州市中医院',
    '江北区',
    '0574-87089000',
    { formula: 'E4-400', result: 800 },
    new Date(Date.UTC(1980, 4, 20)),
  ]);
  ws.addRow([4, '明州市妇女儿童医院', null, '0574-83887000', 650, new Date(Date.UTC(1990, 0, 1))]);
  ws.addRow(['合计', null, null, null, 3450, null]);
  ws.mergeCells('A1:F1');
  ws.mergeCells('B2:D2');
  ws.mergeCells('A2:A3');
  ws.mergeCells('E2:E3');
  ws.mergeCells('F2:F3');
  // 江北区 spans two rows, the way district names are merged in printed tables.
  ws.mergeCells('C6:C7');
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const NDJSON = [
  { id: 1, name: '甲公司', capital: 1000.5, founded: '2020-01-05', tags: ['制造'], active: true },
  { id: 2, name: '乙公司', capital: 20, founded: '2021-02-06', tags: [], active: false },
  { id: 3, name: '丙公司', capital: null, founded: '2022-03-07', tags: ['服务', '零售'], active: true },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

/** A zip archive from raw parts. `declared` overrides the sizes written in its directory (a lying bomb). */
export function zip(entries: { name: string; data: Buffer; declared?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = zlib.deflateRawSync(e.data);
    const size = e.declared ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    central.push(dir, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The parts of a zip archive, in the order of its central directory. */
export function unzip(archive: Buffer): { name: string; data: Buffer }[] {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const parts: { name: string; data: Buffer }[] = [];
  for (let n = 0, p = archive.readUInt32LE(end + 16); n < archive.readUInt16LE(end + 10); n++) {
    const nameLength = archive.readUInt16LE(p + 28);
    const local = archive.readUInt32LE(p + 42);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const packed = archive.subarray(start, start + archive.readUInt32LE(p + 20));
    parts.push({
      name: archive.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
      data: archive.readUInt16LE(p + 10) === 8 ? zlib.inflateRawSync(packed) : packed,
    });
    p += 46 + nameLength + archive.readUInt16LE(p + 30) + archive.readUInt16LE(p + 32);
  }
  return parts;
}

/**
 * The same workbook with `xl/workbook.xml` (the sheet names) stored after its worksheets, and the
 * shared strings and relationships before them, as some writers store them (exceljs#3064).
 */
export function sheetsBeforeWorkbook(xlsx: Buffer): Buffer {
  const rank = (name: string) => (name === 'xl/workbook.xml' ? 2 : name.startsWith('xl/worksheets/') ? 1 : 0);
  return zip(unzip(xlsx).sort((a, b) => rank(a.name) - rank(b.name)));
}

/** A workbook whose one sheet inflates to `bytes` of XML: a zip bomb in XLSX clothing. */
export function xlsxBomb(bytes: number, lie = false): Buffer {
  const workbook = Buffer.from(
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
  );
  const rels = Buffer.from(
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  );
  const sheet = Buffer.alloc(bytes, 0x20);
  return zip([
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: rels },
    { name: 'xl/worksheets/sheet1.xml', data: sheet, declared: lie ? 1000 : undefined },
  ]);
}
