import type { FieldError, Label } from './types.ts';

/**
 * What no text a caller sends may hold, wherever it comes from (JSON body, query string, path).
 * Each of these either breaks storage (PostgreSQL text refuses NUL), cannot be stored faithfully
 * (a lone surrogate has no UTF-8 form, so it would be replaced silently), or makes text display
 * differently from what it is (control characters, bidi overrides: "Trojan Source",
 * CVE-2021-42574). They are refused, never stripped, so nothing a caller sends changes silently.
 * Tab, line feed and carriage return are text in bodies (a description has paragraphs); query
 * strings and path segments are one line and take none of them.
 */

export type TextHazard = 'nul' | 'control' | 'bidi_control' | 'lone_surrogate';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 controls (NUL apart) and DEL and C1; `line` adds tab, LF and CR.
const CONTROL_TEXT = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_LINE = /[\u0001-\u001F\u007F-\u009F]/;
// Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). The marks
// LRM/RLM/ALM stay allowed: they change no order, and mixed Chinese/Arabic text needs them.
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/** The first hazard in `s`, or null. `line` refuses tab and line breaks too (URLs, keys). */
export function textHazard(s: string, line = false): TextHazard | null {
  if (s.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'lone_surrogate';
  if ((line ? CONTROL_LINE : CONTROL_TEXT).test(s)) return 'control';
  if (BIDI.test(s)) return 'bidi_control';
  return null;
}

type Problem = TextHazard | 'invalid_utf8' | 'too_deep' | 'out_of_range';

const MESSAGES: Record<Problem, (f: string) => Label> = {
  nul: (f) => ({ zh: `${f} 含有空字符（\\u0000）`, en: `${f} contains a NUL character (\\u0000)` }),
  lone_surrogate: (f) => ({
    zh: `${f} 含有不成对的代理字符，不是合法的 Unicode 文本`,
    en: `${f} contains a lone surrogate and is not valid Unicode text`,
  }),
  control: (f) => ({ zh: `${f} 含有控制字符`, en: `${f} contains a control character` }),
  bidi_control: (f) => ({
    zh: `${f} 含有双向文本控制字符（U+202A–U+202E、U+2066–U+2069）`,
    en: `${f} contains a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069)`,
  }),
  invalid_utf8: (f) => ({ zh: `${f} 不是合法的 UTF-8 编码`, en: `${f} is not valid UTF-8` }),
  too_deep: (f) => ({ zh: `${f} 嵌套层数过多`, en: `${f} is nested too deeply` }),
  out_of_range: (f) => ({
    zh: `${f} 超出可精确表示的数值范围（±9007199254740991）`,
    en: `${f} is beyond the range numbers are exact in (±9007199254740991)`,
  }),
};

export const hazardError = (field: string, hazard: Problem): FieldError => ({
  field,
  code: hazard,
  message: MESSAGES[hazard](field),
});

/** A key as it may appear in a field name: hazards escaped, so the message itself stays clean. */
const printable = (key: string) =>
  key.replace(
    /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

export const MAX_DEPTH = 64;

/**
 * Every hazard in a parsed value — strings, object keys, numbers beyond the exact range
 * (JSON allows them, but JavaScript would round them: a silent change) — one error per field,
 * named as the validator names fields (`fields[2].name`). Iterative, so a deeply nested body
 * is refused rather than overflowing the stack.
 */
export function valueHazards(
  value: unknown,
  root = '',
  opts: { line?: boolean; max?: number } = {},
): FieldError[] {
  const max = opts.max ?? 20;
  const errors: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  const name = (p: string) => p || 'body';
  while (stack.length && errors.length < max) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const h = textHazard(v, opts.line);
      if (h) errors.push(hazardError(name(path), h));
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)
        errors.push(hazardError(name(path), 'out_of_range'));
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_DEPTH) {
        errors.push(hazardError(name(path), 'too_deep'));
        continue;
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--)
          stack.push({ v: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          const field = path ? `${path}.${printable(key)}` : printable(key);
          const h = textHazard(key, true);
          if (h) errors.push(hazardError(field, h));
          else stack.push({ v: (v as Record<string, unknown>)[key], path: field, depth: depth + 1 });
        }
      }
    }
  }
  return errors;
}
