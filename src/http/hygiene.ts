import type { FastifyInstance } from 'fastify';
import { hazardError, validationFailed, valueHazards, type FieldError } from '../core/index.ts';

/**
 * Input hygiene at the edge, for every route (API and pages) in one place: bytes that are not
 * UTF-8 and text holding NUL, lone surrogates, control characters or bidi overrides are refused
 * with a 400 naming the field, before any route or schema sees them. The rules themselves
 * (which characters, which numbers) live in `core` (text-hygiene.ts).
 */

// `fatal`: invalid bytes are an error instead of becoming U+FFFD silently. A leading byte-order
// mark is dropped (`ignoreBOM: false`): RFC 8259 §8.1 lets a JSON parser ignore it.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** `%e4%b8%ad` decodes to UTF-8; `%ff` does not. Characters outside escapes are taken as sent. */
function percentDecodesToUtf8(s: string): boolean {
  if (!s.includes('%')) return true;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], 'utf8'));
  }
  return isUtf8(Uint8Array.from(bytes));
}

const lenientDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** The query string's parser replaces bad escapes silently, so the raw text is checked first. */
export function queryEncodingErrors(url: string): FieldError[] {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const errors: FieldError[] = [];
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (!percentDecodesToUtf8(pair))
      errors.push(hazardError(percentDecodesToUtf8(key) ? lenientDecode(key) : 'query', 'invalid_utf8'));
  }
  return errors;
}

export function registerInputHygiene(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    let text: string;
    try {
      text = utf8.decode(raw as Buffer);
    } catch {
      return done(validationFailed([hazardError('body', 'invalid_utf8')]), undefined);
    }
    parseJson(req, text, done);
  });

  // preValidation: after the body is parsed, before schemas coerce and check it.
  app.addHook('preValidation', async (req) => {
    const errors = [
      ...valueHazards(req.params, '', { line: true }),
      ...queryEncodingErrors(req.url),
      ...valueHazards(req.query, '', { line: true }),
      ...(req.body === undefined ? [] : valueHazards(req.body)),
    ];
    if (errors.length) throw validationFailed(errors);
  });
}
