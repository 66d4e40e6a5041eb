import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { problem, type Problem } from '../report.ts';
import { literal, rows } from './duck.ts';

/**
 * APIs and export tools wrap the table in an envelope: `{"code":0,"msg":"ok","data":{"list":[…]}}`.
 * Read as it stands, that is one row with the table squeezed into one cell. When a JSON file is a
 * single object holding an array of objects, the array is the table: it is written out as NDJSON
 * (DuckDB keeps each value's text, big integers included) and named in the report.
 */

type Structure = string | Structure[] | { [key: string]: Structure };

/** Paths (lists of keys) to the arrays of objects inside a JSON structure, shallowest first. */
function tablesIn(s: Structure, at: string[] = []): string[][] {
  if (Array.isArray(s)) return s.length && typeof s[0] === 'object' && !Array.isArray(s[0]) ? [at] : [];
  if (typeof s !== 'object') return [];
  return Object.entries(s)
    .flatMap(([key, value]) => tablesIn(value, [...at, key]))
    .sort((a, b) => a.length - b.length);
}

const jsonPath = (keys: string[]) => '$' + keys.map((k) => `."${k.replace(/(["\\])/g, '\\$1')}"`).join('');

export async function unwrapJson(
  c: DuckDBConnection,
  file: string,
  tmpDir: string,
): Promise<{ file: string; problems: Problem[] } | null> {
  const size = (await fs.promises.stat(file)).size;
  const objects = `read_json_objects(${literal(file)}, format = 'auto', maximum_object_size = ${Math.max(64 * 1024 * 1024, size + 1)})`;
  let found: { n: bigint; s: string | null }[];
  try {
    found = await rows(
      c,
      `SELECT count(*) AS n, any_value(json_structure(json))::VARCHAR AS s FROM ${objects}`,
    );
  } catch {
    return null; // Not readable as objects: the table reader reports why.
  }
  if (Number(found[0].n) !== 1 || !found[0].s) return null;
  const paths = tablesIn(JSON.parse(found[0].s) as Structure);
  if (!paths.length) return null;
  // The longest array is the table; the others (a list of column definitions, say) are named.
  const lengths = await rows<Record<string, bigint>>(
    c,
    `SELECT ${paths.map((p, i) => `json_array_length(json, ${literal(jsonPath(p))}) AS n${i}`).join(', ')} FROM ${objects}`,
  );
  const best = paths.reduce(
    (b, _, i) => (Number(lengths[0][`n${i}`]) > Number(lengths[0][`n${b}`]) ? i : b),
    0,
  );
  const out = path.join(tmpDir, 'unwrapped.ndjson');
  await c.run(
    `COPY (SELECT unnest(json_extract(json, ${literal(jsonPath(paths[best]))})::JSON[]) AS j FROM ${objects})
     TO ${literal(out)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')`,
  );
  const name = paths[best].join('.');
  const others = paths.filter((_, i) => i !== best).map((p) => p.join('.'));
  return {
    file: out,
    problems: [
      problem(
        'wrapped_json',
        'info',
        `JSON 是一个对象，表格在其中的“${name}”数组里（${Number(lengths[0][`n${best}`])} 条），已取出该数组${others.length ? `；另有数组“${others.join('、')}”未导入` : ''}`,
        `The JSON is one object with the table in its "${name}" array (${Number(lengths[0][`n${best}`])} records), which was read${others.length ? `; the other arrays "${others.join('", "')}" were not` : ''}`,
        { text: name },
      ),
    ],
  };
}
