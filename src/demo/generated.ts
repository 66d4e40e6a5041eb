import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoCatalogueError, shown, type DemoCatalogue, type DemoDataset } from './catalogue.ts';
import {
  generateTable,
  seedOf,
  specProblems,
  type ColumnSpec,
  type Lists,
  type TableSpec,
} from './generate.ts';

/**
 * The specs of the demo's generated tables, in `tables/generated/`: `lists.json` (word lists the
 * templates draw from), `defaults.json` (a column spec per field name used by many datasets:
 * district, address, credit_code …) and `<department key>.json`, which maps a dataset title to
 * `{ rows, columns: { <field name>: <spec> } }`. Checked against the catalogue like it: every
 * declared 数据项 of the dataset gets a spec, no spec names an undeclared field, only open and
 * conditional datasets get a table; a problem names the file, the dataset and the field.
 */

export const GENERATED_DIR = fileURLToPath(new URL('./tables/generated/', import.meta.url));

/** The demo's seed: change it and every generated table changes, consistently. */
export const DEMO_SEED = 2026;

const MAX_ROWS = 2000;

export interface GeneratedTable {
  dataset: DemoDataset;
  spec: TableSpec;
}

export interface GeneratedTables {
  lists: Lists;
  tables: GeneratedTable[];
}

function readJson(file: string, problems: string[]): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${shown(file)}: must be a JSON object`);
  } catch (err) {
    problems.push(`${shown(file)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {};
}

/** Reads and checks the specs of every generated table; throws `DemoCatalogueError` on a problem. */
export function readGeneratedTables(catalogue: DemoCatalogue, dir = GENERATED_DIR): GeneratedTables {
  const problems: string[] = [];
  const lists = readJson(join(dir, 'lists.json'), problems) as Lists;
  for (const [name, words] of Object.entries(lists))
    if (!Array.isArray(words) || !words.length || !words.every((w) => typeof w === 'string'))
      problems.push(`${shown(join(dir, 'lists.json'))}: ${name}: must be a list of words`);
  const defaults = readJson(join(dir, 'defaults.json'), problems) as Record<string, ColumnSpec>;
  const tables: GeneratedTable[] = [];
  const keys = new Set(catalogue.organisations.map((o) => o.key));
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    if (name === 'lists.json' || name === 'defaults.json') continue;
    const file = join(dir, name);
    const key = name.replace(/\.json$/, '');
    if (!keys.has(key)) {
      problems.push(`${shown(file)}: no department ${key} in the demo catalogue`);
      continue;
    }
    for (const [title, value] of Object.entries(readJson(file, problems))) {
      const where = `${shown(file)}: ${title}`;
      const dataset = catalogue.datasets.find((d) => d.orgKey === key && d.title === title);
      if (!dataset) {
        problems.push(`${where}: no such dataset of department ${key}`);
        continue;
      }
      if (dataset.openTier === 'not_open' || dataset.table)
        problems.push(`${where}: only open and conditional datasets without a bundled table get one`);
      const { rows, columns = {}, ...rest } = (value ?? {}) as Partial<TableSpec>;
      if (Object.keys(rest).length) problems.push(`${where}: unknown key(s) ${Object.keys(rest).join(', ')}`);
      if (!Number.isInteger(rows) || rows! < 1 || rows! > MAX_ROWS)
        problems.push(`${where}.rows: a whole number from 1 to ${MAX_ROWS}`);
      const fields = dataset.fields ?? [];
      for (const field of Object.keys(columns))
        if (!fields.some((f) => f.name === field))
          problems.push(`${where}.columns.${field}: not a declared field of the dataset`);
      const resolved: Record<string, ColumnSpec> = {};
      fields.forEach((f, i) => {
        const spec = columns[f.name] ?? defaults[f.name];
        if (spec === undefined) return problems.push(`${where}.columns.${f.name}: no spec and no default`);
        const earlier = fields.slice(0, i).map((e) => e.name);
        for (const p of specProblems(spec, lists, earlier)) problems.push(`${where}.columns.${f.name}: ${p}`);
        resolved[f.name] = spec;
      });
      tables.push({ dataset, spec: { rows: rows!, columns: resolved } });
    }
  }
  if (problems.length) throw new DemoCatalogueError(problems);
  return { lists, tables };
}

/** The CSV of one generated table: the same seed gives the same bytes. */
export function tableBytes(generated: GeneratedTables, table: GeneratedTable, seed = DEMO_SEED): Buffer {
  const seedForTable = seedOf(seed, table.dataset.title);
  return generateTable(table.dataset.fields ?? [], table.spec, generated.lists, seedForTable);
}
