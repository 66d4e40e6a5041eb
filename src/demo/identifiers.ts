/**
 * Identifiers in their real formats with their real check characters, so that the demo's tables
 * look like a department's and pass a format check, while the region part (3399xx, the demo
 * city's code, which GB/T 2260 does not assign) marks every one of them as fictitious.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character of the first 17 digits of a 居民身份证号码. */
export function idCardCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** 18 characters: region (6), birth date (8), sequence (3, odd for men, even for women), check. */
export function idCardNumber(region: string, birth: string, sequence: number): string {
  const first17 = `${region}${birth.replaceAll('-', '')}${String(sequence % 1000).padStart(3, '0')}`;
  return first17 + idCardCheck(first17);
}

/** The 31 characters of GB 32100 (no I, O, Z, S, V), each worth its index. */
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the first 17 characters of a 统一社会信用代码. */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character of an eight-digit 组织机构代码 body. */
export function orgCodeCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body[i]!, 36) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * 18 characters: registering authority and kind (`91` company, `92` individual business, `93`
 * farmers' co-operative, `12` public institution, `52` social organisation), region (6), the
 * organisation code (8 digits and its GB 11714 check), and the GB 32100 check character.
 */
export function creditCode(kind: string, region: string, body: string): string {
  const first17 = `${kind}${region}${body}${orgCodeCheck(body)}`;
  return first17 + creditCodeCheck(first17);
}
