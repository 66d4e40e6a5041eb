import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { IngestError, problem, type Problem } from '../report.ts';

/**
 * Text files arrive in whatever encoding the department's software wrote: UTF-8 with or
 * without a BOM, GBK/GB18030 from Excel on a Chinese Windows, occasionally UTF-16. DuckDB
 * reads UTF-8, so everything else is converted once, streaming, into a temporary file.
 */

export interface Utf8File {
  file: string;
  /** The encoding the file was read as. */
  encoding: string;
  /** `file` is a converted copy the caller must remove. */
  temporary: boolean;
  problems: Problem[];
}

const HEAD_BYTES = 1024 * 1024;

export async function readHead(file: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fd.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
}

/** Valid UTF-8 up to a character cut off by the end of the sample. */
function utf8Prefix(buf: Buffer, complete: boolean): boolean {
  if (complete) return isUtf8(buf);
  for (let cut = 0; cut < 4 && cut < buf.length; cut++)
    if (isUtf8(buf.subarray(0, buf.length - cut))) return true;
  return false;
}

/** GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character. */
function normaliseName(name: string): string {
  const n = name.toLowerCase();
  if (['gb2312', 'gbk', 'gb18030', 'x-gbk', 'cp936', 'euc-cn'].includes(n)) return 'gb18030';
  return n;
}

/**
 * UTF-8 with a few broken bytes (a damaged file) rather than another encoding: decoding it as
 * UTF-8 yields many real non-ASCII characters and only the odd replacement. GBK read as UTF-8
 * is nearly all replacements.
 */
function mostlyUtf8(head: Buffer): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  let good = 0;
  let bad = 0;
  for (const ch of text) {
    if (ch === '\uFFFD') bad++;
    else if (ch.charCodeAt(0) > 0x7f) good++;
  }
  return good > 0 && bad * 4 <= good;
}

/** How far another CJK encoding must lead GB18030 before a Chinese government file is read as it. */
const CJK_LEAD = 25;

export function detectEncoding(
  head: Buffer,
  complete: boolean,
): { encoding: string; bom: boolean; repair: boolean; guessed?: boolean } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf-8', bom: true, repair: !utf8Prefix(head, complete) };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true, repair: false };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true, repair: false };
  if (utf8Prefix(head, complete)) return { encoding: 'utf-8', bom: false, repair: false };
  if (mostlyUtf8(head)) return { encoding: 'utf-8', bom: false, repair: true };
  // Not UTF-8. Chinese government files that are not UTF-8 are GB18030-family unless the
  // detector is confident of something else it can name. A short GBK file scores as high for
  // EUC-KR or Big5 as for GB18030 (the byte ranges overlap): another CJK encoding has to lead
  // clearly to be chosen over the GB family.
  const guesses = chardet.analyse(head);
  const gb = Math.max(0, ...guesses.filter((g) => /^GB/i.test(g.name)).map((g) => g.confidence));
  const named = guesses.find(
    (g) => g.confidence >= 50 && iconv.encodingExists(normaliseName(g.name)) && !/^utf-8$/i.test(g.name),
  );
  const otherCjk = named && /^(Big5|EUC-KR|EUC-JP|Shift_JIS|ISO-2022)/i.test(named.name);
  if (!named || /^(ISO-8859|windows-125)/i.test(named.name) || (otherCjk && named.confidence - gb < CJK_LEAD))
    return { encoding: 'gb18030', bom: false, repair: false, guessed: gb < 50 };
  return { encoding: normaliseName(named.name), bom: false, repair: false };
}

const tmpName = (dir: string, ext: string) =>
  path.join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}${ext}`);

/** Counts U+FFFD written by a lenient decoder: each one was a byte sequence the encoding does not allow. */
function countingReplacements(onCount: (n: number) => void) {
  let n = 0;
  return new Transform({
    decodeStrings: false,
    transform(chunk: string, _enc, done) {
      for (let i = chunk.indexOf('\uFFFD'); i !== -1; i = chunk.indexOf('\uFFFD', i + 1)) n++;
      done(null, chunk);
    },
    flush(done) {
      onCount(n);
      done();
    },
  });
}

async function convert(
  file: string,
  encoding: string,
  dir: string,
  signal?: AbortSignal,
): Promise<{ file: string; replaced: number }> {
  const out = tmpName(dir, '.utf8');
  let replaced = 0;
  const decoder =
    encoding === 'utf-8'
      ? (() => {
          const d = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
          return new Transform({
            readableObjectMode: false,
            transform(chunk: Buffer, _enc, done) {
              done(null, d.decode(chunk, { stream: true }));
            },
            flush(done) {
              done(null, d.decode());
            },
          });
        })()
      : iconv.decodeStream(encoding, { stripBOM: true });
  await pipeline(
    fs.createReadStream(file),
    decoder,
    countingReplacements((n) => (replaced = n)),
    fs.createWriteStream(out),
    { signal },
  );
  return { file: out, replaced };
}

/**
 * A UTF-8 file with the same text. `forced` is the uploader's own statement of the encoding;
 * `repair` re-reads a file that claimed UTF-8 but broke inside (bytes past the sample).
 */
export async function asUtf8(
  file: string,
  tmpDir: string,
  opts: { forced?: string; repair?: boolean; stripBom?: boolean; signal?: AbortSignal } = {},
): Promise<Utf8File> {
  const size = (await fs.promises.stat(file)).size;
  const head = await readHead(file);
  const problems: Problem[] = [];
  const detected = detectEncoding(head, head.length >= size);
  let { encoding } = detected;
  const repair = opts.repair || detected.repair;
  if (opts.forced) {
    const forced = normaliseName(opts.forced);
    if (!iconv.encodingExists(forced))
      throw new IngestError('unknown_encoding', {
        zh: `不支持的编码：${opts.forced}`,
        en: `Unknown encoding: ${opts.forced}`,
      });
    encoding = forced;
  } else if (opts.repair && !detected.repair && encoding === 'utf-8') {
    // Valid at the top, broken further down: GB18030 text that began with ASCII is the usual cause.
    const wider = chardet.analyse(await readHead(file, 8 * HEAD_BYTES));
    if (wider.some((g) => /^(GB18030|GBK|GB2312|Big5)$/i.test(g.name) && g.confidence >= 50))
      encoding = normaliseName(wider.find((g) => /^(GB|Big5)/i.test(g.name))!.name);
  }
  if (encoding === 'utf-8' && !repair && !(opts.stripBom && detected.bom))
    return { file, encoding, temporary: false, problems };
  fs.mkdirSync(tmpDir, { recursive: true });
  const { file: out, replaced } = await convert(file, encoding, tmpDir, opts.signal);
  // A guess the detector was not sure of is a warning: the department should look at the text.
  const guessed = !opts.forced && detected.guessed === true && encoding === detected.encoding;
  if (encoding !== 'utf-8')
    problems.push(
      guessed
        ? problem(
            'encoding_converted',
            'warning',
            `无法确定文件编码，按 ${encoding.toUpperCase()} 读取并转换为 UTF-8；如中文显示为乱码，请指定编码后重新上传`,
            `The file's encoding could not be determined; it was read as ${encoding.toUpperCase()} and converted to UTF-8. If the text looks garbled, upload again naming the encoding`,
          )
        : problem(
            'encoding_converted',
            'info',
            `文件编码为 ${encoding.toUpperCase()}，已转换为 UTF-8`,
            `The file was encoded in ${encoding.toUpperCase()} and was converted to UTF-8`,
          ),
    );
  if (replaced)
    problems.push(
      problem(
        'invalid_encoding',
        'warning',
        `有 ${replaced} 处字节不符合 ${encoding.toUpperCase()} 编码，已替换为 �`,
        `${replaced} byte sequences are not valid ${encoding.toUpperCase()} and were replaced with �`,
        {
          count: replaced,
        },
      ),
    );
  return { file: out, encoding, temporary: true, problems };
}

/** The first part of a UTF-8 file, cut at the last complete line so no record is half-read. */
export async function sampleText(
  file: string,
  bytes = HEAD_BYTES,
): Promise<{ text: string; complete: boolean; lineFound: boolean }> {
  const size = (await fs.promises.stat(file)).size;
  const head = await readHead(file, bytes);
  const complete = head.length >= size;
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lastNewline = text.lastIndexOf('\n');
  const lineFound = complete || lastNewline !== -1;
  if (!complete && lastNewline !== -1) text = text.slice(0, lastNewline + 1);
  return { text, complete, lineFound };
}

/** The last part of a UTF-8 file from the start of a line: where totals and notes sit. */
export async function tailText(file: string, bytes = 64 * 1024): Promise<string> {
  const size = (await fs.promises.stat(file)).size;
  const start = Math.max(0, size - bytes);
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    await fd.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start === 0 ? text.replace(/^\uFEFF/, '') : text.slice(text.indexOf('\n') + 1);
  } finally {
    await fd.close();
  }
}

/**
 * The lines of a text file below its first `skip` lines, and how many of those are empty: what a
 * file's records must add up to when no record spans lines. A quote left open joins the lines
 * after it into one record, which this count (unlike any CSV parser) does not follow.
 */
export async function countLines(
  file: string,
  skip: number,
  signal?: AbortSignal,
): Promise<{ lines: number; empty: number }> {
  let lines = 0;
  let empty = 0;
  // Bytes on the current line so far, not counting a CR: zero at the end of an empty line.
  let width = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20, signal })) {
    const buf = chunk as Buffer;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      width += nl - start - (nl > start && buf[nl - 1] === 13 ? 1 : 0);
      lines++;
      if (width === 0 && lines > skip) empty++;
      width = 0;
      start = nl + 1;
    }
    width += buf.length - start;
  }
  if (width > 0) lines++;
  return { lines: Math.max(0, lines - skip), empty };
}
