import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FieldError } from '../core/index.ts';

/**
 * The password policy (ADR 0028), one definition for user creation (API, CLI), password change
 * and sign-in. The longest length is enforced everywhere alike, so no one can set a password
 * that sign-in would then refuse.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

const LIST = fileURLToPath(new URL('./data/common-passwords.txt', import.meta.url));
let common: Set<string> | null = null;

/** Read once, on first use: ~49,000 passwords seen most often in breaches (data/common-passwords.txt). */
function commonPasswords(): Set<string> {
  common ??= new Set(
    fs
      .readFileSync(LIST, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#')),
  );
  return common;
}

/**
 * Guessable although long enough: a listed password as it is, a listed word padded with digits
 * or punctuation ("dragon12345678"), one listed word repeated ("qwertyqwerty"), or too few
 * different characters ("aaaaaaaaaaaa", "121212121212").
 */
export function isGuessable(password: string): boolean {
  const p = password.toLowerCase();
  if (new Set(p).size < 5) return true;
  const list = commonPasswords();
  if (list.has(p)) return true;
  const core = p.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, '');
  if (core !== p && list.has(core)) return true;
  for (let n = 1; n <= p.length / 2; n++)
    if (p.length % n === 0 && p.slice(0, n).repeat(p.length / n) === p) return true;
  return false;
}

/** What is wrong with a new password, as field errors under `field`; empty when it is acceptable. */
export function passwordProblems(password: string, field = 'password'): FieldError[] {
  const problem = (code: string, zh: string, en: string): FieldError[] => [
    { field, code, message: { zh, en } },
  ];
  if (password.length < PASSWORD_MIN)
    return problem(
      'too_short',
      `密码至少 ${PASSWORD_MIN} 位`,
      `Password must be at least ${PASSWORD_MIN} characters`,
    );
  if (password.length > PASSWORD_MAX)
    return problem(
      'too_long',
      `密码最多 ${PASSWORD_MAX} 位`,
      `Password must be at most ${PASSWORD_MAX} characters`,
    );
  if (isGuessable(password))
    return problem(
      'too_common',
      '该密码过于常见或容易猜测，请换一个更长、更独特的密码',
      'This password is too common or easy to guess; choose a longer, more unusual one',
    );
  return [];
}
