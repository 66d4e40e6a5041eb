/**
 * Column headers that name identifiers: the values are codes, never quantities, so the column is
 * kept as text whatever its values look like (身份证号 with 18 digits, 邮编 with a leading zero, a
 * 手机 number that would otherwise become an integer). Kept as data so an installation's own
 * vocabulary can be added without touching the rules; matched against the header with spaces and
 * case removed, Chinese words anywhere in it, Latin words as whole words.
 */
export const IDENTIFIER_HEADERS: readonly string[] = [
  '身份证号',
  '身份证',
  '证件号码',
  '证件号',
  '护照号',
  '银行卡号',
  '银行账号',
  '卡号',
  '账号',
  '帐号',
  '账户',
  '统一社会信用代码',
  '信用代码',
  '组织机构代码',
  '纳税人识别号',
  '税号',
  '注册号',
  '营业执照号',
  '许可证号',
  '证书编号',
  '邮编',
  '邮政编码',
  '电话',
  '手机',
  '传真',
  '联系方式',
  '区号',
  '行政区划代码',
  '区划代码',
  '工号',
  '学号',
  '车牌',
  '车架号',
  'id card',
  'idcard',
  'account',
  'phone',
  'mobile',
  'tel',
  'fax',
  'zip',
  'zipcode',
  'postcode',
  'iban',
];

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_\-.]+/g, ' ')
    .trim();

const latin = IDENTIFIER_HEADERS.filter((h) => /^[a-z ]+$/i.test(h)).map(words);
const chinese = IDENTIFIER_HEADERS.filter((h) => !/^[a-z ]+$/i.test(h));

/** True when a column's header says it holds identifiers. */
export function isIdentifierHeader(name: string): boolean {
  const compact = name.replace(/\s+/g, '');
  if (chinese.some((h) => compact.includes(h))) return true;
  const w = ` ${words(name)} `;
  return latin.some((h) => w.includes(` ${h} `));
}

/**
 * Column headers that name dates: a column of eight-digit numbers under one (登记日期: 20230501)
 * is read as dates, and reported.
 */
export const DATE_HEADERS: readonly string[] = ['日期', '时间', '生日', '出生年月', '年月日', 'date', 'day'];

const dateLatin = DATE_HEADERS.filter((h) => /^[a-z ]+$/i.test(h));
const dateChinese = DATE_HEADERS.filter((h) => !/^[a-z ]+$/i.test(h));

/** True when a column's header says it holds dates. */
export function isDateHeader(name: string): boolean {
  const compact = name.replace(/\s+/g, '');
  if (dateChinese.some((h) => compact.includes(h))) return true;
  const w = ` ${words(name)} `;
  return dateLatin.some((h) => w.includes(` ${h} `));
}
