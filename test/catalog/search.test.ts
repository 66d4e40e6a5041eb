import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createLogger,
  loadConfig,
  migrate,
  openDatabase,
  sql,
  type Context,
} from '../../src/platform/index.ts';
import { actorOf, countAudit, createUser } from '../../src/identity/index.ts';
import {
  createDataset,
  createOrganisation,
  listDatasets,
  reindexAll,
  type DatasetFilter,
} from '../../src/catalog/index.ts';
import { searchPartitions } from '../../src/catalog/search/index.ts';
import { parseQuery } from '../../src/catalog/search/query.ts';
import { highlight } from '../../src/catalog/search/highlight.ts';
import { indexTerms, pinyinTerms } from '../../src/catalog/search/terms.ts';
import { bigramChain } from '../../src/text/index.ts';
import { freshDatabase, onEachDatabase } from '../helpers/db.ts';
import { datasetBody, orgBody, startServer, type TestServer } from '../helpers/app.ts';

describe('search: segmentation, queries and highlighting', () => {
  test('documents carry jieba words, the domain dictionary and Han bigram chains', () => {
    const terms = indexTerms('住房公积金缴存情况').split(' ');
    for (const t of ['住房公积金', '公积金', '缴存', '公积', '积金', '房公']) assert.ok(terms.includes(t), t);
    assert.ok(
      indexTerms('统一社会信用代码').split(' ').includes('统一社会信用代码'),
      'domain term kept whole',
    );
    assert.deepEqual(bigramChain('公积金'), ['公积', '积金', '金']);
    assert.match(pinyinTerms('住房公积金缴存情况'), /\bgongjijin gjj\b.*\bzhufanggongjijin zfgjj\b/);
  });

  test('a query is words that must all match; long words also match as their bigrams', () => {
    const q = parseQuery('住房公积金 缴存');
    assert.equal(q.document, `('住房公积金' | '住房' & '房公' & '公积' & '积金') & '缴存'`);
    assert.equal(parseQuery('医院').document, `('医院' | ('医疗机构' | '医疗' & '疗机' & '机构'))`);
    assert.deepEqual(
      parseQuery('医院').groups,
      [['医院', '医疗机构']],
      'ranking looks for the word as typed, then its synonyms',
    );
    assert.equal(parseQuery('药').document, `'药':*`);
    assert.equal(parseQuery('gjj').document, `'gjj':*`);
    assert.equal(parseQuery('的').document, null, 'a stop character alone is no query');
    assert.equal(parseQuery("'); DROP TABLE dataset; --").document, `'drop':* & 'table':* & 'dataset':*`);
    const f = parseQuery('field:身份证号 名录', ['统一社会信用代码']);
    assert.equal(f.document, `'名录'`);
    assert.match(f.fields!, /身份证号.*统一社会信用代码/);
  });

  test('highlighting escapes everything but its own <mark>', () => {
    const h = highlight(parseQuery('公积金'), '<script>alert(1)</script>公积金 & "测试"', '住房公积金缴存');
    assert.equal(h.title, '&lt;script&gt;alert(1)&lt;/script&gt;<mark>公积金</mark> &amp; &quot;测试&quot;');
    assert.equal(h.description, '住房<mark>公积金</mark>缴存');
    assert.equal(
      highlight(parseQuery('gjj'), '住房公积金缴存情况', '').title,
      '住房<mark>公积金</mark>缴存情况',
    );
    const long = `${'甲'.repeat(300)}公积金${'乙'.repeat(300)}`;
    const snippet = highlight(parseQuery('公积金'), 'x', long).description;
    assert.ok(
      snippet.startsWith('…') && snippet.endsWith('…') && snippet.includes('<mark>公积金</mark>'),
      snippet.slice(0, 60),
    );
    assert.ok(snippet.length < 200);
  });
});

type Created = { id: string; slug: string; code: string; title: string };

onEachDatabase('search API', (kind) => {
  let s: TestServer;
  let admin: { token: string };
  let gjjStaff: { token: string };
  let citizen: { token: string };
  const org: Record<'gjj' | 'wjw' | 'county', { id: string; orgCode: string }> = {} as never;
  const ds: Record<string, Created> = {};

  const titles = (r: { body: { items: { title: string }[] } }) => r.body.items.map((d) => d.title);
  const get = (path: string, token?: string) => s.call('GET', path, { token });
  const search = (query: string, token?: string) => get(`/api/v1/datasets?${query}`, token);

  async function make(
    key: string,
    orgKey: keyof typeof org,
    extra: Record<string, unknown>,
    opts: { publish?: boolean; formats?: string[] } = {},
  ) {
    const r = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: datasetBody(org[orgKey].id, { description: '', tags: [], fields: [], ...extra }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    for (const format of opts.formats ?? []) {
      const d = await s.call('POST', `/api/v1/datasets/${r.body.id}/distributions`, {
        token: admin.token,
        body: { title: `${extra.title}（${format}）`, format },
      });
      assert.equal(d.status, 201, JSON.stringify(d.body));
    }
    if (opts.publish !== false)
      assert.equal(
        (await s.call('POST', `/api/v1/datasets/${r.body.id}/publish`, { token: admin.token })).status,
        200,
      );
    ds[key] = r.body;
  }

  before(async () => {
    s = await startServer(kind);
    admin = await s.userWithToken('sysadmin');
    const mkOrg = async (key: keyof typeof org, n: number, extra: Record<string, unknown>) => {
      const r = await s.call('POST', '/api/v1/organisations', {
        token: admin.token,
        body: orgBody(n, extra),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      org[key] = r.body;
    };
    await mkOrg('gjj', 1, { name: '明州市住房公积金管理中心' });
    await mkOrg('wjw', 2, { name: '明州市卫生健康委员会' });
    await mkOrg('county', 3, { name: '鹿城区市场监督管理局', regionCode: '339901', adminLevel: 'county' });
    gjjStaff = await s.userWithToken('department', org.gjj.id);
    citizen = await s.userWithToken('public');

    const field = (name: string, title: string, extra: Record<string, unknown> = {}) => ({
      name,
      title,
      type: 'string',
      ...extra,
    });
    await make(
      'deposits',
      'gjj',
      {
        title: '住房公积金缴存情况',
        description: '本市住房公积金缴存单位数、缴存人数和缴存金额的月度统计。',
        tags: ['公积金', '住房'],
        themes: ['urban_housing'],
        updateFrequency: '每月',
        fields: [field('month', '月份'), field('payers', '缴存人数'), field('amount', '缴存金额')],
      },
      { formats: ['CSV'] },
    );
    await make(
      'loans',
      'gjj',
      {
        title: '住房公积金个人贷款发放情况',
        description: '个人住房贷款的发放笔数和发放金额。',
        tags: ['公积金', '贷款'],
        themes: ['urban_housing'],
        updateFrequency: '每季度',
        openTier: 'conditional',
        openConditions: '签署数据使用协议',
        fields: [field('quarter', '季度'), field('loans', '发放笔数')],
      },
      { formats: ['XLSX'] },
    );
    await make(
      'clinics',
      'wjw',
      {
        title: '医疗机构名录',
        description: '全市各级各类医疗机构的名称、地址和执业许可信息。',
        tags: ['卫生', '名录'],
        themes: ['health'],
        updateFrequency: '不定期',
        fields: [
          field('name', '机构名称'),
          field('credit_code', '统一社会信用代码'),
          field('address', '地址'),
        ],
      },
      { formats: ['CSV', 'JSON'] },
    );
    await make(
      'hospitalVisits',
      'wjw',
      {
        title: '医院门急诊服务量统计',
        description: '各医院门诊和急诊人次的月度统计。',
        tags: ['医院', '统计'],
        themes: ['health'],
        updateFrequency: '每月',
        fields: [field('hospital', '医院名称'), field('visits', '门急诊人次', { type: 'integer' })],
      },
      { formats: ['XLSX'] },
    );
    await make(
      'foodLicences',
      'county',
      {
        title: '食品经营许可信息',
        description: '食品经营许可证的发证信息。',
        tags: ['食品', '许可'],
        themes: ['market_supervision'],
        updateFrequency: '每日',
        fields: [
          field('holder', '经营者名称'),
          field('credit_code', '统一社会信用代码'),
          field('id_card_no', '负责人身份证号', { personal: true }),
        ],
      },
      { formats: ['JSON'] },
    );
    await make('hostile', 'county', {
      title: '<script>alert(1)</script>公积金 & "测试"',
      description: '用于检查转义的<b>数据集</b>。',
      tags: ['测试'],
      themes: ['institutions'],
      updateFrequency: '不更新',
    });
    await make('notOpen', 'wjw', {
      title: '法定传染病个案报告信息',
      description: '传染病病例的个案报告，含患者身份信息。',
      tags: ['传染病'],
      themes: ['health'],
      openTier: 'not_open',
      notOpenReason: '涉及个人隐私',
      notOpenLegalBasis: '《中华人民共和国个人信息保护法》第二十八条',
      shareTier: 'conditional',
      shareConditions: '限疾病防控业务使用',
      updateFrequency: '实时',
      fields: [
        field('patient', '患者姓名', { personal: true }),
        field('id_card_no', '身份证号', { personal: true }),
      ],
    });
    await make(
      'draft',
      'gjj',
      {
        title: '公积金内部核对草稿',
        description: '内部核对用的草稿。',
        tags: ['公积金'],
        themes: ['urban_housing'],
        updateFrequency: '每月',
      },
      { publish: false },
    );
  });
  after(() => s.close());

  test('Chinese words find their datasets, best match first', async () => {
    const r = await search(`q=${encodeURIComponent('公积金')}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      titles(r).sort(),
      ['<script>alert(1)</script>公积金 & "测试"', '住房公积金个人贷款发放情况', '住房公积金缴存情况'].sort(),
    );
    assert.equal(r.body.total, 3);
    assert.equal(r.body.didYouMean, null);
    const precise = await search(`q=${encodeURIComponent('住房公积金缴存')}`);
    assert.deepEqual(titles(precise), ['住房公积金缴存情况']);
    // 医院 is a synonym of 医疗机构; the dataset with 医院 in its title ranks first.
    const hospitals = await search(`q=${encodeURIComponent('医院')}`);
    assert.deepEqual(titles(hospitals), ['医院门急诊服务量统计', '医疗机构名录']);
    // Title over tags over description: 名录 is in 医疗机构名录's title and tags.
    const directory = await search(`q=${encodeURIComponent('名录')}`);
    assert.equal(titles(directory)[0], '医疗机构名录');
    // A word in the description alone still finds the dataset, ranked after title matches.
    const perMonth = await search(`q=${encodeURIComponent('月度')}`);
    assert.deepEqual(titles(perMonth).sort(), ['住房公积金缴存情况', '医院门急诊服务量统计'].sort());
    // The publisher's name is searched too.
    const byPublisher = await search(`q=${encodeURIComponent('卫生健康委员会')}`);
    assert.deepEqual(titles(byPublisher).sort(), ['医疗机构名录', '医院门急诊服务量统计'].sort());
  });

  test('partial words, pinyin, initials and typos', async () => {
    for (const partial of ['公积', '积金', '房公积']) {
      const r = await search(`q=${encodeURIComponent(partial)}`);
      assert.ok(titles(r).includes('住房公积金缴存情况'), `${partial}: ${titles(r)}`);
    }
    assert.deepEqual(titles(await search(`q=${encodeURIComponent('医疗机')}`)), ['医疗机构名录']);
    assert.ok(
      titles(await search(`q=${encodeURIComponent('疗')}`)).includes('医疗机构名录'),
      'one character is a prefix over bigrams',
    );
    const gjj = await search('q=gjj');
    assert.deepEqual(
      titles(gjj).sort(),
      ['<script>alert(1)</script>公积金 & "测试"', '住房公积金个人贷款发放情况', '住房公积金缴存情况'].sort(),
    );
    const deposits = gjj.body.items.find((d: { title: string }) => d.title === '住房公积金缴存情况');
    assert.equal(deposits.highlight.title, '住房<mark>公积金</mark>缴存情况');
    assert.ok(titles(await search('q=gongjijin')).includes('住房公积金缴存情况'));
    assert.deepEqual(titles(await search('q=ylj')), ['医疗机构名录'], 'initials of 医疗机构');
    // Pinyin with a slip is read as meant, and the correction is said.
    const typo = await search('q=gongjjin');
    assert.deepEqual(
      titles(typo).sort(),
      ['<script>alert(1)</script>公积金 & "测试"', '住房公积金个人贷款发放情况', '住房公积金缴存情况'].sort(),
    );
    assert.equal(typo.body.didYouMean, '公积金');
    const longer = await search('q=zhufanggongjjin');
    assert.equal(longer.body.didYouMean, '住房公积金');
    assert.equal(longer.body.total, 2);
    assert.equal((await search('q=gongjiao')).body.total, 0, 'a different word is not a typo');
    const noResult = await search(`q=${encodeURIComponent('公鸡金')}`);
    assert.equal(noResult.body.total, 0);
    assert.equal(noResult.body.didYouMean, '公积金');
    assert.equal((await search('q=qwxzvbnm')).body.didYouMean, null, 'nothing near: no suggestion');
  });

  test('field search: field:名称 in q, or fields=', async () => {
    const byField = await search(`q=${encodeURIComponent('field:统一社会信用代码')}`);
    assert.deepEqual(titles(byField).sort(), ['医疗机构名录', '食品经营许可信息']);
    const byName = await search(`q=${encodeURIComponent('field:credit_code')}`);
    assert.equal(byName.body.total, 2);
    const param = await search(`fields=${encodeURIComponent('统一社会信用代码，地址')}`);
    assert.deepEqual(titles(param), ['医疗机构名录'], 'every listed field must be present');
    const combined = await search(`q=${encodeURIComponent('食品 字段:身份证号')}`);
    assert.deepEqual(titles(combined), ['食品经营许可信息']);
    // 身份证号 is also a field of the unopened dataset, which the public never finds.
    assert.deepEqual(titles(await search(`q=${encodeURIComponent('field:身份证号')}`)), ['食品经营许可信息']);
    assert.deepEqual(titles(await search(`q=${encodeURIComponent('field:身份证号')}`, admin.token)).sort(), [
      '法定传染病个案报告信息',
      '食品经营许可信息',
    ]);
  });

  test('filters narrow and facets count exactly what each choice would give', async () => {
    const all = await search('');
    assert.equal(all.body.total, 6, 'the draft and the unopened dataset are not listed for the public');
    const f = all.body.facets;
    assert.deepEqual(f.openTier, [
      { value: 'unconditional', count: 5 },
      { value: 'conditional', count: 1 },
    ]);
    assert.deepEqual(f.format, [
      { value: 'CSV', count: 2 },
      { value: 'JSON', count: 2 },
      { value: 'XLSX', count: 2 },
    ]);
    assert.deepEqual(f.region, [
      { value: '339900', count: 4 },
      { value: '339901', count: 2 },
    ]);
    assert.deepEqual(f.adminLevel, [
      { value: 'prefecture', count: 4 },
      { value: 'county', count: 2 },
    ]);
    assert.deepEqual(f.theme, [
      { value: 'health', count: 2 },
      { value: 'urban_housing', count: 2 },
      { value: 'institutions', count: 1 },
      { value: 'market_supervision', count: 1 },
    ]);
    assert.deepEqual(
      f.org,
      [
        { value: org.county.orgCode, count: 2 },
        { value: org.gjj.orgCode, count: 2 },
        { value: org.wjw.orgCode, count: 2 },
      ].sort((a, b) => (a.value < b.value ? -1 : 1)),
    );
    assert.deepEqual(f.updateFrequency, [
      { value: 'monthly', count: 2 },
      { value: 'daily', count: 1 },
      { value: 'irregular', count: 1 },
      { value: 'never', count: 1 },
      { value: 'quarterly', count: 1 },
    ]);

    const csv = await search('format=csv');
    assert.deepEqual(titles(csv).sort(), ['住房公积金缴存情况', '医疗机构名录']);
    assert.equal(csv.body.facets.format.length, 3, 'a facet ignores its own filter');
    assert.deepEqual(csv.body.facets.region, [{ value: '339900', count: 2 }]);
    const county = await search('adminLevel=county');
    assert.deepEqual(titles(county).sort(), ['<script>alert(1)</script>公积金 & "测试"', '食品经营许可信息']);
    assert.deepEqual(
      county.body.facets.adminLevel.map((x: { value: string }) => x.value),
      ['prefecture', 'county'],
    );
    assert.equal((await search('region=339901')).body.total, 2);
    assert.equal(
      (await search(`updateFrequency=${encodeURIComponent('每月')}`)).body.total,
      2,
      'a frequency label works as well as its code',
    );
    const combined = await search(`q=${encodeURIComponent('公积金')}&openTier=conditional&format=XLSX`);
    assert.deepEqual(titles(combined), ['住房公积金个人贷款发放情况']);
    assert.deepEqual(combined.body.facets.openTier, [{ value: 'conditional', count: 1 }]);
    assert.deepEqual(combined.body.facets.format, [{ value: 'XLSX', count: 1 }]);
    // Filters compare small codes (ADR 0015): a value no dataset has finds nothing, and one only
    // the unopened dataset has finds nothing for the public either.
    assert.equal((await search('theme=agriculture')).body.total, 0);
    assert.equal((await search('format=PDF')).body.total, 0);
    assert.equal((await search('shareTier=conditional')).body.total, 0);
    assert.equal((await search('shareTier=unconditional')).body.total, 6);
    assert.equal((await search('updateFrequency=realtime')).body.total, 0);
    // The facets of a search count the hits only.
    const hits = await search(`q=${encodeURIComponent('公积金')}&openTier=unconditional`);
    assert.deepEqual(hits.body.facets.openTier, [
      { value: 'unconditional', count: 2 },
      { value: 'conditional', count: 1 },
    ]);
    assert.equal(hits.body.total, 2);
  });

  test('sorts: relevance, newest, modified, title (pinyin), views, downloads', async () => {
    const byTitle = await search('sort=title');
    assert.deepEqual(titles(byTitle).slice(0, 3), [
      '<script>alert(1)</script>公积金 & "测试"',
      '食品经营许可信息',
      '医疗机构名录',
    ]);
    const newest = await search('sort=newest');
    assert.equal(titles(newest).length, 6);
    await sql`UPDATE dataset_search SET views = 50, downloads = 3 WHERE dataset_id = ${ds.clinics.id}`.execute(
      s.ctx.db,
    );
    await sql`UPDATE dataset_search SET views = 10, downloads = 9 WHERE dataset_id = ${ds.loans.id}`.execute(
      s.ctx.db,
    );
    assert.deepEqual(titles(await search('sort=views')).slice(0, 2), [
      '医疗机构名录',
      '住房公积金个人贷款发放情况',
    ]);
    assert.deepEqual(titles(await search('sort=downloads')).slice(0, 2), [
      '住房公积金个人贷款发放情况',
      '医疗机构名录',
    ]);
    const paged = await search(`q=${encodeURIComponent('公积金')}&pageSize=2&page=2`);
    assert.equal(paged.body.items.length, 1);
    assert.equal(paged.body.total, 3);
  });

  test('a search over the partitions of the index, side by side, gives what one statement over all of it gives', async () => {
    // On a server each partition is searched on a connection of its own; inside a transaction
    // (one connection) the whole index is read in one statement, as on the embedded database.
    assert.equal((await searchPartitions(s.ctx.database, s.ctx.db)).length, kind === 'postgres' ? 2 : 1);
    const staff = actorOf(
      await createUser(s.ctx, null, {
        email: `split${kind}@test.kaifang`,
        role: 'department',
        orgId: org.gjj.id,
      }),
    );
    const filters: DatasetFilter[] = [
      ...[1, 2, 3, 4].map((page) => ({ pageSize: 2, page })),
      ...[1, 2, 3].map((page) => ({ q: '公积金', pageSize: 1, page })),
      { q: '医院' },
      { q: 'gongjjin' },
      { sort: 'title', pageSize: 2, page: 2 },
      { sort: 'newest', pageSize: 2, page: 3 },
      { sort: 'views', pageSize: 3 },
      { theme: 'health' },
      { format: 'CSV', pageSize: 1 },
      { adminLevel: 'county' },
      { q: '统一社会信用代码', openTier: 'unconditional' },
      { fields: '统一社会信用代码', sort: 'title' },
    ];
    for (const actor of [null, staff])
      for (const f of filters) {
        const split = await listDatasets(s.ctx, actor, f);
        const whole = await s.ctx.db
          .transaction()
          .execute((trx) => listDatasets({ ...s.ctx, db: trx }, actor, f));
        assert.deepEqual(split, whole, JSON.stringify({ actor: actor?.role ?? null, f }));
      }
  });

  test('drafts and unopened datasets never reach the public: not in results, facets, suggestions or related', async () => {
    for (const token of [undefined, citizen.token]) {
      for (const q of ['内部核对', '草稿', '传染病', '患者姓名', 'field:患者姓名']) {
        const r = await search(`q=${encodeURIComponent(q)}`, token);
        assert.equal(r.body.total, 0, q);
        assert.ok(
          Object.values(r.body.facets).every((v) => (v as unknown[]).length === 0),
          `${q}: facets are empty`,
        );
        assert.ok(
          !JSON.stringify(r.body).includes('传染病个案') && !JSON.stringify(r.body).includes('内部核对'),
          q,
        );
      }
      const near = await search(`q=${encodeURIComponent('传染兵')}`, token);
      assert.ok(
        !String(near.body.didYouMean ?? '').includes('传染'),
        `no suggestion from a hidden title: ${near.body.didYouMean}`,
      );
      const all = await search('', token);
      assert.equal(all.body.total, 6);
      assert.ok(!titles(all).includes('公积金内部核对草稿'));
      const related = await get(`/api/v1/datasets/${ds.deposits.id}/related`, token);
      assert.ok(!titles(related).includes('公积金内部核对草稿'));
      assert.equal((await get(`/api/v1/datasets/${ds.draft.id}/related`, token)).status, 404);
    }
    // Their own department and the supervisors find them.
    assert.ok(
      titles(await search(`q=${encodeURIComponent('草稿')}`, gjjStaff.token)).includes('公积金内部核对草稿'),
    );
    assert.equal(
      (await search(`q=${encodeURIComponent('传染病')}`, gjjStaff.token)).body.total,
      1,
      'departments see the whole published catalogue',
    );
    const everything = await search('', admin.token);
    assert.equal(everything.body.total, 8);
    assert.deepEqual(everything.body.facets.openTier.map((x: { value: string }) => x.value).sort(), [
      'conditional',
      'not_open',
      'unconditional',
    ]);
  });

  test('related datasets share tags, fields, themes or publisher, best first', async () => {
    const r = await get(`/api/v1/datasets/${ds.deposits.slug}/related`);
    assert.equal(r.status, 200);
    assert.equal(r.body.items[0].title, '住房公积金个人贷款发放情况');
    assert.deepEqual(r.body.items[0].related.tags, ['公积金']);
    assert.equal(r.body.items[0].related.sameOrganisation, true);
    assert.ok(
      r.body.items.every((d: { id: string }) => d.id !== ds.deposits.id),
      'not itself',
    );
    const clinics = await get(`/api/v1/datasets/${ds.clinics.id}/related?limit=1`);
    assert.equal(clinics.body.items.length, 1);
    assert.equal(clinics.body.items[0].title, '医院门急诊服务量统计');
    const sharedField = await get(`/api/v1/datasets/${ds.foodLicences.code}/related`);
    const viaField = sharedField.body.items.find((d: { title: string }) => d.title === '医疗机构名录');
    assert.deepEqual(viaField.related.fields, ['统一社会信用代码']);
    assert.ok(
      titles(await get(`/api/v1/datasets/${ds.deposits.id}/related`, gjjStaff.token)).includes(
        '公积金内部核对草稿',
      ),
      'staff see their draft',
    );
  });

  test('the index follows every change in the same transaction, and a refused change leaves it alone', async () => {
    const created = await s.call('POST', '/api/v1/datasets', {
      token: gjjStaff.token,
      body: datasetBody(org.gjj.id, { title: '公积金提取业务量', tags: ['提取'], fields: [] }),
    });
    assert.equal(created.status, 201);
    const id = created.body.id;
    assert.equal((await search(`q=${encodeURIComponent('提取业务')}`)).body.total, 0, 'a draft');
    assert.equal(
      (await search(`q=${encodeURIComponent('提取业务')}`, gjjStaff.token)).body.total,
      1,
      'indexed on creation',
    );
    await s.call('POST', `/api/v1/datasets/${id}/publish`, { token: gjjStaff.token });
    assert.equal((await search(`q=${encodeURIComponent('提取业务')}`)).body.total, 1, 'published: public');
    const patched = await s.call('PATCH', `/api/v1/datasets/${id}`, {
      token: gjjStaff.token,
      body: { title: '公积金提取笔数统计', tags: ['笔数'] },
    });
    assert.equal(patched.status, 200);
    assert.equal((await search(`q=${encodeURIComponent('业务量')}`)).body.total, 0, 'the old title is gone');
    assert.equal(
      (await search(`q=${encodeURIComponent('提取笔数')}`)).body.total,
      1,
      'the new title is found',
    );
    const refused = await s.call('PATCH', `/api/v1/datasets/${id}`, {
      token: gjjStaff.token,
      body: { title: '', tags: ['不应出现'] },
    });
    assert.equal(refused.status, 400);
    assert.equal((await search(`q=${encodeURIComponent('不应出现')}`)).body.total, 0);
    const dist = await s.call('POST', `/api/v1/datasets/${id}/distributions`, {
      token: gjjStaff.token,
      body: { title: '笔数 PDF', format: 'PDF' },
    });
    assert.equal(dist.status, 201);
    assert.deepEqual(
      titles(await search('format=PDF')),
      ['公积金提取笔数统计'],
      'formats follow distributions',
    );
    await s.call('DELETE', `/api/v1/distributions/${dist.body.id}`, { token: gjjStaff.token });
    assert.equal((await search('format=PDF')).body.total, 0);
    await s.call('POST', `/api/v1/datasets/${id}/withdraw`, { token: gjjStaff.token });
    assert.equal(
      (await search(`q=${encodeURIComponent('提取笔数')}`)).body.total,
      0,
      'withdrawn: gone for the public',
    );
    // Renaming the publisher changes what its name finds, at once.
    const renamed = await s.call('PATCH', `/api/v1/organisations/${org.county.id}`, {
      token: admin.token,
      body: { name: '鹿城区食品药品监督局' },
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual(
      titles(await search(`q=${encodeURIComponent('食品药品监督局')}`)).sort(),
      ['<script>alert(1)</script>公积金 & "测试"', '食品经营许可信息'].sort(),
    );
    // A draft that is deleted leaves no index row behind.
    const doomed = await s.call('POST', '/api/v1/datasets', {
      token: gjjStaff.token,
      body: datasetBody(org.gjj.id, { title: '临时删除测试' }),
    });
    assert.equal(
      (await s.call('DELETE', `/api/v1/datasets/${doomed.body.id}`, { token: gjjStaff.token })).status,
      204,
    );
    const rows = await s.ctx.db
      .selectFrom('dataset_search')
      .select('dataset_id')
      .where('dataset_id', '=', doomed.body.id)
      .execute();
    assert.equal(rows.length, 0);
  });

  test('highlights mark matched words and escape HTML', async () => {
    const r = await search(`q=${encodeURIComponent('公积金')}`);
    const hostile = r.body.items.find((d: { id: string }) => d.id === ds.hostile.id);
    assert.equal(
      hostile.title,
      '<script>alert(1)</script>公积金 & "测试"',
      'the title itself is data, unchanged',
    );
    assert.equal(
      hostile.highlight.title,
      '&lt;script&gt;alert(1)&lt;/script&gt;<mark>公积金</mark> &amp; &quot;测试&quot;',
    );
    assert.equal(hostile.highlight.description, '用于检查转义的&lt;b&gt;数据集&lt;/b&gt;。');
    const deposits = r.body.items.find((d: { id: string }) => d.id === ds.deposits.id);
    assert.equal(
      deposits.highlight.description,
      '本市住房<mark>公积金</mark>缴存单位数、缴存人数和缴存金额的月度统计。',
    );
    assert.equal((await search('')).body.items[0].highlight, undefined, 'no highlight without a query');
  });

  test('malformed, oversized and hostile input gets a 4xx naming the parameter, or an empty result; nothing changes', async () => {
    const auditBefore = await countAudit(s.ctx.db);
    const bad: [string, string][] = [
      [`q=${'公'.repeat(201)}`, 'q'],
      [`fields=${'a'.repeat(201)}`, 'fields'],
      ['region=abc', 'region'],
      ['adminLevel=galaxy', 'adminLevel'],
      ['sort=random', 'sort'],
      ['format=' + 'x'.repeat(40), 'format'],
    ];
    for (const [query, field] of bad) {
      const r = await search(query);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.error.code, 'validation_failed', query);
      assert.ok(
        JSON.stringify(r.body.error.details).includes(field),
        `${query}: ${JSON.stringify(r.body.error.details)}`,
      );
    }
    for (const q of [
      "'); DROP TABLE dataset_search; --",
      '!!!&|():*',
      '\\',
      '%00',
      "a' <-> 'b",
      '🙂🙂',
      '公'.repeat(200),
    ]) {
      const r = await search(`q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.ok(Array.isArray(r.body.items));
    }
    // A NUL in any text is refused at the edge, naming the parameter (issue 12, ADR 0029).
    const nul = await search(`q=${encodeURIComponent('公积金\u0000')}`);
    assert.equal(nul.status, 400);
    assert.equal(nul.body.error.details.fields[0].field, 'q');
    for (const limit of ['0', '51', 'abc', '-1'])
      assert.equal(
        (await get(`/api/v1/datasets/${ds.deposits.id}/related?limit=${limit}`)).status,
        400,
        limit,
      );
    assert.equal((await get(`/api/v1/datasets/${encodeURIComponent("x' OR '1'='1")}/related`)).status, 404);
    assert.equal(
      (await get(`/api/v1/datasets/${'a'.repeat(300)}/related`)).status,
      400,
      'oversized reference',
    );
    assert.equal(
      (await get('/api/v1/datasets/nope/related', 'kf_not-a-real-token-but-long-enough')).status,
      401,
    );
    assert.equal(
      (
        await s.ctx.db
          .selectFrom('dataset_search')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n > 0,
      true,
    );
    assert.equal(await countAudit(s.ctx.db), auditBefore);
  });

  test('reindexAll rebuilds the text of every row', async () => {
    await sql`UPDATE dataset_search SET document = '', field_terms = ''`.execute(s.ctx.db);
    assert.equal((await search(`q=${encodeURIComponent('医疗机构')}`)).body.total, 0);
    const progress: number[] = [];
    const r = await reindexAll(s.ctx.db, (done) => progress.push(done), 3);
    const { n } = await s.ctx.db
      .selectFrom('dataset')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(r.datasets, Number(n));
    assert.equal(progress[progress.length - 1], r.datasets);
    assert.deepEqual(titles(await search(`q=${encodeURIComponent('医疗机构')}`)), [
      '医疗机构名录',
      '医院门急诊服务量统计',
    ]);
    assert.deepEqual(titles(await search('q=gjj')).length, 3);
  });

  test('kaifang reindex rebuilds the index of the configured database, with a progress bar', async () => {
    const bin = path.resolve(import.meta.dirname, '../../bin/kaifang.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-reindex-'));
    const fresh = kind === 'postgres' ? await freshDatabase('postgres') : null;
    const database = fresh ? fresh.database : await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      if (!fresh) await migrate(database);
      const ctx: Context = {
        config: loadConfig({ LOG_LEVEL: 'silent' }),
        database,
        db: database.db,
        clock: s.clock,
        logger: createLogger('silent'),
      };
      const sys = actorOf(await createUser(ctx, null, { email: 'root@reindex.test', role: 'sysadmin' }));
      const o = await createOrganisation(ctx, sys, orgBody(9));
      await createDataset(ctx, sys, datasetBody(o.id, { title: '不动产登记办理指南' }));
      await sql`UPDATE dataset_search SET document = ''`.execute(database.db);
      const env = {
        ...process.env,
        LOG_LEVEL: 'silent',
        ...(fresh ? { DATABASE_URL: fresh.url! } : { KAIFANG_DATA_DIR: dir, DATABASE_URL: '' }),
      };
      if (!fresh) await database.close();
      const cli = spawnSync(process.execPath, [bin, 'reindex', '--batch', '2'], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /search index rebuilt: 1 datasets/);
      const refused = spawnSync(process.execPath, [bin, 'reindex', '--batch', '0'], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /batch must be a whole number/);
      const check = fresh ? database : await openDatabase({ databaseUrl: null, dataDir: dir });
      try {
        const hits = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM dataset_search WHERE document @@ to_tsquery('simple', '不动产登记')`.execute(
          check.db,
        );
        assert.equal(hits.rows[0].n, 1);
      } finally {
        if (!fresh) await check.close();
      }
    } finally {
      if (fresh) await fresh.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
