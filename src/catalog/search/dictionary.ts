/**
 * Government vocabulary jieba's general dictionary does not know as single words. Kept whole,
 * a query for 统一社会信用代码 matches that term rather than 统一 & 社会 & 信用 & 代码 scattered
 * over a description; cutForSearch still emits the shorter words inside, so 信用代码 finds it too.
 */
export const governmentTerms: readonly string[] = [
  '社保',
  '医保',
  '公积金',
  '住房公积金',
  '不动产',
  '不动产登记',
  '不动产权',
  '统一社会信用代码',
  '信用代码',
  '身份证号',
  '身份证号码',
  '公民身份号码',
  '医疗机构',
  '营业执照',
  '行政许可',
  '行政处罚',
  '行政确认',
  '双公示',
  '政务服务',
  '数据开放',
  '数据共享',
  '共享交换',
  '市场主体',
  '低保',
  '最低生活保障',
  '特困供养',
  '失信被执行人',
  '守信激励',
  '排污许可',
  '环境影响评价',
  '环评',
  '施教区',
  '义务教育',
  '校外培训',
  '养老机构',
  '婚姻登记',
  '殡葬服务',
  '社会组织',
  '预防接种',
  '传染病',
  '门急诊',
  '出租车',
  '网约车',
  '公交线路',
  '停车场',
  '接处警',
  '避难场所',
  '非物质文化遗产',
  '非遗',
  '农产品',
  '专业合作社',
  '家庭农场',
  '土地承包经营权',
  '地质灾害',
  '商品房预售',
  '高新技术企业',
  '规模以上',
  '可支配收入',
  '常住人口',
  '地区生产总值',
  '一般公共预算',
];

/**
 * Words people type and the words catalogues write for the same thing. A query word expands to
 * its whole group, so 医院 also finds 医疗机构名录. Small on purpose: each pair is a judgement
 * an editor can defend, not a thesaurus.
 */
export const synonymGroups: readonly (readonly string[])[] = [
  ['医院', '医疗机构'],
  ['社保', '社会保险'],
  ['医保', '医疗保险'],
  ['身份证号', '身份证号码', '公民身份号码'],
  ['低保', '最低生活保障'],
  ['公交', '公共交通'],
  ['房产', '不动产'],
  ['环评', '环境影响评价'],
  ['非遗', '非物质文化遗产'],
  ['营业执照', '企业登记'],
];

/** Single characters that carry no meaning in a query (的, 和 …) and would only narrow it. */
export const queryStopChars: ReadonlySet<string> = new Set([
  '的',
  '了',
  '和',
  '与',
  '及',
  '或',
  '在',
  '是',
  '之',
  '等',
  '把',
  '被',
]);

const synonymIndex = new Map<string, readonly string[]>();
for (const group of synonymGroups) for (const word of group) synonymIndex.set(word, group);

/** The word itself first, then the other members of its synonym group. */
export function synonymsOf(word: string): string[] {
  const group = synonymIndex.get(word);
  return group ? [word, ...group.filter((w) => w !== word)] : [word];
}

/** jieba's user-dictionary format: `word frequency`, one a line; a high frequency keeps the word whole. */
export function userDictionary(): Uint8Array {
  const words = new Set([...governmentTerms, ...synonymGroups.flat()]);
  return new TextEncoder().encode([...words].map((w) => `${w} 100000 n`).join('\n') + '\n');
}
