import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DomainError } from '../core/index.ts';
import { openBlobStore, type Context } from '../platform/index.ts';
import { literal } from './ingest/duck.ts';

/**
 * The shared DuckDB that serves rows, aggregates, previews and downloads. It runs only SQL this
 * module writes, yet it is still shut in: it may read files under the blob store's local
 * directories and nothing else, and its configuration is locked so no query can widen that.
 */

const engines = new Map<string, Promise<DuckDBInstance>>();

async function createEngine(roots: string[], memory: string): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: memory });
  const c = await instance.connect();
  try {
    await c.run(
      `SET allowed_directories = [${roots.map((r) => literal(r.endsWith('/') ? r : `${r}/`)).join(', ')}]`,
    );
    // Parquet files are content-addressed and never change, so their metadata can be cached.
    await c.run('SET parquet_metadata_cache = true');
    await c.run('SET enable_external_access = false');
    await c.run('SET lock_configuration = true');
  } finally {
    c.closeSync();
  }
  return instance;
}

export function readEngine(ctx: Context): Promise<DuckDBInstance> {
  const roots = openBlobStore(ctx.config).localRoots;
  const key = `${roots.join('|')} ${ctx.config.data.readMemory}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine(roots, ctx.config.data.readMemory);
    engines.set(key, engine);
    engine.catch(() => engines.delete(key));
  }
  return engine;
}

export const queryTimedOut = () =>
  new DomainError('invalid', 'query_timeout', {
    zh: '查询超时，已终止；请缩小范围或加上筛选条件',
    en: 'The query ran past its time limit and was stopped; narrow it down or add filters',
  });

/** One connection for one request, interrupted when it runs past `timeoutMs`, always closed. */
export async function withReader<T>(
  ctx: Context,
  fn: (c: DuckDBConnection) => Promise<T>,
  timeoutMs = ctx.config.data.queryTimeoutMs,
): Promise<T> {
  const c = await (await readEngine(ctx)).connect();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    c.interrupt();
  }, timeoutMs);
  try {
    return await fn(c);
  } catch (err) {
    if (timedOut) throw queryTimedOut();
    throw err;
  } finally {
    clearTimeout(timer);
    c.closeSync();
  }
}
