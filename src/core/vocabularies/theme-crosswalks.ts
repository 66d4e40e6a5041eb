import type { ThemeCode } from './themes.ts';

/**
 * Regional theme names → default theme code, from seed 004 appendix 2 (2021 theme systems).
 * The same subject is named and scoped differently per region (seed 004 §2.2), so imported
 * catalogues are mapped here instead of growing the default taxonomy. Where a regional class
 * straddles two defaults the mapping picks the one its datasets mostly belong to; the notes
 * next to those entries say why. Names with no sensible target (Guangxi's 其他) are left out so
 * the importer has to ask rather than silently file them somewhere.
 */

/** 北京市公共数据开放平台, 20 classes. */
const beijing: Record<string, ThemeCode> = {
  经济建设: 'economy_trade',
  信用服务: 'credit',
  财税金融: 'finance_tax',
  // Tourism sits with leisure in the default scheme (文体休闲), not with commerce.
  旅游住宿: 'culture_sports',
  交通服务: 'transport',
  餐饮美食: 'livelihood',
  医疗健康: 'health',
  文体娱乐: 'culture_sports',
  消费购物: 'livelihood',
  生活安全: 'public_safety',
  // Religious venues and bodies are registered social organisations.
  宗教信仰: 'institutions',
  教育科研: 'education_science',
  社会保障: 'social_security_employment',
  劳动就业: 'social_security_employment',
  生活服务: 'livelihood',
  房屋住宅: 'urban_housing',
  政府机构与社会团体: 'institutions',
  环境与资源保护: 'energy_environment',
  企业服务: 'economy_trade',
  农业农村: 'agriculture',
};

/**
 * 天津市信息资源统一开放平台, 21 classes. Guangxi's scheme reuses most of these names, so the
 * two tables agree on every name they share.
 */
const tianjin: Record<string, ThemeCode> = {
  信用服务: 'credit',
  医疗卫生: 'health',
  社保就业: 'social_security_employment',
  公共安全: 'public_safety',
  城建住房: 'urban_housing',
  交通运输: 'transport',
  // Straddles 教育科技 and 文体休闲; filed under its first-named subject.
  教育文化: 'education_science',
  科技创新: 'education_science',
  资源能源: 'energy_environment',
  生态环境: 'energy_environment',
  // Straddles two defaults: agriculture has its own class, while industry has none (its
  // enterprises fall under 经贸工商 already), so the class goes where half of it has a home.
  工业农业: 'agriculture',
  商贸流通: 'economy_trade',
  财税金融: 'finance_tax',
  安全生产: 'public_safety',
  市场监管: 'market_supervision',
  // 社会救助 (低保, 特困供养) is one pillar of the social-security system.
  社会救助: 'social_security_employment',
  // The default scheme has no justice class; public_safety is the one carrying EU JUST.
  法律服务: 'public_safety',
  生活服务: 'livelihood',
  气象服务: 'geography_meteorology',
  地理空间: 'geography_meteorology',
  机构团体: 'institutions',
};

/** 山东公共数据开放网: the report says 19 classes but lists 20; all 20 are mapped. */
const shandong: Record<string, ThemeCode> = {
  教育科技: 'education_science',
  文化休闲: 'culture_sports',
  地域空间: 'geography_meteorology',
  // Jinan, under the same provincial scheme, writes 地理空间 for 地域空间.
  地理空间: 'geography_meteorology',
  社保就业: 'social_security_employment',
  卫生健康: 'health',
  机构团体: 'institutions',
  城建住房: 'urban_housing',
  经贸工商: 'economy_trade',
  公共安全: 'public_safety',
  市场监督: 'market_supervision',
  交通出行: 'transport',
  气象服务: 'geography_meteorology',
  // General government affairs: organisations and their business, EU GOVE.
  综合政务: 'institutions',
  社会民生: 'livelihood',
  财税金融: 'finance_tax',
  // 安全监督 is work-safety supervision (安监), a public-safety matter, not market regulation.
  安全监督: 'public_safety',
  农业农村: 'agriculture',
  资源环境: 'energy_environment',
  信用服务: 'credit',
  // Enterprise registration is done by the market-supervision administration.
  企业登记监管: 'market_supervision',
};

/** 广西壮族自治区公共数据开放平台, 24 classes (23 mapped; 其他 has no target). */
const guangxi: Record<string, ThemeCode> = {
  工业农业: 'agriculture',
  生态环境: 'energy_environment',
  科技创新: 'education_science',
  教育文化: 'education_science',
  交通运输: 'transport',
  城建住房: 'urban_housing',
  社保就业: 'social_security_employment',
  // Epidemic prevention and return-to-work data (2020-2022) is health data first.
  防疫复工: 'health',
  商业服务: 'economy_trade',
  社会救助: 'social_security_employment',
  生活服务: 'livelihood',
  医疗卫生: 'health',
  法律服务: 'public_safety',
  资源能源: 'energy_environment',
  财税金融: 'finance_tax',
  商贸流通: 'economy_trade',
  团体机构: 'institutions',
  公共安全: 'public_safety',
  地理空间: 'geography_meteorology',
  气象服务: 'geography_meteorology',
  市场监督: 'market_supervision',
  安全生产: 'public_safety',
  信用服务: 'credit',
};

export const themeCrosswalks: Record<
  'beijing' | 'tianjin' | 'shandong' | 'guangxi',
  Record<string, string>
> = {
  beijing,
  tianjin,
  shandong,
  guangxi,
};
