import type { FieldError } from '../types.ts';

/**
 * A reason has substance (issue 14): refusals, returns, suspensions, revocations and the data
 * authority's rulings are read by the person affected and kept as evidence, so "x", "…" or "ok"
 * will not do. What counts is letters and digits of any script, not spaces or punctuation; a
 * Chinese character carries about a word, so it counts twice. At least four such units and two
 * different characters: "核查" and "none" pass, "x", "长", "n/a" and "xxxx" do not.
 */
export const REASON_MIN_UNITS = 4;

const MEANINGFUL = /[\p{L}\p{N}]/u;
const IDEOGRAPH = /\p{Script=Han}/u;

export function reasonUnits(text: string): number {
  let units = 0;
  for (const ch of text) if (MEANINGFUL.test(ch)) units += IDEOGRAPH.test(ch) ? 2 : 1;
  return units;
}

/** The error a reason without substance gets, or none. Blank reasons are the shape check's. */
export function reasonErrors(field: string, text: string | null | undefined): FieldError[] {
  const t = (text ?? '').trim();
  if (!t) return [];
  const distinct = new Set([...t].filter((ch) => MEANINGFUL.test(ch))).size;
  if (reasonUnits(t) >= REASON_MIN_UNITS && distinct >= 2) return [];
  return [
    {
      field,
      code: 'too_short',
      message: {
        zh: '理由过于简单：请写明具体原因（至少两个汉字或四个字母、数字，不计空格和标点）',
        en: 'The reason says too little: give the actual grounds (at least four letters or digits, or two Chinese characters; spaces and punctuation do not count)',
      },
    },
  ];
}
