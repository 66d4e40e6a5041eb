import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Config } from '../../platform/index.ts';
import { IngestError, problem, type IngestReport, type Problem } from '../report.ts';
import { SQL_TYPE, ident, literal, rows } from './duck.ts';
import {
  RESERVED_NAMES,
  convert,
  inferTypes,
  profile,
  scanCsv,
  skippedRows,
  stageJson,
  totalRowTexts,
  textChanges,
  writeParquet,
  type StagedColumn,
  type TypedColumn,
  type Written,
} from './load.ts';
import { loadDirect } from './direct.ts';
import { cleanNames, detectLayout, footerRows, renamedProblem, tooManyColumns } from './sniff.ts';
import { asUtf8, readHead, sampleText, tailText } from './text.ts';
import { xlsxToCsv } from './xlsx.ts';
import { unwrapJson } from './wrapped.ts';
import { numberProposals } from './numbers.ts';

export type SourceFormat = IngestReport['format'];

export interface IngestOptions {
  /** Scratch directory for this ingest; the caller removes it. */
  tmpDir: string;
  limits: Config['data'];
  sheet?: string;
  encoding?: string;
  signal?: AbortSignal;
  progress?: (fraction: number, stage: string) => void;
}

export interface IngestOutput {
  parquetFile: string;
  report: IngestReport;
}

const unsupported = (zh: string, en: string) => new IngestError('unsupported_format', { zh, en });

/** What the file is, from its first bytes first and its name second (names lie more often). */
export function detectFormat(filename: string, head: Buffer): SourceFormat {
  const ext = path.extname(filename).toLowerCase();
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    if (['.ods', '.docx', '.pptx'].includes(ext))
      throw unsupported(`不支持 ${ext} 文件`, `${ext} files are not supported`);
    return 'xlsx';
  }
  if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    throw unsupported(
      '不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传',
      'Legacy Excel (.xls) files are not supported; save the sheet as .xlsx or CSV and upload that',
    );
  if (head.subarray(0, 5).toString('latin1') === '%PDF-')
    throw unsupported(
      'PDF 文件不是数据表，请上传 CSV、XLSX 或 JSON',
      'A PDF is not a table; upload CSV, XLSX or JSON',
    );
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const nul = head.subarray(0, 4096).indexOf(0);
  if (nul !== -1 && !utf16)
    throw unsupported(
      '文件不是文本表格，也不是 XLSX',
      'The file is neither a text table nor an XLSX workbook',
    );
  if (['.json', '.geojson'].includes(ext)) return 'json';
  if (['.ndjson', '.jsonl'].includes(ext)) return 'ndjson';
  if (['.tsv', '.tab'].includes(ext)) return 'tsv';
  if (['.csv', '.txt', ''].includes(ext) || !['{', '['].includes(firstChar(head))) return 'csv';
  // No telling extension: JSON starts with a bracket, NDJSON has an object on each line.
  if (firstChar(head) === '[') return 'json';
  const lines = head
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length > 1 && lines[1].startsWith('{') ? 'ndjson' : 'json';
}

function firstChar(head: Buffer): string {
  const text = head
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return text.trimStart()[0] ?? '';
}

const blankProblem = (n: number) =>
  problem('blank_rows', 'info', `去除了 ${n} 个空行`, `${n} blank rows were removed`, { count: n });

const cleanup = (files: string[]) => Promise.all(files.map((f) => fs.promises.rm(f, { force: true })));

/**
 * Turns an uploaded file into a typed Parquet file and the report of what was found. Fails
 * with an IngestError (code, bilingual message, problems so far) when the file cannot be a
 * table; every other failure is wrapped the same way so a job always ends with a report.
 */
export async function ingestFile(file: string, filename: string, opts: IngestOptions): Promise<IngestOutput> {
  const started = Date.now();
  const progress = opts.progress ?? (() => {});
  const problems: Problem[] = [];
  const temporary: string[] = [];
  fs.mkdirSync(opts.tmpDir, { recursive: true });
  const head = await readHead(file, 64 * 1024);
  if (!head.length) throw new IngestError('empty_file', { zh: '文件是空的', en: 'The file is empty' });
  const format = detectFormat(filename, head);
  const report: Partial<IngestReport> = { format };

  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: opts.limits.ingestMemory,
    temp_directory: path.join(opts.tmpDir, 'spill'),
    preserve_insertion_order: 'true',
  });
  const c = await instance.connect();
  const interrupt = () => c.interrupt();
  opts.signal?.addEventListener('abort', interrupt);
  try {
    progress(0.05, 'reading');
    const parquetFile = path.join(opts.tmpDir, 'data.parquet');
    let staged: StagedColumn[];
    let typed: TypedColumn[];
    let from = '';
    let written: Written | null = null;
    const exclude: string[] = [];
    if (format === 'json' || format === 'ndjson') {
      const text = await asUtf8(file, opts.tmpDir, {
        forced: opts.encoding,
        stripBom: true,
        signal: opts.signal,
      });
      if (text.temporary) temporary.push(text.file);
      problems.push(...text.problems);
      report.encoding = text.encoding;
      progress(0.2, 'loading');
      // One object holding the table in an array (an API's envelope): the array is the table.
      const wrapped =
        format === 'json' && firstChar(await readHead(text.file, 64)) === '{'
          ? await unwrapJson(c, text.file, opts.tmpDir)
          : null;
      if (wrapped) {
        temporary.push(wrapped.file);
        problems.push(...wrapped.problems);
      }
      const json = await stageJson(
        c,
        wrapped?.file ?? text.file,
        wrapped ? 'ndjson' : format,
        opts.limits.maxColumns,
      );
      const { names, invented, renamed } = cleanNames(json.names, RESERVED_NAMES);
      problems.push(...renamedProblem(renamed));
      staged = names.map((name, i) => ({ stage: `c${i + 1}`, name, invented: invented[i] }));
      from = 'stage';
      const blankRow = staged.map((col) => `${ident(col.stage)} IS NULL`).join(' AND ');
      const [{ blank }] = await rows<{ blank: bigint }>(
        c,
        `SELECT count(*) FILTER (WHERE ${blankRow}) AS blank FROM stage`,
      );
      if (Number(blank)) {
        problems.push(blankProblem(Number(blank)));
        exclude.push(blankRow);
      }
      typed = staged.map((s, i) => ({
        ...s,
        type: json.types.get(s.stage)!,
        placeholders: 0,
        present: 1,
        ...(json.identifiers.has(json.names[i]) && { identifier: true }),
      }));
      if (json.mixed.length)
        problems.push(
          problem(
            'mixed_types',
            'info',
            `字段“${json.mixed.join('、')}”的值类型不一（数字与文字混杂），按文本保存`,
            `Keys "${json.mixed.join('", "')}" hold values of mixed types (numbers and text) and are kept as text`,
            { columns: json.mixed },
          ),
        );
    } else {
      let csvFile: string;
      let mergedLines: Set<number> | undefined;
      let preferred: string | undefined = format === 'tsv' ? '\t' : undefined;
      if (format === 'xlsx') {
        const sheet = await xlsxToCsv(file, opts.tmpDir, {
          sheet: opts.sheet,
          maxColumns: opts.limits.maxColumns,
          maxUncompressedBytes: opts.limits.xlsxMaxUncompressedBytes,
          maxRatio: opts.limits.xlsxMaxRatio,
          signal: opts.signal,
        });
        temporary.push(sheet.file);
        csvFile = sheet.file;
        mergedLines = sheet.mergedLines;
        preferred = ',';
        report.sheet = sheet.sheet;
        problems.push(...sheet.problems);
      } else {
        const text = await asUtf8(file, opts.tmpDir, { forced: opts.encoding, signal: opts.signal });
        if (text.temporary) temporary.push(text.file);
        problems.push(...text.problems);
        report.encoding = text.encoding;
        csvFile = text.file;
      }
      progress(0.1, 'detecting');
      const sample = await sampleText(csvFile);
      if (!sample.lineFound) {
        const widest = Math.max(...[',', '\t', ';', '|'].map((d) => sample.text.split(d).length));
        if (widest > opts.limits.maxColumns) throw tooManyColumns(widest, opts.limits.maxColumns);
        throw new IngestError('line_too_long', {
          zh: '第一行超过 1 MB，无法作为表格读取',
          en: 'The first line is longer than 1 MB; the file cannot be read as a table',
        });
      }
      const layout = detectLayout(sample.text, {
        maxColumns: opts.limits.maxColumns,
        preferredDelimiter: preferred,
        mergedLines,
        reservedNames: RESERVED_NAMES,
      });
      problems.push(...layout.problems);
      report.delimiter = layout.delimiter;
      report.headerRows = layout.headerRows;
      staged = layout.columns.map((name, i) => ({ stage: `c${i + 1}`, name, invented: layout.invented[i] }));
      const footer = footerRows(await tailText(csvFile), layout.delimiter, staged.length);
      progress(0.15, 'loading');
      const plan = {
        stageFile: path.join(opts.tmpDir, 'stage.parquet'),
        file: csvFile,
        delimiter: layout.delimiter,
        skipLines: layout.skipLines,
        columns: staged,
        padShortRows: format === 'xlsx',
        quoted: format !== 'xlsx',
      };
      const skip = skippedRows(staged, layout.headerRows === 1);
      const direct = footer.every((f) => f.kind === 'blank')
        ? await loadDirect(c, plan, skip.header, parquetFile, opts.signal)
        : null;
      report.onePass = direct !== null;
      if (direct) {
        ({ columns: typed, written } = direct);
      } else {
        let source = await scanCsv(c, plan, footer);
        if (source.invalidEncoding) {
          // Valid UTF-8 at the top and not further down: read it again, repaired.
          const repaired = await asUtf8(file, opts.tmpDir, { repair: true, signal: opts.signal });
          temporary.push(repaired.file);
          problems.push(...repaired.problems);
          report.encoding = repaired.encoding;
          source = await scanCsv(c, { ...plan, file: repaired.file }, footer);
        }
        problems.push(...source.problems);
        from = source.from;
        progress(0.35, 'typing');
        const inferred = await inferTypes(c, staged, from, skip);
        typed = inferred.columns;
        // Filters cost a pass over every row: only added when there is something to leave out.
        if (inferred.blank) {
          exclude.push(skip.blank);
          problems.push(blankProblem(inferred.blank));
        }
        if (inferred.totals) {
          exclude.push(skip.total);
          const texts = await totalRowTexts(c, staged, from, skip.total);
          problems.push(
            problem(
              'total_rows',
              'info',
              `表中有 ${inferred.totals} 行合计、小计或全市等汇总行（如“${texts[0].slice(0, 40)}”），不是明细数据，已去除`,
              `${inferred.totals} total or subtotal rows (such as "${texts[0].slice(0, 40)}") repeat the data they sum and were removed`,
              {
                count: inferred.totals,
                text: texts[0],
                changes: texts.map((t) => ({ before: t, after: null })),
              },
            ),
          );
        }
        if (skip.header && inferred.repeatedHeaders) {
          exclude.push(skip.header);
          problems.push(
            problem(
              'repeated_header',
              'info',
              `数据中有 ${inferred.repeatedHeaders} 行重复的表头，已去除`,
              `${inferred.repeatedHeaders} repeated header rows inside the data were removed`,
              {
                count: inferred.repeatedHeaders,
              },
            ),
          );
        }
      }
    }

    // Columns with neither a name nor a value are the blank columns spreadsheets trail.
    const dropped = typed.filter((t) => t.invented && t.present === 0);
    if (dropped.length) {
      typed = typed.filter((t) => !(t.invented && t.present === 0));
      problems.push(
        problem(
          'empty_columns',
          'info',
          `去除了 ${dropped.length} 个既无列名也无数据的空列`,
          `${dropped.length} columns with neither a name nor any value were removed`,
          { count: dropped.length },
        ),
      );
    }
    if (!typed.length)
      throw new IngestError('no_columns', { zh: '文件中没有可用的列', en: 'The file has no usable columns' });
    const placeholders = typed.reduce((s, t) => s + t.placeholders, 0);
    if (placeholders)
      problems.push(
        problem(
          'placeholders',
          'info',
          `数值或日期列中有 ${placeholders} 个“-”“/”“无”等占位符，按空值处理`,
          `${placeholders} placeholders such as "-", "/" or "无" in number or date columns were read as empty`,
          {
            count: placeholders,
          },
        ),
      );

    const json = format === 'json' || format === 'ndjson';
    const errored = typed.filter((t) => t.formulaErrors);
    if (errored.length) {
      const n = errored.reduce((s, t) => s + t.formulaErrors!, 0);
      problems.push(
        problem(
          'formula_errors',
          'warning',
          `有 ${n} 个单元格是公式错误（如 #DIV/0!、#N/A），已作为空值`,
          `${n} cells held formula errors (such as #DIV/0! or #N/A) and were read as empty`,
          { count: n, columns: errored.map((t) => t.name) },
        ),
      );
    }
    const quoted = format === 'csv' || format === 'tsv';
    if (from && !json) {
      const changed = await textChanges(c, typed, from, quoted);
      // Each kind of cell changed on the way in is said once, with how many and in which columns.
      const said = (
        list: { count: number; name: string }[],
        code: string,
        zh: (n: number, columns: string) => string,
        en: (n: number, columns: string) => string,
      ) => {
        if (!list.length) return;
        const count = list.reduce((s, t) => s + t.count, 0);
        const columns = list.map((t) => t.name);
        problems.push(
          problem(code, 'info', zh(count, columns.join('、')), en(count, columns.join(', ')), {
            count,
            columns,
          }),
        );
      };
      said(
        changed.trimmed,
        'trimmed_spaces',
        (n, c) => `有 ${n} 个文本单元格前后带空格，已去除空格（列：${c}）`,
        (n, c) => `${n} text cells had spaces around them, which were removed (columns: ${c})`,
      );
      said(
        changed.dates,
        'dates_read',
        (n, c) =>
          `有 ${n} 个日期写作 20230501 或 2023年5月，已按日期保存为 2023-05-01（只有年月的取当月 1 日；列：${c}）`,
        (n, c) =>
          `${n} dates written as 20230501 or 2023年5月 were stored as dates, 2023-05-01 (a month alone as its first day; columns: ${c})`,
      );
      said(
        changed.quoted,
        'formula_quotes',
        (n, c) =>
          `有 ${n} 个单元格以 ' 开头、其后是公式符号（电子表格防公式执行的写法），已去掉开头的 '（列：${c}）`,
        (n, c) =>
          `${n} cells started with ' before a formula sign (how spreadsheets are kept from running formulas); the leading ' was removed (columns: ${c})`,
      );
    }
    const identifiers = typed.filter((t) => t.identifier).map((t) => t.name);
    if (identifiers.length)
      problems.push(
        problem(
          'identifier_columns',
          'info',
          `列“${identifiers.join('、')}”的列名表明是证件号、账号、电话等标识，按文本保存，不作数值`,
          `Columns "${identifiers.join('", "')}" are named as identifiers (ID, account or phone numbers) and are kept as text, not numbers`,
          { columns: identifiers },
        ),
      );

    progress(0.55, 'writing');
    written ??= await writeParquet(
      c,
      parquetFile,
      from,
      typed.map((t) => ({ name: t.name, expr: json ? ident(t.stage) : convert(t, quoted) })),
      exclude,
    );
    progress(0.8, 'profiling');
    problems.push(...(await numberProposals(c, `read_parquet(${literal(parquetFile)})`, typed)));
    const stats = await profile(c, `read_parquet(${literal(parquetFile)})`, [], typed, written);
    if (stats.rows === 0)
      throw new IngestError('no_rows', {
        zh: '文件只有表头，没有数据行',
        en: 'The file has a header but no data rows',
      });
    progress(0.95, 'finishing');
    return {
      parquetFile,
      report: {
        ...report,
        format,
        rows: stats.rows,
        columns: stats.columns,
        problems,
        durationMs: Date.now() - started,
      } as IngestReport,
    };
  } catch (err) {
    if (err instanceof IngestError)
      throw new IngestError(err.code, err.label, [...problems, ...err.problems]);
    if (opts.signal?.aborted) throw opts.signal.reason ?? err;
    const message = (err as Error).message?.split('\n')[0].slice(0, 300) ?? String(err);
    if (/out of memory|memory limit/i.test(message))
      throw new IngestError(
        'too_large',
        {
          zh: '文件超出导入时可用的内存',
          en: `The file needs more memory than ingestion may use: ${message}`,
        },
        problems,
      );
    throw new IngestError(
      'ingest_failed',
      { zh: '文件无法导入', en: `The file could not be ingested: ${message}` },
      problems,
    );
  } finally {
    opts.signal?.removeEventListener('abort', interrupt);
    c.closeSync();
    instance.closeSync();
    await cleanup(temporary);
  }
}

export { SQL_TYPE };
