import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingestFile } from '../../src/data/index.ts';
import { loadConfig } from '../../src/platform/index.ts';

/** Runs the ingest on a file in a scratch folder and reads back what it wrote, without a server. */

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-ingest-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
export const limits = { ...loadConfig({}).data, xlsxMaxUncompressedBytes: 8 * 1024 * 1024 };
let n = 0;

export async function run(
  filename: string,
  content: Buffer | string,
  opts: { sheet?: string; encoding?: string; maxColumns?: number } = {},
) {
  const dir = path.join(root, String(++n));
  fs.mkdirSync(dir);
  const file = path.join(dir, 'upload');
  fs.writeFileSync(file, content);
  const out = await ingestFile(file, filename, {
    tmpDir: path.join(dir, 'tmp'),
    limits: { ...limits, maxColumns: opts.maxColumns ?? limits.maxColumns },
    sheet: opts.sheet,
    encoding: opts.encoding,
  });
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const r = await c.runAndReadAll(`SELECT * FROM read_parquet('${out.parquetFile}')`);
  const rows = r.getRowObjectsJson();
  c.closeSync();
  instance.closeSync();
  return { report: out.report, rows };
}

export async function failure(
  filename: string,
  content: Buffer | string,
  opts: Parameters<typeof run>[2] = {},
) {
  try {
    await run(filename, content, opts);
  } catch (err) {
    return err as { code: string; label: { zh: string; en: string }; problems: unknown[] };
  }
  throw new Error(`${filename} was expected to fail`);
}
