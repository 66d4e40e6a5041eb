import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join, relative } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  ContactSchema,
  DatasetInputSchema,
  OrganisationInputSchema,
  datasetRuleErrors,
  shapeErrors,
  type Contact,
  type DatasetInput,
  type FieldError,
  type OrganisationInput,
} from '../core/index.ts';

/**
 * The demo catalogue as data: `catalogue/city.json` names the city and its departments in load
 * order, and `catalogue/<key>.json` holds one department — its organisation record, its contact
 * point and the datasets it has catalogued, each a `DatasetInput` without `orgId` and `contact`
 * (the loader fills both in) plus the demo's own keys. Read and checked against the API's schemas
 * before anything is written, so a mistake in a file stops the demo with the file and field named
 * instead of half a catalogue.
 */

export const CATALOGUE_DIR = fileURLToPath(new URL('./catalogue/', import.meta.url));
export const TABLES_DIR = fileURLToPath(new URL('./tables/', import.meta.url));

const CitySchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    nameEn: Type.String({ minLength: 1 }),
    regionCode: Type.String({ pattern: '^[0-9]{6}$' }),
    departments: Type.Array(Type.String({ pattern: '^[a-z0-9_-]+$' }), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** A bundled table (in `tables/`) attached to the dataset as its CSV distribution. */
const TableSchema = Type.Object(
  {
    file: Type.String({ pattern: '^[A-Za-z0-9_.-]+\\.csv$' }),
    description: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);

/** What the demo adds to a dataset entry; everything else in the entry is the dataset itself. */
const DemoKeysSchema = Type.Object(
  {
    /** Push through review to publication on load; `false` leaves a draft. */
    publish: Type.Boolean(),
    table: Type.Optional(TableSchema),
  },
  { additionalProperties: false },
);
const DEMO_KEYS = Object.keys(DemoKeysSchema.properties);

const DepartmentSchema = Type.Object(
  {
    organisation: OrganisationInputSchema,
    contact: ContactSchema,
    datasets: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);

/** A dataset as a department would send it, before it has a publisher id. */
const DemoDatasetInputSchema = Type.Omit(DatasetInputSchema, ['orgId']);

export type DemoCity = Omit<Static<typeof CitySchema>, 'departments'>;
export type DemoTable = Static<typeof TableSchema>;

export interface DemoOrganisation extends OrganisationInput {
  /** The department file's name: links datasets and the demo account (`<key>@demo.kaifang`). */
  key: string;
}

export type DemoDataset = Omit<DatasetInput, 'orgId'> & {
  orgKey: string;
  publish: boolean;
  table?: DemoTable;
};

export interface DemoCatalogue {
  city: DemoCity;
  organisations: DemoOrganisation[];
  datasets: DemoDataset[];
}

/** A demo data file that does not say what the loader needs; the message names file and field. */
export class DemoCatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(`The demo catalogue has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'DemoCatalogueError';
  }
}

/** `datasets[1] (title).fields[0].type: Expected union value`: the path once, then what is wrong. */
function describe(where: string, e: FieldError): string {
  const path = where && e.field !== 'body' ? `${where}.${e.field}` : where || e.field;
  const message = e.message.en.startsWith(`${e.field}: `)
    ? e.message.en.slice(e.field.length + 2)
    : e.message.en;
  return `${path}: ${message}`;
}

/** The path a maintainer would open: relative to the working directory when inside it. */
export function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

class Problems {
  readonly list: string[] = [];

  /** Checks `value` against `schema`; true when it fits. */
  check(file: string, where: string, schema: TSchema, value: unknown): boolean {
    return this.report(file, where, shapeErrors(schema, value));
  }

  report(file: string, where: string, errors: FieldError[]): boolean {
    for (const e of errors) this.add(file, describe(where, e));
    return errors.length === 0;
  }

  add(file: string, message: string): void {
    this.list.push(`${shown(file)}: ${message}`);
  }
}

function readJson(file: string, problems: Problems): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.add(file, err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

function readDepartment(
  dir: string,
  key: string,
  tablesDir: string,
  problems: Problems,
  out: DemoCatalogue,
): void {
  const file = join(dir, `${key}.json`);
  if (!existsSync(file))
    return problems.add(join(dir, 'city.json'), `department ${key} has no file ${key}.json`);
  const department = readJson(file, problems);
  if (department === undefined || !problems.check(file, '', DepartmentSchema, department)) return;
  const { organisation, contact, datasets } = department as Static<typeof DepartmentSchema>;
  out.organisations.push({ key, ...(organisation as OrganisationInput) });
  (datasets as Record<string, unknown>[]).forEach((entry, i) => {
    const title = typeof entry.title === 'string' ? ` (${entry.title})` : '';
    const where = `datasets[${i}]${title}`;
    const demo = Object.fromEntries(Object.entries(entry).filter(([k]) => DEMO_KEYS.includes(k)));
    const input = Object.fromEntries(Object.entries(entry).filter(([k]) => !DEMO_KEYS.includes(k)));
    // A dataset inherits its department's contact point unless it names its own.
    const dataset = { contact: { ...(contact as Contact) }, ...input };
    // All three checks run, so one pass lists every problem of the entry.
    const checks = [
      problems.check(file, where, DemoKeysSchema, demo),
      problems.check(file, where, DemoDatasetInputSchema, dataset),
      problems.report(file, where, datasetRuleErrors(dataset as Partial<DatasetInput>)),
    ];
    if (checks.includes(false)) return;
    const keys = demo as Static<typeof DemoKeysSchema>;
    if (keys.table && !existsSync(join(tablesDir, keys.table.file)))
      return problems.add(file, `${where}.table.file: no file ${keys.table.file} in ${shown(tablesDir)}`);
    out.datasets.push({ orgKey: key, ...keys, ...(dataset as Omit<DatasetInput, 'orgId'>) });
  });
}

/**
 * Reads and checks the whole demo catalogue; throws `DemoCatalogueError` listing every problem.
 * `dir` and `tablesDir` are parameters so tests can check the checks on broken copies.
 */
export function readDemoCatalogue(dir = CATALOGUE_DIR, tablesDir = TABLES_DIR): DemoCatalogue {
  const problems = new Problems();
  const cityFile = join(dir, 'city.json');
  const city = readJson(cityFile, problems);
  const out: DemoCatalogue = {
    city: { name: '', nameEn: '', regionCode: '' },
    organisations: [],
    datasets: [],
  };
  if (city !== undefined && problems.check(cityFile, '', CitySchema, city)) {
    const { departments, ...rest } = city as Static<typeof CitySchema>;
    out.city = rest;
    for (const key of departments) readDepartment(dir, key, tablesDir, problems, out);
    // A department file that city.json does not list would be silently left out: say so instead.
    for (const name of readdirSync(dir)) {
      const key = name.replace(/\.json$/, '');
      if (name.endsWith('.json') && name !== 'city.json' && !departments.includes(key))
        problems.add(join(dir, name), `not listed in city.json departments, so it would not be loaded`);
    }
  }
  if (problems.list.length) throw new DemoCatalogueError(problems.list);
  return out;
}
