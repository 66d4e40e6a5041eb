import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UpdateFrequency } from '../../src/core/types.ts';
import {
  findTerm,
  formats,
  getVocabulary,
  licences,
  normaliseUpdateFrequency,
  openTiers,
  parseResourceCode,
  pinyinInitials,
  resourceCode,
  shareTiers,
  slugify,
  themeCrosswalks,
  themeIndex,
  themes,
  updateFrequencies,
  vocabularies,
  type Vocabulary,
} from '../../src/core/vocabularies/index.ts';

const codes = (v: Vocabulary) => v.terms.map((t) => t.code);

describe('vocabulary shapes', () => {
  it('registers every vocabulary under its name', () => {
    assert.deepEqual(Object.keys(vocabularies).sort(), [
      'formats',
      'licences',
      'open-tiers',
      'share-tiers',
      'themes',
      'update-frequencies',
    ]);
    for (const [name, v] of Object.entries(vocabularies)) assert.equal(v.name, name);
    assert.equal(getVocabulary('themes'), themes);
    assert.equal(getVocabulary('nope'), undefined);
    assert.equal(getVocabulary('constructor'), undefined);
  });

  it('has unique codes and bilingual labels everywhere', () => {
    for (const v of Object.values(vocabularies)) {
      assert.equal(new Set(codes(v)).size, v.terms.length, v.name);
      for (const t of v.terms) {
        assert.ok(t.label.zh && t.label.en, `${v.name}:${t.code}`);
      }
    }
  });

  it('never lets one alias name two terms of the same vocabulary', () => {
    for (const v of Object.values(vocabularies)) {
      const seen = new Map<string, string>();
      for (const t of v.terms) {
        for (const a of t.aliases ?? []) {
          const k = a.toLowerCase();
          assert.ok(
            !seen.has(k) || seen.get(k) === t.code,
            `${v.name}: alias ${a} on ${seen.get(k)} and ${t.code}`,
          );
          seen.set(k, t.code);
        }
      }
    }
  });

  it('uses the EU access-right and frequency URIs', () => {
    const uri = (v: Vocabulary, c: string) => v.terms.find((t) => t.code === c)?.uri;
    assert.equal(
      uri(openTiers, 'unconditional'),
      'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
    );
    assert.equal(
      uri(openTiers, 'conditional'),
      'http://publications.europa.eu/resource/authority/access-right/RESTRICTED',
    );
    assert.equal(
      uri(openTiers, 'not_open'),
      'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC',
    );
    const eu: Record<UpdateFrequency, string> = {
      realtime: 'CONT',
      daily: 'DAILY',
      weekly: 'WEEKLY',
      monthly: 'MONTHLY',
      quarterly: 'QUARTERLY',
      semiannual: 'ANNUAL_2',
      annual: 'ANNUAL',
      irregular: 'IRREG',
      never: 'NEVER',
    };
    assert.deepEqual(codes(updateFrequencies), Object.keys(eu));
    for (const [code, suffix] of Object.entries(eu)) {
      assert.equal(
        uri(updateFrequencies, code),
        `http://publications.europa.eu/resource/authority/frequency/${suffix}`,
      );
    }
    assert.deepEqual(codes(shareTiers), ['unconditional', 'conditional', 'not_shared']);
  });
});

describe('findTerm', () => {
  it('matches codes case-insensitively and trims', () => {
    assert.equal(findTerm(openTiers, '  UNCONDITIONAL ')?.code, 'unconditional');
    assert.equal(findTerm(formats, 'csv')?.code, 'CSV');
    assert.equal(findTerm(formats, 'GeoJSON')?.code, 'GEOJSON');
  });

  it('matches Chinese and English labels', () => {
    assert.equal(findTerm(openTiers, '有条件开放')?.code, 'conditional');
    assert.equal(findTerm(shareTiers, '不予共享')?.code, 'not_shared');
    assert.equal(findTerm(openTiers, 'not open')?.code, 'not_open');
    assert.equal(findTerm(themes, '教育科技')?.code, 'education_science');
    assert.equal(findTerm(updateFrequencies, 'semi-annual')?.code, 'semiannual');
  });

  it("maps Fujian's tiers through aliases", () => {
    assert.equal(findTerm(openTiers, '普遍开放')?.code, 'unconditional');
    assert.equal(findTerm(openTiers, '依申请开放')?.code, 'conditional');
  });

  it('finds themes by other regions’ names', () => {
    assert.equal(findTerm(themes, '卫生健康')?.code, 'health');
    assert.equal(findTerm(themes, '交通运输')?.code, 'transport');
    assert.equal(findTerm(themes, '政府机构与社会团体')?.code, 'institutions');
  });

  it('returns undefined for blanks and strangers', () => {
    assert.equal(findTerm(openTiers, ''), undefined);
    assert.equal(findTerm(openTiers, '   '), undefined);
    assert.equal(findTerm(themes, '其他'), undefined);
  });

  it('folds full-width input typed with a Chinese IME', () => {
    assert.equal(findTerm(formats, 'ＣＳＶ')?.code, 'CSV');
  });
});

describe('normaliseUpdateFrequency', () => {
  const cases: Record<UpdateFrequency, string[]> = {
    annual: [
      '一年',
      '年度',
      '年底',
      '每年年底',
      '按年',
      '年更',
      '每年',
      'annual',
      'Annually',
      '每年12月更新',
      '一年一次',
      '12个月',
    ],
    irregular: ['不定时', '不固定', '不定期更新', '根据需要', '不定期', '按需更新', 'irregular'],
    realtime: ['实时', '实时更新', '动态', '每小时', 'realtime', 'Real-time'],
    daily: ['每天', '日更', '按日', '每个工作日', '每日', '周一至周五每天更新', 'daily'],
    weekly: ['每周', '周更', '按周', '每周一', 'Weekly'],
    monthly: ['每月', '月度', '按月', '月底', '每月15日', '更新周期：每月', '2019年起每月更新'],
    quarterly: ['每季', '季度', '按季度', '每季度', '三个月', '每3个月', '一年四次'],
    semiannual: ['半年', '每半年', '半年度', '每6个月', '一年两次', 'semiannual'],
    never: ['不更新', '无', '一次性', '历史数据', '停止更新', 'never'],
  };
  for (const [code, phrases] of Object.entries(cases)) {
    for (const phrase of phrases) {
      it(`"${phrase}" → ${code}`, () => assert.equal(normaliseUpdateFrequency(phrase), code));
    }
  }

  // Wording the vocabulary cannot represent, or that names a date rather than a cycle.
  for (const phrase of ['', '   ', '看情况吧', '每两年', '每两周', '2019年', '3月', 'n/a']) {
    it(`"${phrase}" → null`, () => assert.equal(normaliseUpdateFrequency(phrase), null));
  }
});

describe('themes', () => {
  const expected = [
    ['culture_sports', '文体休闲'],
    ['education_science', '教育科技'],
    ['energy_environment', '能源环境'],
    ['transport', '道路交通'],
    ['livelihood', '民生服务'],
    ['health', '医疗卫生'],
    ['public_safety', '公共安全'],
    ['agriculture', '农业农村'],
    ['institutions', '机构团体'],
    ['finance_tax', '财税金融'],
    ['social_security_employment', '社保就业'],
    ['economy_trade', '经贸工商'],
    ['credit', '信用服务'],
    ['urban_housing', '城建住房'],
    ['geography_meteorology', '地理气象'],
    ['market_supervision', '市场监察'],
  ];

  it('lists the 16 default classes in report order', () => {
    assert.deepEqual(
      themes.terms.map((t) => [t.code, t.label.zh]),
      expected,
    );
  });

  it('gives every theme an EU data theme', () => {
    for (const t of themes.terms) {
      assert.match(
        String(t.euTheme),
        /^http:\/\/publications\.europa\.eu\/resource\/authority\/data-theme\/[A-Z_]+$/,
        t.code,
      );
    }
    const eu = (c: string) =>
      String(themes.terms.find((t) => t.code === c)?.euTheme)
        .split('/')
        .pop();
    assert.equal(eu('transport'), 'TRAN');
    assert.equal(eu('health'), 'HEAL');
    assert.equal(eu('public_safety'), 'JUST');
    assert.equal(eu('agriculture'), 'AGRI');
    assert.equal(eu('institutions'), 'GOVE');
  });

  it('numbers classes from 1 and returns 0 for unknown ones', () => {
    assert.equal(themeIndex('culture_sports'), 1);
    assert.equal(themeIndex('livelihood'), 5);
    assert.equal(themeIndex('market_supervision'), 16);
    assert.equal(themeIndex('教育科技'), 2);
    assert.equal(themeIndex('no_such_theme'), 0);
    assert.equal(themeIndex(''), 0);
  });
});

describe('themeCrosswalks', () => {
  const themeCodes = new Set(codes(themes));

  it('maps every regional name to a default theme', () => {
    for (const [region, table] of Object.entries(themeCrosswalks)) {
      for (const [name, code] of Object.entries(table)) {
        assert.ok(themeCodes.has(code), `${region}: ${name} → ${code}`);
      }
    }
  });

  it('covers the appendix-2 lists (Guangxi 其他 excepted)', () => {
    assert.equal(Object.keys(themeCrosswalks.beijing).length, 20);
    assert.equal(Object.keys(themeCrosswalks.tianjin).length, 21);
    assert.ok(Object.keys(themeCrosswalks.shandong).length >= 20);
    assert.equal(Object.keys(themeCrosswalks.guangxi).length, 23);
    assert.equal(themeCrosswalks.guangxi['其他'], undefined);
  });

  it('maps known examples', () => {
    assert.equal(themeCrosswalks.beijing['医疗健康'], 'health');
    assert.equal(themeCrosswalks.beijing['政府机构与社会团体'], 'institutions');
    assert.equal(themeCrosswalks.beijing['环境与资源保护'], 'energy_environment');
    assert.equal(themeCrosswalks.tianjin['交通运输'], 'transport');
    assert.equal(themeCrosswalks.tianjin['市场监管'], 'market_supervision');
    assert.equal(themeCrosswalks.shandong['交通出行'], 'transport');
    assert.equal(themeCrosswalks.shandong['地域空间'], 'geography_meteorology');
    assert.equal(themeCrosswalks.guangxi['团体机构'], 'institutions');
    assert.equal(themeCrosswalks.guangxi['防疫复工'], 'health');
  });

  it('agrees with the theme aliases', () => {
    for (const table of Object.values(themeCrosswalks)) {
      for (const [name, code] of Object.entries(table))
        assert.equal(findTerm(themes, name)?.code, code, name);
    }
  });
});

describe('formats', () => {
  const required = [
    'CSV',
    'XLSX',
    'XLS',
    'JSON',
    'NDJSON',
    'XML',
    'RDF',
    'TTL',
    'JSONLD',
    'PDF',
    'DOC',
    'DOCX',
    'SHP',
    'GEOJSON',
    'KML',
    'ZIP',
    'API',
    'PARQUET',
    'TXT',
    'HTML',
  ];

  it('includes every required format with upper-case codes', () => {
    for (const code of required) assert.ok(findTerm(formats, code)?.code === code, code);
    for (const t of formats.terms) assert.equal(t.code, t.code.toUpperCase());
  });

  it('gives every format its flags and a media type', () => {
    for (const t of formats.terms) {
      assert.equal(typeof t.machineReadable, 'boolean', t.code);
      assert.equal(typeof t.nonProprietary, 'boolean', t.code);
      assert.match(String(t.mediaType), /^[a-z]+\/[a-z0-9.+-]+$/, t.code);
    }
  });

  it('classifies the landmark formats', () => {
    const f = (c: string) => findTerm(formats, c)!;
    assert.equal(f('CSV').machineReadable && f('CSV').nonProprietary, true);
    assert.equal(f('XLS').machineReadable, true);
    assert.equal(f('XLS').nonProprietary, false);
    assert.equal(f('PDF').machineReadable, false);
    assert.equal(f('DOC').machineReadable, false);
    assert.equal(f('JSONLD').mediaType, 'application/ld+json');
    assert.equal(f('TTL').mediaType, 'text/turtle');
    assert.equal(f('.xlsx').code, 'XLSX');
  });
});

describe('licences', () => {
  it('has the open-government default and the conditional agreement', () => {
    assert.equal(findTerm(licences, 'gov-open')?.label.zh, '政府数据开放授权协议');
    assert.equal(findTerm(licences, '有条件开放数据使用协议')?.code, 'conditional-agreement');
    assert.equal(
      licences.terms
        .filter((t) => t.default === true)
        .map((t) => t.code)
        .join(),
      'gov-open',
    );
  });

  it('links the standard licences', () => {
    assert.equal(findTerm(licences, 'cc-by-4.0')?.uri, 'https://creativecommons.org/licenses/by/4.0/');
    assert.equal(findTerm(licences, 'CC0')?.code, 'cc0-1.0');
    for (const code of ['cc-by-4.0', 'cc0-1.0', 'odc-by', 'odbl'])
      assert.ok(findTerm(licences, code)?.uri, code);
  });
});

describe('resourceCode', () => {
  it('formats class, provider and padded sequence', () => {
    assert.equal(
      resourceCode({ themeIndex: 5, orgCode: '11330100MB0123456X', sequence: 12 }),
      '05-11330100MB0123456X-00012',
    );
    assert.equal(resourceCode({ themeIndex: 16, orgCode: 'abc', sequence: 99999 }), '16-ABC-99999');
    assert.equal(
      resourceCode({ themeIndex: themeIndex('transport'), orgCode: 'MB0123456-X', sequence: 1 }),
      '04-MB0123456X-00001',
    );
  });

  it('is deterministic and round-trips', () => {
    const parts = { themeIndex: 2, orgCode: '11330100MB0123456X', sequence: 7 };
    const code = resourceCode(parts);
    assert.equal(resourceCode(parts), code);
    assert.deepEqual(parseResourceCode(code), parts);
    assert.equal(parseResourceCode('not-a-code'), null);
  });

  it('rejects parts that would break the layout', () => {
    assert.throws(() => resourceCode({ themeIndex: 100, orgCode: 'X', sequence: 1 }), RangeError);
    assert.throws(() => resourceCode({ themeIndex: 1, orgCode: 'X', sequence: 100000 }), RangeError);
    assert.throws(() => resourceCode({ themeIndex: 1, orgCode: 'X', sequence: 1.5 }), RangeError);
    assert.throws(() => resourceCode({ themeIndex: 1, orgCode: '', sequence: 1 }), RangeError);
    assert.throws(() => resourceCode({ themeIndex: 1, orgCode: '单位', sequence: 1 }), RangeError);
  });
});

describe('slugify and pinyinInitials', () => {
  it('turns Chinese titles into pinyin slugs', () => {
    assert.equal(slugify('住房公积金缴存'), 'zhu-fang-gong-ji-jin-jiao-cun');
    assert.equal(slugify('2024年重庆市空气质量'), '2024-nian-chong-qing-shi-kong-qi-zhi-liang');
    assert.equal(slugify('绿色出行'), 'lv-se-chu-xing');
    assert.equal(slugify('（北京）数据，清单—v2'), 'bei-jing-shu-ju-qing-dan-v2');
  });

  it('keeps English words', () => {
    assert.equal(slugify('Air Quality 2024'), 'air-quality-2024');
    assert.equal(slugify('  École été  '), 'ecole-ete');
  });

  it('never returns an empty slug and caps the length at a word boundary', () => {
    assert.equal(slugify(''), 'dataset');
    assert.equal(slugify('——！！'), 'dataset');
    const long = slugify('住房公积金缴存'.repeat(10));
    assert.ok(long.length <= 80, String(long.length));
    assert.match(long, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok('zhu-fang-gong-ji-jin-jiao-cun-'.repeat(10).startsWith(long + '-'));
  });

  it('produces pinyin initials for search', () => {
    assert.equal(pinyinInitials('住房公积金'), 'zfgjj');
    assert.equal(pinyinInitials('重庆 空气'), 'cqkq');
    assert.equal(pinyinInitials('2024年GDP'), '2024ngdp');
    assert.equal(pinyinInitials(''), '');
  });
});
