/**
 * 信息资源代码 (resource code). 《政务信息资源目录编制指南》 builds the code from a
 * classification part followed by a sequence part; we put the provider's organisation code
 * between them:
 *
 *   NN-ORGCODE-SSSSS      e.g. 05-11330100MB0123456X-00012
 *
 * - NN: two-digit theme class number (1-based position in `themes`, 00 = unclassified), so
 *   codes sort and group by class the way printed catalogues list them.
 * - ORGCODE: the provider's 统一社会信用代码 / 组织机构代码, which makes the code globally unique
 *   without a central counter: each department numbers its own resources.
 * - SSSSS: the department's sequence number, fixed width so codes compare as strings.
 *
 * Hyphens separate the parts so the code splits unambiguously, which is why hyphens inside an
 * old-style 组织机构代码 ("MB0123456-X") are dropped.
 */

export interface ResourceCodeParts {
  themeIndex: number;
  orgCode: string;
  sequence: number;
}

const MAX_SEQUENCE = 99_999;

export function resourceCode(parts: ResourceCodeParts): string {
  const { themeIndex, sequence } = parts;
  if (!Number.isInteger(themeIndex) || themeIndex < 0 || themeIndex > 99) {
    throw new RangeError(`theme class number must be an integer 0-99, got ${themeIndex}`);
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) {
    throw new RangeError(`sequence must be an integer 0-${MAX_SEQUENCE}, got ${sequence}`);
  }
  const orgCode = parts.orgCode.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (!/^[0-9A-Z]+$/.test(orgCode)) {
    throw new RangeError(`organisation code must be letters and digits, got "${parts.orgCode}"`);
  }
  return `${String(themeIndex).padStart(2, '0')}-${orgCode}-${String(sequence).padStart(5, '0')}`;
}

/** The inverse of resourceCode; null when the text is not one. */
export function parseResourceCode(code: string): ResourceCodeParts | null {
  const m = /^(\d{2})-([0-9A-Z]+)-(\d{5})$/.exec(code.trim());
  if (!m) return null;
  return { themeIndex: Number(m[1]), orgCode: m[2]!, sequence: Number(m[3]) };
}
