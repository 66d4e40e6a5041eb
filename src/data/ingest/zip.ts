import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { IngestError } from '../report.ts';

/**
 * Zip-bomb guard for spreadsheets. Before any XLSX library opens a file, its central directory
 * is read and every entry is inflated once with a hard cap on output, so neither declared
 * sizes (which can lie) nor the real ones can exceed the limits. The same pass picks out the
 * few small parts the importer needs (sheet names, merged cells), so nothing is inflated twice
 * for them. Hand-written because it must run before, and independently of, the XLSX reader.
 */

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  maxUncompressedBytes: number;
  maxRatio: number;
  maxEntries?: number;
}

const bomb = (en: string, zh: string) =>
  new IngestError('zip_bomb', { zh: `文件被拒绝：${zh}`, en: `The file was refused: ${en}` });
const corrupt = (en: string) =>
  new IngestError('corrupt_file', {
    zh: '文件已损坏或不是有效的 XLSX 文件',
    en: `The file is damaged or not a valid XLSX file (${en})`,
  });

async function readAt(fd: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fd.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

export async function readCentralDirectory(file: string, maxEntries = 10000): Promise<ZipEntry[]> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const size = (await fd.stat()).size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fd, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt('no end of central directory');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff)
      throw bomb('ZIP64 archives are not accepted for spreadsheets', '不接受 ZIP64 格式的表格文件');
    if (count > maxEntries) throw bomb(`${count} entries`, `压缩包内有 ${count} 个条目`);
    if (cdOffset + cdSize > size) throw corrupt('central directory outside the file');
    const cd = await readAt(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50)
        throw corrupt('bad central directory entry');
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      entries.push({
        method: cd.readUInt16LE(p + 10),
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        uncompressedSize: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await fd.close();
  }
}

export interface XlsxParts {
  /** Sheet names in workbook order, with the part that holds each. */
  sheets: { name: string; part: string }[];
  /** Merged ranges per sheet part, as `A1:F1` references. */
  merges: Map<string, string[]>;
  /** The archive's directory, as checked. */
  entries: ZipEntry[];
}

const decodeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e === 'lt'
      ? '<'
      : e === 'gt'
        ? '>'
        : e === 'quot'
          ? '"'
          : e === 'apos'
            ? "'"
            : e === 'amp'
              ? '&'
              : String.fromCodePoint(
                  e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
                ),
  );

const attr = (tag: string, name: string) => {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  return m ? decodeXml(m[2] ?? m[3] ?? '') : undefined;
};

/** Checks every entry against the limits by inflating it, and collects sheet names and merged cells on the way. */
export async function inspectXlsx(file: string, limits: ZipLimits): Promise<XlsxParts> {
  const entries = await readCentralDirectory(file, limits.maxEntries);
  const size = (await fs.promises.stat(file)).size;
  const declared = entries.reduce((s, e) => s + e.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes)
    throw bomb(
      `it would expand to ${declared} bytes (limit ${limits.maxUncompressedBytes})`,
      `解压后达 ${declared} 字节，超过上限 ${limits.maxUncompressedBytes}`,
    );
  if (size > 0 && declared / size > limits.maxRatio)
    throw bomb(
      `compression ratio ${Math.round(declared / size)}:1 (limit ${limits.maxRatio}:1)`,
      `压缩比 ${Math.round(declared / size)}:1 超过上限`,
    );
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw corrupt('no xl/workbook.xml');

  const small = new Map<string, string>();
  const merges = new Map<string, string[]>();
  let total = 0;
  const fd = await fs.promises.open(file, 'r');
  try {
    for (const e of entries) {
      if (e.name.endsWith('/')) continue;
      const local = await readAt(fd, e.localHeaderOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50)
        throw corrupt(`bad local header for ${e.name}`);
      const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (e.method !== 0 && e.method !== 8) throw corrupt(`compression method ${e.method}`);
      if (e.compressedSize > 0 && e.uncompressedSize / e.compressedSize > limits.maxRatio * 10)
        throw bomb(
          `entry ${e.name} has a compression ratio of ${Math.round(e.uncompressedSize / e.compressedSize)}:1`,
          `条目 ${e.name} 压缩比过高`,
        );
      const keep = e.name === 'xl/workbook.xml' || e.name === 'xl/_rels/workbook.xml.rels';
      const isSheet = /^xl\/worksheets\/[^/]+\.xml$/.test(e.name);
      const chunks: Buffer[] = [];
      let carry = '';
      let produced = 0;
      const source = fs.createReadStream(file, {
        start: dataStart,
        end: dataStart + Math.max(0, e.compressedSize) - 1,
      });
      const inflated = e.method === 8 ? source.pipe(zlib.createInflateRaw()) : source;
      try {
        for await (const chunk of inflated as AsyncIterable<Buffer>) {
          produced += chunk.length;
          total += chunk.length;
          // Real sizes are checked as they come, whatever the directory claimed.
          if (produced > e.uncompressedSize + 1024 || total > limits.maxUncompressedBytes) {
            source.destroy();
            throw bomb(
              `entry ${e.name} expands beyond its declared size or the limit`,
              `条目 ${e.name} 解压后超出声明大小或上限`,
            );
          }
          if (keep) chunks.push(chunk);
          if (isSheet) {
            const text = carry + chunk.toString('latin1');
            for (const m of text.matchAll(/<mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"/g)) {
              const list = merges.get(e.name) ?? [];
              list.push(m[1]);
              merges.set(e.name, list);
            }
            // A tag split across chunks is seen whole in the next pass; a tag seen whole is not kept.
            const lastOpen = text.lastIndexOf('<');
            carry =
              lastOpen >= 0 && text.indexOf('>', lastOpen) === -1 ? text.slice(lastOpen).slice(-512) : '';
          }
        }
      } catch (err) {
        if (err instanceof IngestError) throw err;
        throw corrupt(`${e.name}: ${(err as Error).message}`);
      }
      if (keep) small.set(e.name, Buffer.concat(chunks).toString('utf8'));
    }
  } finally {
    await fd.close();
  }

  const rels = new Map<string, string>();
  for (const m of (small.get('xl/_rels/workbook.xml.rels') ?? '').matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target)
      rels.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);
  }
  const sheets: XlsxParts['sheets'] = [];
  for (const m of (small.get('xl/workbook.xml') ?? '').matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = attr(m[0], 'name');
    const rid = attr(m[0], 'r:id');
    const part = rid ? rels.get(rid) : undefined;
    if (name && part) sheets.push({ name, part });
  }
  return { sheets, merges, entries };
}

/** `A1` → { row: 1, col: 1 } */
export function cellRef(ref: string): { row: number; col: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  if (!m) throw corrupt(`cell reference ${ref}`);
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

/** Parts ExcelJS's stream reader needs before any worksheet, in this order. */
const LEADING = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'];

/**
 * ExcelJS's stream reader takes the parts in the order they are stored, and must have read the
 * workbook part (the sheet names), its relationships, the shared strings and the styles before a
 * worksheet; some writers — ExcelJS itself among them — store the workbook part last, and the
 * reader then fails or loses sheets (exceljs#3064). Such an archive is copied with those parts
 * moved to the front: compressed bytes are copied as they are, only the headers are written anew.
 * Returns the file to read, which is a new one in `tmpDir` only when the order had to change.
 */
export async function inReadableOrder(file: string, entries: ZipEntry[], tmpDir: string): Promise<string> {
  const rank = (e: ZipEntry) => {
    const i = LEADING.indexOf(e.name);
    return i !== -1 ? i : e.name.startsWith('xl/worksheets/') ? LEADING.length + 1 : LEADING.length;
  };
  const stored = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  const wanted = [...stored].sort((a, b) => rank(a) - rank(b));
  if (wanted.every((e, i) => e === stored[i])) return file;
  const out = path.join(tmpDir, `${randomBytes(6).toString('hex')}.xlsx`);
  const fd = await fs.promises.open(file, 'r');
  const sink = fs.createWriteStream(out);
  const write = async (b: Buffer) => {
    if (!sink.write(b)) await once(sink, 'drain');
  };
  try {
    const central: Buffer[] = [];
    let offset = 0;
    for (const e of wanted) {
      const local = await readAt(fd, e.localHeaderOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw corrupt('bad local header');
      const start = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const name = Buffer.from(e.name, 'utf8');
      // Local header and directory entry share these fields; bit 11 says the name is UTF-8.
      const fields = (b: Buffer, at: number) => {
        b.writeUInt16LE(0x0800, at);
        b.writeUInt16LE(e.method, at + 2);
        b.writeUInt32LE(e.crc32, at + 8);
        b.writeUInt32LE(e.compressedSize, at + 12);
        b.writeUInt32LE(e.uncompressedSize, at + 16);
        b.writeUInt16LE(name.length, at + 20);
      };
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(20, 4);
      fields(header, 6);
      await write(header);
      await write(name);
      for (let p = 0; p < e.compressedSize; p += 1 << 20)
        await write(await readAt(fd, start + p, Math.min(1 << 20, e.compressedSize - p)));
      const dir = Buffer.alloc(46);
      dir.writeUInt32LE(0x02014b50, 0);
      dir.writeUInt16LE(20, 4);
      dir.writeUInt16LE(20, 6);
      fields(dir, 8);
      dir.writeUInt32LE(offset, 42);
      central.push(dir, name);
      offset += 30 + name.length + e.compressedSize;
    }
    const cd = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(wanted.length, 8);
    end.writeUInt16LE(wanted.length, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(offset, 16);
    await write(cd);
    await write(end);
    sink.end();
    await once(sink, 'finish');
    return out;
  } catch (err) {
    sink.destroy();
    await fs.promises.rm(out, { force: true });
    throw err;
  } finally {
    await fd.close();
  }
}
