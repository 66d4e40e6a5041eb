/**
 * Hostile requests generated from the OpenAPI document, reproducibly from a seed: for each
 * operation, values of the wrong type, text with NUL, lone surrogates, control and bidi
 * characters, numbers past every range, missing and extra fields, prototype-ish keys, odd path
 * segments, and bodies that are not JSON or not UTF-8.
 */

import { random } from '../../src/demo/generate.ts';

export type Rng = () => number;

/** The demo generator's seeded mulberry32: the same sequence for the same seed on every machine. */
export const rng: (seed: number) => Rng = random;

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)];

export interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query'; schema: Schema; required?: boolean }[];
  body: Schema | null;
}

export interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  $ref?: string;
}

/** Operations of an OpenAPI 3 document, with their parameters and JSON body schema. */
export function operations(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter(
        (p: any) => p.in === 'path' || p.in === 'query',
      );
      out.push({
        method: method.toUpperCase(),
        path,
        params,
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return out;
}

/** Strings no API should fail on. Each is sent raw (JSON) or percent-encoded (URL). */
export const HOSTILE_TEXT = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'x\ud800',
  '\udfffy',
  '\ud83d',
  'a\u202eb',
  '\u2066x\u2069',
  'bell\u0007',
  'line\nbreak',
  '\u0085',
  '\ufeffbom',
  '\uffff',
  '😀'.repeat(40),
  '中'.repeat(3000),
  'x'.repeat(25000),
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '../../etc/passwd',
  '%00',
  '%ff',
  "'; DROP TABLE dataset; --",
  '" OR 1=1 --',
  '${7*7}',
  '<script>alert(1)</script>',
  '-1',
  '0',
  '1e300',
  'NaN',
  'Infinity',
  '9007199254740993',
  '99999999999999999999999999',
  'true',
  'null',
  '[]',
  '{}',
  '{"constructor":{"prototype":{}}}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2024-02-30',
  '9999-99-99T99:99:99Z',
] as const;

const HOSTILE_NUMBERS = [
  -1,
  0,
  1.5,
  1e300,
  -1e300,
  2 ** 31,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e-300,
] as const;

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

/** A value of the wrong kind for any schema. */
function wrongValue(r: Rng, depth = 0): unknown {
  switch (Math.floor(r() * 9)) {
    case 0:
      return pick(r, HOSTILE_TEXT);
    case 1:
      return pick(r, HOSTILE_NUMBERS);
    case 2:
      return pick(r, [true, false, null]);
    case 3:
      return depth > 2 ? [] : [wrongValue(r, depth + 1), wrongValue(r, depth + 1)];
    case 4:
      return depth > 2 ? {} : { [pick(r, PROTO_KEYS)]: wrongValue(r, depth + 1) };
    case 5:
      return JSON.parse(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}`);
    case 6: {
      let v: unknown = 'deep';
      for (let i = 0; i < 200; i++) v = [v];
      return v;
    }
    default:
      return pick(r, HOSTILE_TEXT);
  }
}

const resolve = (doc: any, s: Schema | undefined): Schema => {
  if (!s) return {};
  if (s.$ref)
    return resolve(
      doc,
      s.$ref
        .split('/')
        .slice(1)
        .reduce((o: any, k: string) => o?.[k], doc),
    );
  return s;
};

/**
 * How values are made: `spoil` is the chance that any one value is replaced by a wrong one.
 * Reckless cases spoil a third of everything (they test the first check); careful ones spoil
 * about one value in thirty and otherwise send what a real client would, so the hostile value
 * travels past validation into the domain and the database.
 */
export interface Gen {
  doc: any;
  r: Rng;
  spoil: number;
  /** Good values by property name (`orgId`, `themes`…) that no schema can tell. */
  known: Record<string, unknown[]>;
}

const KNOWN: Record<string, unknown[]> = {
  themes: [['urban_housing'], ['education_culture']],
  updateFrequency: ['每年', 'monthly', '不定期'],
  license: ['gov-open', null],
  format: ['CSV', 'JSON'],
  openTier: ['unconditional', 'conditional', 'not_open'],
  language: ['zh', 'en'],
  spatial: ['339900'],
  regionCode: ['339900'],
  orgCode: ['11339900MB0009999X'],
  checksum: ['a'.repeat(64)],
  sql: ['select 1', 'select * from nowhere', 'select count(*) from dist_00000000000000000000000000000000'],
};

/** Text that fits a simple pattern (`^[0-9]{6}$`), or plain words. */
function plausibleText(s: Schema, r: Rng): string {
  const digits = /^\^\[0-9\]\{(\d+)\}\$$/.exec(s.pattern ?? '');
  if (digits) return '3'.repeat(Number(digits[1]));
  return pick(r, ['ok', '测试', '住房公积金缴存情况', 'Data 2024', 'a']);
}

/** A value for the schema, spoiled with the chance `g.spoil` at each level. */
export function valueFor(g: Gen, schema: Schema | undefined, depth = 0, key?: string): unknown {
  const { r } = g;
  const s = resolve(g.doc, schema);
  // A careful body stays an object: its one bad value should be deep inside.
  if (r() < g.spoil && (depth > 0 || g.spoil > 0.2)) return wrongValue(r);
  const known = key ? (g.known[key] ?? KNOWN[key]) : undefined;
  if (known?.length && r() < 0.8) return pick(r, known);
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return valueFor(g, pick(r, alt), depth, key);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return pick(r, s.enum);
  const type = Array.isArray(s.type) ? pick(r, s.type) : s.type;
  const reckless = g.spoil > 0.2;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return pick(r, ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']);
      if (s.format === 'date') return pick(r, ['2024-01-01', '2024-02-30', '0000-00-00']);
      if (s.format === 'date-time') return pick(r, ['2030-01-01T00:00:00Z', '2024-13-01T00:00:00Z']);
      // Never a reachable URL: uploads by URL must not leave the machine.
      if (s.format === 'uri')
        return pick(r, ['http://127.0.0.1:9/x', 'javascript:alert(1)', 'file:///etc/passwd']);
      return reckless ? pick(r, [...HOSTILE_TEXT, 'ok', '测试']) : plausibleText(s, r);
    case 'integer':
    case 'number':
      return reckless
        ? pick(r, [...HOSTILE_NUMBERS, s.minimum ?? 1, s.maximum ?? 10, (s.maximum ?? 0) + 1])
        : (s.minimum ?? 1);
    case 'boolean':
      return r() < 0.5;
    case 'array':
      return depth > 3
        ? []
        : Array.from({ length: 1 + Math.floor(r() * 2) }, () => valueFor(g, s.items, depth + 1));
    case 'object':
    default:
      return depth > 3 ? {} : objectFor(g, s, depth);
  }
}

function objectFor(g: Gen, s: Schema, depth: number): Record<string, unknown> {
  const { r } = g;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const required = s.required?.includes(k);
    if (!required && r() < 0.5) continue;
    if (required && r() < g.spoil / 3) continue; // a missing required field
    out[k] = valueFor(g, v, depth + 1, k);
  }
  if (r() < g.spoil)
    Object.defineProperty(out, pick(r, [...PROTO_KEYS, 'extra', 'a\u0000b', 'x\ud800']), {
      value: wrongValue(r),
      enumerable: true,
    });
  return out;
}

/** Text for a URL: percent-encoded, or now and then raw bytes and broken escapes as sent. */
export function urlText(r: Rng, v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  const raw = pick(r, ['%00', '%ff', '%e4%b8', '%zz', '%', '..%2f..', '%2e%2e', '%ED%A0%80', '%E2%80%AE']);
  if (r() < 0.15) return raw;
  // encodeURIComponent throws on lone surrogates: send them as the (invalid) bytes a client would.
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

export interface Case {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** One request for `op`. `ids` are real ids of the world, so some cases reach past the lookups. */
export function caseFor(doc: any, op: Operation, r: Rng, ids: Record<string, string[]>): Case {
  const g: Gen = { doc, r, spoil: r() < 0.5 ? 0.35 : 0.03, known: ids };
  let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const param = op.params.find((p) => p.in === 'path' && p.name === name);
    const real = ids[name] ?? [];
    // Deleting the fixtures would only make later cases shallower.
    if (real.length && op.method !== 'DELETE' && r() < 0.5) return pick(r, real);
    return urlText(r, valueFor(g, param?.schema));
  });
  const query: string[] = [];
  for (const p of op.params.filter((x) => x.in === 'query')) {
    if (r() < 0.5) continue;
    query.push(`${encodeURIComponent(p.name)}=${urlText(r, valueFor(g, p.schema, 0, p.name))}`);
  }
  if (r() < 0.2)
    query.push(`${pick(r, [...PROTO_KEYS, 'a[b]', 'x%00', '%ff'])}=${urlText(r, wrongValue(r))}`);
  if (r() < 0.05) query.push(query[0] ?? 'page=1'); // a repeated key becomes an array
  if (query.length) url += `?${query.join('&')}`;
  const c: Case = { method: op.method, url: `/api/v1${url.replace(/^\/api\/v1/, '')}`, headers: {} };
  if (op.method === 'GET' || op.method === 'DELETE') return c;
  const shape = r();
  if (shape < 0.7) {
    c.headers['content-type'] = 'application/json';
    c.body = JSON.stringify(op.body ? valueFor(g, op.body) : wrongValue(r));
  } else if (shape < 0.78) {
    c.headers['content-type'] = 'application/json';
    c.body = pick(r, ['{', '{"a":}', '[1,2', 'nul', '"\\ud800"', '{"a":"\\u0000"}', '1e999', '']);
  } else if (shape < 0.86) {
    c.headers['content-type'] = 'application/json';
    c.body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]);
  } else if (shape < 0.93) {
    c.headers['content-type'] = pick(r, [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
    ]);
    c.body = 'a=1&b=%00';
  }
  return c;
}
