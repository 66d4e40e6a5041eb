import type { DataField } from '../core/index.ts';
import { pinyinOf } from '../text/index.ts';
import { creditCode, idCardNumber } from './identifiers.ts';

/**
 * The demo's generated tables: a column spec (data, in `tables/generated/*.json`) turned into
 * CSV rows by a seeded generator, so the same seed gives the same bytes on every machine. Each
 * spec is one JSON object with one kind key and optional modifiers:
 *
 *   {"seq": 1}                         1, 2, 3 …
 *   {"pick": ["a", "b"]}               one of the values (`weights` optional)
 *   {"int": [0, 9]} {"number": [0, 1], "decimals": 2}
 *   {"date": ["2024-01-01", "2024-12-31"]}   also datetime, month (YYYY-MM), quarter (YYYY-Qn),
 *                                           year; `"ordered": true` walks the range row by row
 *   {"time": ["06:00", "07:30"]}       HH:mm in steps of five minutes
 *   {"bool": 0.8}                      true with that probability
 *   {"idCard": ["1960-01-01", "2004-12-31"]}  居民身份证号码 born in that range
 *   {"creditCode": "91"}               统一社会信用代码 of that kind
 *   {"personName": true}               a Chinese name from the lists
 *   {"template": "{district}{road}{1-300}号"}  {list} a word of a list, {a-b} a number,
 *                                           {#n} n digits, {row} the row number
 *   {"plus": "field", "range": [1, 30]}   an earlier column's number, date (days) or
 *                                           datetime (minutes) plus an amount in the range
 *   {"pinyin": "field"}                an earlier column in pinyin (凤鸣路 → Fengminglu)
 *   "blank": 0.2                       on any spec: that share of cells left empty
 */

export type ColumnSpec = Record<string, unknown>;
export type Lists = Record<string, string[]>;

export interface TableSpec {
  rows: number;
  columns: Record<string, ColumnSpec>;
}

const KINDS = [
  'seq',
  'pick',
  'int',
  'number',
  'date',
  'datetime',
  'month',
  'quarter',
  'year',
  'time',
  'bool',
  'idCard',
  'creditCode',
  'personName',
  'template',
  'plus',
  'pinyin',
];
const MODIFIERS = ['weights', 'decimals', 'ordered', 'range', 'blank'];

/** The demo city's code: GB/T 2260 assigns no 3399xx, so no generated identifier is anyone's. */
const REGIONS = ['339902', '339903', '339904', '339905', '339921', '339922', '339981'];

/** mulberry32: small, fast, and the same sequence on every platform for the same seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a table's own seed from the demo's seed and its title, so tables do not share streams. */
export function seedOf(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const c of new TextEncoder().encode(name)) h = Math.imul(h ^ c, 0x01000193);
  return h >>> 0;
}

/** The problems of a column spec, as messages; empty when it can be generated. */
export function specProblems(spec: unknown, lists: Lists, earlier: string[]): string[] {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return ['must be a JSON object'];
  const keys = Object.keys(spec);
  const kinds = keys.filter((k) => KINDS.includes(k));
  const unknown = keys.filter((k) => !KINDS.includes(k) && !MODIFIERS.includes(k));
  const problems: string[] = [];
  if (kinds.length !== 1) problems.push(`needs exactly one of ${KINDS.join(', ')}`);
  if (unknown.length) problems.push(`unknown key(s) ${unknown.join(', ')}`);
  const s = spec as ColumnSpec;
  if (typeof s.template === 'string')
    for (const [, token] of s.template.matchAll(/\{([^}]*)\}/g))
      if (!/^(\d+-\d+|#\d+|row)$/.test(token!) && !lists[token!]) problems.push(`no list named ${token}`);
  for (const kind of ['plus', 'pinyin'])
    if (s[kind] !== undefined && !earlier.includes(String(s[kind])))
      problems.push(`${kind}: ${String(s[kind])} is not an earlier column`);
  if (s.pick !== undefined && !(Array.isArray(s.pick) && s.pick.length > 0))
    problems.push('pick: needs values');
  return problems;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY = 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
const isoDateTime = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
const utc = (text: string) => Date.parse(`${text.replace(' ', 'T')}${text.length <= 10 ? 'T00:00' : ''}Z`);

function monthIndex(text: string): number {
  const [y, m] = text.split('-').map(Number);
  return y! * 12 + (m! - 1);
}
function quarterIndex(text: string): number {
  const [y, q] = text.split('-Q').map(Number);
  return y! * 4 + (q! - 1);
}

class Table {
  private readonly rnd: () => number;
  constructor(
    seed: number,
    private readonly rows: number,
    private readonly lists: Lists,
  ) {
    this.rnd = random(seed);
  }

  private between(a: number, b: number): number {
    return a + Math.floor(this.rnd() * (b - a + 1));
  }

  /** A point in [a, b]: random, or the row's share of the way along when `ordered`. */
  private along(a: number, b: number, row: number, ordered: unknown): number {
    return ordered ? a + Math.floor((row * (b - a + 1)) / this.rows) : this.between(a, b);
  }

  private word(list: string): string {
    const words = this.lists[list]!;
    return words[Math.floor(this.rnd() * words.length)]!;
  }

  private template(text: string, row: number): string {
    return text.replace(/\{([^}]*)\}/g, (_, token: string) => {
      if (token === 'row') return String(row + 1);
      const digits = /^#(\d+)$/.exec(token);
      if (digits) return Array.from({ length: Number(digits[1]) }, () => this.between(0, 9)).join('');
      const range = /^(\d+)-(\d+)$/.exec(token);
      if (range) {
        const n = this.between(Number(range[1]), Number(range[2]));
        return range[1]!.startsWith('0') ? pad(n, range[1]!.length) : String(n);
      }
      return this.word(token);
    });
  }

  cell(spec: ColumnSpec, row: number, values: Record<string, string>): string {
    const value = this.value(spec, row, values);
    // Some cells are empty in real registers: an unrated hospital's grade, a clean sample's failures.
    return typeof spec.blank === 'number' && this.rnd() < spec.blank ? '' : value;
  }

  private value(s: ColumnSpec, row: number, values: Record<string, string>): string {
    const range = (s.int ?? s.number ?? s.date ?? s.datetime ?? s.month ?? s.quarter ?? s.year ?? s.time) as
      [string | number, string | number] | undefined;
    if (s.seq !== undefined) return String(Number(s.seq) + row);
    if (s.pick !== undefined) return this.pick(s.pick as unknown[], s.weights as number[] | undefined);
    if (s.int !== undefined) return String(this.between(Number(range![0]), Number(range![1])));
    if (s.number !== undefined) {
      const [a, b] = range as [number, number];
      return (a + this.rnd() * (b - a)).toFixed(Number(s.decimals ?? 2));
    }
    if (s.date !== undefined) {
      const [a, b] = [utc(String(range![0])) / DAY, utc(String(range![1])) / DAY];
      return isoDate(this.along(a, b, row, s.ordered) * DAY);
    }
    if (s.datetime !== undefined) {
      const [a, b] = [utc(String(range![0])) / 60_000, utc(String(range![1])) / 60_000];
      return isoDateTime(this.along(a, b, row, s.ordered) * 60_000);
    }
    if (s.month !== undefined) {
      const m = this.along(monthIndex(String(range![0])), monthIndex(String(range![1])), row, s.ordered);
      return `${Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
    }
    if (s.quarter !== undefined) {
      const q = this.along(quarterIndex(String(range![0])), quarterIndex(String(range![1])), row, s.ordered);
      return `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;
    }
    if (s.year !== undefined) return String(this.along(Number(range![0]), Number(range![1]), row, s.ordered));
    if (s.time !== undefined) {
      const [a, b] = (range as [string, string]).map((t) => {
        const [h, m] = t.split(':').map(Number);
        return (h! * 60 + m!) / 5;
      });
      const t = this.between(a!, b!) * 5;
      return `${pad(Math.floor(t / 60))}:${pad(t % 60)}`;
    }
    if (s.bool !== undefined) return String(this.rnd() < Number(s.bool));
    if (s.idCard !== undefined) {
      const [a, b] = (s.idCard as [string, string]).map((d) => utc(d) / DAY);
      const birth = isoDate(this.between(a!, b!) * DAY);
      return idCardNumber(this.pick(REGIONS), birth, this.between(1, 999));
    }
    if (s.creditCode !== undefined) {
      const body = pad(this.between(0, 99_999_999), 8);
      return creditCode(String(s.creditCode), this.pick(REGIONS), body);
    }
    if (s.personName !== undefined) return this.word('surnames') + this.word('givenNames');
    if (s.template !== undefined) return this.template(String(s.template), row);
    if (s.pinyin !== undefined) {
      const full = pinyinOf(values[String(s.pinyin)] ?? '').full;
      return full.charAt(0).toUpperCase() + full.slice(1);
    }
    return this.plus(values[String(s.plus)] ?? '', s.range as [number, number]);
  }

  private pick<T>(values: T[], weights?: number[]): string {
    if (!weights) return String(values[Math.floor(this.rnd() * values.length)]);
    let r = this.rnd() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < values.length; i++) if ((r -= weights[i] ?? 0) < 0) return String(values[i]);
    return String(values[values.length - 1]);
  }

  /** An earlier cell moved on: days for a date, minutes for a date-time, the amount for a number. */
  private plus(base: string, [a, b]: [number, number]): string {
    if (!base) return '';
    const whole = Number.isInteger(a) && Number.isInteger(b);
    const amount = whole ? this.between(a, b) : a + this.rnd() * (b - a);
    if (/^\d{4}-\d{2}-\d{2}$/.test(base)) return isoDate(utc(base) + amount * DAY);
    if (/^\d{4}-\d{2}-\d{2} /.test(base)) return isoDateTime(utc(base) + amount * 60_000);
    const decimals = base.includes('.') ? base.split('.')[1]!.length : whole ? 0 : 2;
    return (Number(base) + amount).toFixed(decimals);
  }
}

/** RFC 4180 quoting: only cells that need it. */
const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * The table of a dataset as CSV (UTF-8, header of the declared field names in their order),
 * from the dataset's column specs and the shared word lists. Same seed, same bytes.
 */
export function generateTable(fields: DataField[], spec: TableSpec, lists: Lists, seed: number): Buffer {
  const table = new Table(seed, spec.rows, lists);
  const lines = [fields.map((f) => csvCell(f.name)).join(',')];
  for (let row = 0; row < spec.rows; row++) {
    const values: Record<string, string> = {};
    for (const f of fields) values[f.name] = table.cell(spec.columns[f.name]!, row, values);
    lines.push(fields.map((f) => csvCell(values[f.name]!)).join(','));
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
