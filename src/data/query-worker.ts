/**
 * A query process: the child the server starts to run user SQL in (ADR 0027). It is started under
 * a kernel data limit, so no function can take more memory than the process was given, and the
 * server kills it outright when it runs past its time limit; the server itself never holds a
 * user query's memory or thread. Each query still gets a fresh, locked in-memory DuckDB (ADR 0012).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from './ingest/duck.ts';
import type { FieldType } from './report.ts';
import { cell, typeOfResult, type Cell } from './values.ts';

/** A table as the child builds it: a view over a readable file, or a copy of granted rows. */
export interface WireView {
  name: string;
  columns: string[];
  full: boolean;
  file: string;
  from: string;
  params: unknown[];
}

export interface RunMessage {
  type: 'run';
  id: number;
  views: WireView[];
  sql: string;
  limit: number;
  memory: string;
  threads: number;
  timeoutMs: number;
  maxResultBytes: number;
}

export interface Answer {
  columns: { name: string; type: FieldType }[];
  rows: Cell[][];
  rowCount: number;
  truncated: boolean;
}

export type ReplyMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; answer: Answer; rss: number }
  | {
      type: 'failed';
      id: number;
      /** `load`: while building the tables; `run`: the statement itself. */
      stage: 'load' | 'run';
      message: string;
      timedOut: boolean;
      tooLarge: boolean;
      rss: number;
    };

class TooLarge extends Error {}

/** A DuckDB holding only `views`, then shut: no files beyond those, no settings changeable. */
async function sandbox(m: RunMessage): Promise<{ instance: DuckDBInstance; c: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: m.memory,
    threads: String(m.threads),
    // No spilling: a query that needs more memory than it is given fails instead of filling a disk.
    temp_directory: '',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const c = await instance.connect();
  try {
    const allowed: string[] = [];
    for (const view of m.views) {
      // Parquet is written in file order and DuckDB keeps it: no ORDER BY for every query to pay.
      const columns = view.columns.map(ident).join(', ');
      if (view.full) {
        // The file stays where it is and is read on demand; only it becomes readable.
        allowed.push(view.file);
        await c.run(
          `CREATE VIEW ${ident(view.name)} AS SELECT ${columns} FROM read_parquet(${literal(view.file)})`,
        );
      } else {
        // Under a grant the caller may see some fields and rows only: those are copied into
        // memory, and the file itself is never made readable.
        await c.run(
          `CREATE TABLE ${ident(view.name)} AS SELECT ${columns} FROM ${view.from}`,
          view.params as never,
        );
      }
    }
    await c.run(`SET allowed_paths = [${allowed.map(literal).join(', ')}]`);
    await c.run('SET enable_external_access = false');
    await c.run('SET lock_configuration = true');
    return { instance, c };
  } catch (err) {
    c.closeSync();
    instance.closeSync();
    throw err;
  }
}

/** Streams the answer, cut at the row limit; an answer past the byte limit is refused, not cut. */
async function execute(c: DuckDBConnection, m: RunMessage): Promise<Answer> {
  const result = await c.stream(m.sql.replace(/;\s*$/, ''));
  const names = result.columnNames();
  const types = result.columnTypes().map((t) => typeOfResult(String(t)));
  const rows: Cell[][] = [];
  let bytes = 0;
  let truncated = false;
  for await (const batch of result.yieldRowsJs()) {
    for (const r of batch) {
      if (rows.length === m.limit) {
        truncated = true;
        break;
      }
      const row = (r as unknown[]).map((v, i) => cell(v, types[i]));
      bytes += Buffer.byteLength(JSON.stringify(row));
      if (bytes > m.maxResultBytes) throw new TooLarge();
      rows.push(row);
    }
    if (truncated) break;
  }
  return {
    columns: names.map((name, i) => ({ name, type: types[i] })),
    rows,
    rowCount: rows.length,
    truncated,
  };
}

async function run(m: RunMessage): Promise<ReplyMessage> {
  const failed = (stage: 'load' | 'run', err: unknown, timedOut = false): ReplyMessage => ({
    type: 'failed',
    id: m.id,
    stage,
    message: String((err as Error)?.message ?? err),
    timedOut,
    tooLarge: err instanceof TooLarge,
    rss: process.memoryUsage.rss(),
  });
  let box;
  try {
    box = await sandbox(m);
  } catch (err) {
    return failed('load', err);
  }
  const { instance, c } = box;
  // The engine's own stop; the server kills this process if the engine does not heed it.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    c.interrupt();
  }, m.timeoutMs);
  try {
    const answer = await execute(c, m);
    return { type: 'done', id: m.id, answer, rss: process.memoryUsage.rss() };
  } catch (err) {
    return failed('run', err, timedOut);
  } finally {
    clearTimeout(timer);
    c.closeSync();
    instance.closeSync();
  }
}

const send = (reply: ReplyMessage) => process.send?.(reply);

process.on('message', (m: RunMessage) => {
  if (m?.type === 'run') void run(m).then(send);
});
// The server is gone or done with this process.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
