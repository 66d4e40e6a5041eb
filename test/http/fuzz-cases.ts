/**
 * Hostile requests generated from the OpenAPI document, reproducibly from a seed: for each
 * operation, values of the wrong type, text with NUL, lone surrogates, control and bidi
 * characters, numbers past every range, missing and extra fields, prototype-ish keys, odd path
 * segments, and bodies that are not JSON or not UTF-8.
 */

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

/** A plausible value for the schema, then — most of the time — spoiled in one way. */
export function valueFor(doc: any, schema: Schema | undefined, r: Rng, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (r() < 0.35) return wrongValue(r);
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return valueFor(doc, pick(r, alt), r, depth);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return pick(r, s.enum);
  const type = Array.isArray(s.type) ? pick(r, s.type) : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return pick(r, ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']);
      if (s.format === 'date') return pick(r, ['2024-01-01', '2024-02-30', '0000-00-00']);
      if (s.format === 'date-time') return pick(r, ['2030-01-01T00:00:00Z', '2024-13-01T00:00:00Z']);
      // Never a reachable URL: uploads by URL must not leave the machine.
      if (s.format === 'uri')
        return pick(r, ['http://127.0.0.1:9/x', 'javascript:alert(1)', 'file:///etc/passwd']);
      return pick(r, [...HOSTILE_TEXT, 'ok', '测试']);
    case 'integer':
    case 'number':
      return pick(r, [...HOSTILE_NUMBERS, s.minimum ?? 1, s.maximum ?? 10, (s.maximum ?? 0) + 1]);
    case 'boolean':
      return r() < 0.5;
    case 'array':
      return depth > 3
        ? []
        : Array.from({ length: Math.floor(r() * 3) }, () => valueFor(doc, s.items, r, depth + 1));
    case 'object':
    default:
      return depth > 3 ? {} : objectFor(doc, s, r, depth);
  }
}

function objectFor(doc: any, s: Schema, r: Rng, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const required = s.required?.includes(k);
    if (!required && r() < 0.5) continue;
    if (required && r() < 0.1) continue; // a missing required field
    out[k] = valueFor(doc, v, r, depth + 1);
  }
  if (r() < 0.3)
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
  let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const param = op.params.find((p) => p.in === 'path' && p.name === name);
    const real = ids[name] ?? [];
    // Deleting the fixtures would only make later cases shallower.
    if (real.length && op.method !== 'DELETE' && r() < 0.5) return pick(r, real);
    return urlText(r, valueFor(doc, param?.schema, r));
  });
  const query: string[] = [];
  for (const p of op.params.filter((x) => x.in === 'query')) {
    if (r() < 0.5) continue;
    query.push(`${encodeURIComponent(p.name)}=${urlText(r, valueFor(doc, p.schema, r))}`);
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
    c.body = JSON.stringify(op.body ? valueFor(doc, op.body, r) : wrongValue(r));
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
