import { DuckDBInstance } from '@duckdb/node-api';
import { DomainError, seesWholeTable, validationFailed } from '../core/index.ts';
import { bytesOf, type Context } from '../platform/index.ts';
import { openData, type DataView, type DataReader } from './access.ts';
import { queryTimedOut } from './engine.ts';
import { admit } from './query-admission.ts';
import { literalSize } from './query-cost.ts';
import { runInProcess } from './query-process.ts';
import type { Answer } from './query-worker.ts';
import { countUse } from './usage.ts';
import { currentCaller } from './usage-key.ts';

/**
 * Read-only SQL over the caller's visible distributions. Two walls:
 *  1. the statement is parsed by DuckDB itself and refused unless it is one SELECT whose
 *     tables are all `dist_<id>` names (or its own CTEs) and that calls no table function and
 *     no function that reaches outside (read_csv, getenv, …);
 *  2. it then runs in a fresh in-memory DuckDB that holds only those distributions, with
 *     external access disabled, the configuration locked, and limits on memory, threads,
 *     time and rows returned. The first wall gives clear errors; the second is the real one.
 * That DuckDB lives in a query process of its own, held to a hard memory cap and killed past its
 * time limit, and only so many run at once (ADR 0027).
 */

export const TABLE_PREFIX = 'dist_';
export const tableName = (distributionId: string) => `${TABLE_PREFIX}${distributionId.replace(/-/g, '')}`;
const TABLE = /^dist_([0-9a-f]{32})$/i;
const idOf = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase();

const refused = (code: string, zh: string, en: string, details?: unknown) =>
  new DomainError('invalid', code, { zh, en }, details);

/** Functions that touch files, the environment or the engine itself; the sandbox would stop most, this names them early. */
const FORBIDDEN_FUNCTIONS =
  /^(read_|scan_|parquet_|sniff_csv|glob|getenv|current_setting|set_config|duckdb_|pragma_|query$|query_table$|json_execute_serialized_sql|json_deserialize_sql|load_extension|install_extension|system|shell|ducklake_|iceberg_|delta_|sqlite_|postgres_|mysql_)/i;

export interface Analysed {
  /** Distribution ids the statement reads, from its `dist_…` names. */
  distributions: string[];
}

/** Parses with DuckDB's own parser (no data attached) and walks the tree. */
export async function analyse(sqlText: string, maxLength = 20000, maxString = 1_000_000): Promise<Analysed> {
  if (typeof sqlText !== 'string' || !sqlText.trim())
    throw validationFailed([
      { field: 'sql', code: 'required', message: { zh: '缺少 SQL 语句', en: 'sql is required' } },
    ]);
  if (sqlText.length > maxLength)
    throw refused(
      'query_too_long',
      `SQL 语句超过 ${maxLength} 个字符`,
      `The statement is longer than ${maxLength} characters`,
    );
  const instance = await DuckDBInstance.create(':memory:', {
    enable_external_access: 'false',
    threads: '1',
    memory_limit: '64MB',
  });
  const c = await instance.connect();
  try {
    let extracted;
    try {
      extracted = await c.extractStatements(sqlText);
    } catch (err) {
      throw refused('sql_syntax', 'SQL 语法错误', `SQL syntax error: ${firstLine(err)}`);
    }
    if (extracted.count !== 1)
      throw refused('one_statement_only', '只能提交一条 SQL 语句', 'Submit exactly one SQL statement');
    const r = await c.runAndReadAll('SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS tree', [sqlText]);
    const tree = JSON.parse(String(r.getRowsJS()[0][0])) as {
      error: boolean;
      error_message?: string;
      statements?: unknown[];
    };
    if (tree.error) {
      if (/only select/i.test(tree.error_message ?? ''))
        throw refused('select_only', '只允许 SELECT 查询', 'Only SELECT queries are allowed');
      throw refused('sql_syntax', 'SQL 语法错误', `SQL syntax error: ${tree.error_message}`);
    }
    if (tree.statements?.length !== 1)
      throw refused('one_statement_only', '只能提交一条 SQL 语句', 'Submit exactly one SQL statement');
    const tables = new Set<string>();
    const ctes = new Set<string>();
    walk(tree.statements[0], (node) => {
      if (node.type === 'TABLE_FUNCTION') {
        const fn = (node.function as { function_name?: string } | undefined)?.function_name ?? '?';
        throw refused(
          'table_function',
          `不允许在查询中使用表函数 ${fn}()`,
          `Table functions such as ${fn}() are not allowed`,
          { function: fn },
        );
      }
      if (node.type === 'BASE_TABLE') {
        if (node.catalog_name || node.schema_name)
          throw refused(
            'unknown_table',
            `只能查询 dist_… 数据表：${node.schema_name}.${node.table_name}`,
            `Only dist_… tables can be queried: ${node.schema_name}.${node.table_name}`,
          );
        tables.add(String(node.table_name));
      }
      if (node.class === 'FUNCTION' && typeof node.function_name === 'string') {
        if (node.catalog || node.schema || FORBIDDEN_FUNCTIONS.test(node.function_name))
          throw refused(
            'forbidden_function',
            `不允许调用函数 ${node.function_name}()`,
            `The function ${node.function_name}() is not allowed`,
            { function: node.function_name },
          );
      }
      const built = literalSize(node);
      if (built && built.size > maxString)
        throw refused(
          'query_too_expensive',
          `${built.fn}() 要生成的字符串或列表过大（${built.size}，上限 ${maxString}）`,
          `${built.fn}() would build a string or list of ${built.size}; the limit is ${maxString}`,
          { function: built.fn, size: built.size, limit: maxString },
        );
      const map = (node.cte_map as { map?: { key: string }[] } | undefined)?.map;
      for (const m of map ?? []) ctes.add(m.key.toLowerCase());
    });
    const distributions = new Set<string>();
    for (const t of tables) {
      if (ctes.has(t.toLowerCase())) continue;
      const m = TABLE.exec(t);
      if (!m)
        throw refused(
          'unknown_table',
          `没有名为 ${t} 的数据表；请用 dist_<资源ID去掉连字符>`,
          `No table named ${t}; use dist_<distribution id without dashes>`,
          { table: t },
        );
      distributions.add(idOf(m[1]));
    }
    if (distributions.size > 10)
      throw refused(
        'too_many_tables',
        '一条查询最多涉及 10 个资源',
        'A query may read at most 10 distributions',
      );
    return { distributions: [...distributions] };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

const firstLine = (err: unknown) =>
  String((err as Error)?.message ?? err)
    .split('\n')[0]
    .slice(0, 300);

export interface QueryResult extends Answer {
  limit: number;
  /** The tables the statement read, with the version of each. */
  tables: { table: string; distributionId: string; version: number }[];
}

export async function runQuery(
  ctx: Context,
  reader: DataReader,
  body: { sql?: unknown; limit?: unknown },
): Promise<QueryResult> {
  const limits = ctx.config.data;
  const limit = body.limit === undefined ? limits.queryMaxRows : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.queryMaxRows)
    throw validationFailed([
      {
        field: 'limit',
        code: 'invalid',
        message: {
          zh: `limit 须为 1 到 ${limits.queryMaxRows} 的整数`,
          en: `limit must be an integer from 1 to ${limits.queryMaxRows}`,
        },
      },
    ]);
  const sqlText = typeof body.sql === 'string' ? body.sql : '';
  const { distributions } = await analyse(sqlText, undefined, limits.queryMaxString);
  // A slot before any data is opened; given back however the query ends.
  const actor = reader.actor;
  const release = admit(actor ? `u:${actor.userId}` : `a:${currentCaller()?.address ?? 'local'}`, !actor, {
    total: limits.queryConcurrency,
    anonymous: limits.queryAnonymousConcurrency,
    perCaller: limits.queryPerCaller,
  });
  try {
    // Each table must pass the same gate as every other data path: visible, and readable by this caller.
    const views: { name: string; view: DataView }[] = [];
    for (const id of distributions)
      views.push({
        name: tableName(id),
        view: await openData(ctx, reader, id, { action: 'query', detail: { sql: sqlText.slice(0, 2000) } }),
      });
    const result = await executeInSandbox(ctx, views, sqlText, limit);
    await countUse(ctx, distributions, 'api_calls');
    return {
      ...result,
      tables: views.map((v) => ({
        table: v.name,
        distributionId: v.view.distribution.id,
        version: v.view.version.number,
      })),
    };
  } finally {
    release();
  }
}

const pick = (l: Context['config']['data']) => ({
  timeoutMs: l.queryTimeoutMs,
  graceMs: l.queryGraceMs,
  processMemory: l.queryProcessMemory,
});

const tooExpensive = (zh: string, en: string, details?: unknown) =>
  refused('query_too_expensive', zh, en, details);

/**
 * Runs a statement in a fresh sandbox holding `views`, in a query process. Exported for the tests
 * that prove the sandbox holds even for SQL the parser check would have refused.
 */
export async function executeInSandbox(
  ctx: Context,
  views: { name: string; view: DataView }[],
  sqlText: string,
  limit: number,
): Promise<Omit<QueryResult, 'tables'>> {
  const limits = ctx.config.data;
  const outcome = await runInProcess(
    {
      views: views.map(({ name, view }) => ({
        name,
        columns: view.columns.map((col) => col.name),
        full: seesWholeTable(view.access),
        file: view.file,
        from: view.from,
        params: view.params,
      })),
      sql: sqlText,
      limit,
      memory: limits.queryMemory,
      threads: limits.queryThreads,
      maxResultBytes: limits.queryMaxResultBytes,
    },
    {
      capBytes: bytesOf(limits.queryProcessMemory) ?? 768e6,
      timeoutMs: limits.queryTimeoutMs,
      graceMs: limits.queryGraceMs,
    },
  );
  if (outcome.kind === 'killed') {
    // No SQL in the log: it may name data the caller was given; the reason is what operators need.
    ctx.logger.warn({ reason: outcome.reason, limits: pick(limits) }, 'query stopped by the server');
    if (outcome.reason === 'timeout') throw queryTimedOut();
    throw tooExpensive(
      '查询超出单条查询可用的内存，已终止；请缩小范围',
      `The query went past the memory one query may use (${limits.queryProcessMemory}) and was stopped`,
      { limit: limits.queryProcessMemory },
    );
  }
  const { reply } = outcome;
  if (reply.type === 'done') return { ...reply.answer, limit };
  const message = reply.message.split('\n')[0].slice(0, 300);
  if (reply.timedOut) throw queryTimedOut();
  if (reply.tooLarge)
    throw tooExpensive(
      `查询结果超过 ${limits.queryMaxResultBytes} 字节，请减少行数或列`,
      `The answer is larger than ${limits.queryMaxResultBytes} bytes; ask for fewer rows or columns`,
      { limit: limits.queryMaxResultBytes },
    );
  if (/out of memory|memory limit|bad allocation|failed to allocate/i.test(message))
    throw reply.stage === 'load'
      ? refused(
          'query_memory',
          '获准范围内的数据超出查询可用内存，请改用数据接口分页获取',
          'The data within your grant exceeds query memory; page through it with the rows API',
        )
      : refused(
          'query_memory',
          '查询超出可用内存，请缩小范围',
          `The query needs more memory than allowed: ${message}`,
        );
  if (reply.stage === 'load') throw new Error(`query sandbox could not be built: ${message}`);
  if (/permission|external access|disabled by configuration|locked/i.test(message))
    throw refused(
      'query_forbidden',
      '查询试图访问不允许的资源',
      `The query tried to reach beyond its data: ${message}`,
    );
  throw refused('query_failed', `查询出错：${message}`, `The query failed: ${message}`);
}
