/**
 * The first wall's look at cost: functions that build a string or list whose size is one of their
 * arguments (`repeat('x', 2000000000)`, `lpad(s, 1e9)`, `range(1e10)`) are refused when that size
 * is written into the statement and exceeds the limit. Sizes computed from data are not known
 * here; the query process's memory cap and time limit stop those (ADR 0027).
 */

type Node = Record<string, unknown>;

/** A numeric literal, or arithmetic over literals, folded; null when it depends on anything else. */
function folded(node: Node | undefined): number | null {
  if (!node) return null;
  if (node.class === 'CONSTANT') {
    const v = (node.value as { is_null?: boolean; value?: unknown } | undefined)?.value;
    const n = typeof v === 'number' || typeof v === 'string' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : null;
  }
  if (node.class === 'CAST') return folded(node.child as Node);
  if (node.class === 'FUNCTION' && node.is_operator) {
    const args = (node.children as Node[]).map(folded);
    if (args.some((a) => a === null)) return null;
    const [a, b] = args as number[];
    switch (node.function_name) {
      case '+':
        return args.length === 1 ? a : a + b;
      case '-':
        return args.length === 1 ? -a : a - b;
      case '*':
        return a * b;
      case '/':
      case '//':
        return b ? a / b : null;
    }
  }
  return null;
}

type Sizer = (args: (number | null)[], children: Node[]) => number | null;

/** The length of what `repeat` copies: a literal string, or a builder's own literal size; else 1. */
function unitLength(node: Node | undefined): number {
  if (!node) return 1;
  const v = node.class === 'CONSTANT' ? (node.value as { value?: unknown }).value : undefined;
  if (typeof v === 'string') return Math.max(1, v.length);
  return Math.max(1, literalSize(node)?.size ?? 1);
}

const nth =
  (i: number): Sizer =>
  (args) =>
    args[i] === null ? null : Math.abs(args[i]);

/** range(stop), range(start, stop[, step]): how many elements. */
const span: Sizer = ([a, b, step], children) => {
  if (children.length === 1) return a === null ? null : Math.abs(a);
  if (a === null || b === null) return null;
  return Math.abs(b - a) / Math.abs(children.length > 2 && step ? step : 1);
};

/** Builders and the size each call asks for, from its folded arguments. */
const SIZERS: Record<string, Sizer> = {
  repeat: (args, children) => (args[1] === null ? null : Math.abs(args[1]) * unitLength(children[0])),
  lpad: nth(1),
  rpad: nth(1),
  range: span,
  generate_series: span,
  list_resize: nth(1),
  array_resize: nth(1),
  bar: nth(3),
};

/** The size a builder call asks for, when the statement fixes it; else null. */
export function literalSize(node: Node): { fn: string; size: number } | null {
  if (node.class !== 'FUNCTION' || typeof node.function_name !== 'string') return null;
  const fn = node.function_name.toLowerCase();
  const sizer = SIZERS[fn];
  if (!sizer) return null;
  const children = (node.children as Node[] | undefined) ?? [];
  const size = sizer(children.map(folded), children);
  return size === null ? null : { fn, size };
}
