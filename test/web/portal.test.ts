import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listDatasets } from '../../src/catalog/index.ts';
import { loadDemo } from '../../src/demo/index.ts';
import { themes, licences, openTiers, updateFrequencies } from '../../src/core/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { datasetBody, startServer, type TestServer } from '../helpers/app.ts';
import { Client, elementOf, textOf } from './client.ts';

/** A tier badge with exactly this label. */
const badge = (label: string) => new RegExp(`<span\\s+class="badge tier-[a-z]+"\\s*>${label}</span\\s*>`);

/** The public portal as HTML without JavaScript, on the demo catalogue (PGlite). */
describe('portal pages without JavaScript', () => {
  let s: TestServer;
  let anon: Client;
  const rows = async (where: { status?: string; openTier?: string }) => {
    let q = s.ctx.db
      .selectFrom('dataset')
      .select([
        'id',
        'slug',
        'code',
        'title',
        'org_id',
        'not_open_reason',
        'not_open_legal_basis',
        'open_conditions',
      ]);
    if (where.status) q = q.where('status', '=', where.status);
    if (where.openTier) q = q.where('open_tier', '=', where.openTier);
    return q.orderBy('code').execute();
  };

  before(async () => {
    s = await startServer('pglite', webOptions());
    await loadDemo(s.ctx);
    anon = new Client(s.url);
  });
  after(() => s.close());

  test('home: search box, the 16 themes with counts, newest and most used, figures as text and chart data', async () => {
    const r = await anon.get('/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /text\/html; charset=utf-8/);
    assert.match(r.text, /<html lang="zh-CN"/);
    assert.match(r.text, /<a class="skip-link" href="#main">跳到主要内容<\/a>/);
    assert.match(r.text, /<main id="main"/);
    assert.match(r.text, /<input id="q" type="search" name="q"/);
    const text = textOf(r.text);
    for (const term of themes.terms) assert.ok(text.includes(term.label.zh), term.label.zh);
    // What the public catalogue lists (the catalogue decides, e.g. whether unopened datasets are listed).
    const published = { length: (await listDatasets(s.ctx, null, { pageSize: 1 })).total };
    assert.match(text, new RegExp(`${published.length}\\s*开放数据集`), 'published count shown as text');
    assert.match(text, /最新发布/);
    assert.match(text, /最常用/);
    // The chart's numbers are in the page as a JSON data block and as a table.
    const json = /<script type="application\/json" id="(chart-\d+)">([^<]*)<\/script>/.exec(r.text);
    assert.ok(json, 'chart data block');
    const data = JSON.parse(json![2]!);
    assert.equal(data.labels.length, 16);
    assert.equal(data.values.reduce((a: number, b: number) => a + b, 0) >= published.length, true);
    assert.match(r.text, /<table class="data-table compact">/);
    // The tiers are explained in their own panel and counted in their own chart.
    const panel = elementOf(r.text, /<section class="panel tiers-intro"[^>]*>/);
    for (const tier of openTiers.terms) assert.match(panel, badge(tier.label.zh), tier.label.zh);
    const charts = [...r.text.matchAll(/<script type="application\/json" id="chart-\d+">([^<]*)<\/script>/g)];
    assert.ok(
      charts.some(
        (c) =>
          JSON.stringify(JSON.parse(c[1]!).labels) === JSON.stringify(openTiers.terms.map((t) => t.label.zh)),
      ),
      'a chart of datasets by tier',
    );
  });

  test('every script is a file or a JSON data block, and the CSP forbids inline scripts', async () => {
    for (const path of ['/', '/datasets?q=公积金', '/about', '/console/sign-in']) {
      const r = await anon.get(path);
      const scripts = [...r.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
      assert.ok(scripts.length > 0);
      for (const attrs of scripts)
        assert.ok(
          /\bsrc="\/static\//.test(attrs) || /type="application\/json"/.test(attrs),
          `${path}: ${attrs}`,
        );
      assert.match(r.headers.get('content-security-policy')!, /script-src 'self'/);
      assert.doesNotMatch(r.headers.get('content-security-policy')!, /script-src[^;]*unsafe-inline/);
      assert.match(r.headers.get('cache-control')!, /no-store/);
    }
    const css = await anon.get('/static/site.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type')!, /text\/css/);
    const home = await anon.get('/');
    const echarts = /src="(\/static\/vendor\/echarts\.min\.js\?v=\w+)"/.exec(home.text);
    assert.ok(echarts);
    const lib = await anon.get(echarts![1]!);
    assert.equal(lib.status, 200);
    assert.ok(lib.text.length > 100_000);
    assert.equal((await anon.get('/static/vendor/echarts.js')).status, 404);
    assert.equal((await anon.get('/static/../package.json')).status, 404);
  });

  test('search in Chinese: results, facets, sort options; drafts never appear', async () => {
    const r = await anon.get(`/datasets?q=${encodeURIComponent('公积金')}`);
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    assert.ok(text.includes('住房公积金缴存情况'));
    assert.ok(text.includes('住房公积金个人贷款发放情况'));
    const drafts = await rows({ status: 'draft' });
    const draft = drafts.find((d) => d.title.includes('公积金'))!;
    assert.ok(draft, 'the demo has a 公积金 draft');
    assert.ok(!r.text.includes(draft.title), 'draft title must not appear');
    for (const facet of ['主题', '开放属性', '更新周期', '提供部门']) assert.ok(text.includes(facet), facet);
    for (const sort of ['相关度', '最近更新', '最新发布', '名称'])
      assert.ok(r.text.includes(`>${sort}</option>`), sort);
    // A facet link narrows the results and is shown as a removable filter.
    const facet = /href="(\/datasets\?q=[^"]*updateFrequency=monthly[^"]*)"/.exec(r.text);
    assert.ok(facet, 'a monthly facet link');
    const narrowed = await anon.get(facet![1]!.replace(/&amp;/g, '&'));
    assert.ok(textOf(narrowed.text).includes('共 1 个数据集'));
    assert.ok(textOf(narrowed.text).includes('更新周期: 每月'));
  });

  test('a query that finds nothing suggests a nearby one', async () => {
    const r = await anon.get(`/datasets?q=${encodeURIComponent('公鸡金')}`);
    assert.equal(r.status, 200);
    assert.ok(textOf(r.text).includes('共 0 个数据集'));
    assert.match(r.text, /您是不是要找：\s*<a href="\/datasets\?q=%E5%85%AC%E7%A7%AF%E9%87%91">公积金<\/a>/);
  });

  test('sorting and paging through the whole catalogue without a query', async () => {
    const first = await anon.get('/datasets?sort=title');
    assert.equal(first.status, 200);
    assert.match(first.text, /<option value="title" selected>/);
    assert.match(first.text, /rel="next"/);
    const second = await anon.get('/datasets?sort=title&page=2');
    assert.match(second.text, /aria-current="page"\s+aria-label="第 2 页"/);
    const titles = (html: string) =>
      [...html.matchAll(/<h3 class="card-title"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    assert.equal(titles(first.text).length, 20);
    assert.notDeepEqual(titles(first.text), titles(second.text));
  });

  test('switching to English persists in a cookie; switching back restores Chinese', async () => {
    const c = new Client(s.url);
    const en = await c.get('/?lang=en');
    assert.match(en.text, /<html lang="en"/);
    assert.ok(textOf(en.text).includes('Browse by theme'));
    assert.equal(c.cookies.get('kaifang_lang'), 'en');
    const next = await c.get('/about');
    assert.match(next.text, /<html lang="en"/);
    assert.ok(textOf(next.text).includes('Open tiers'));
    for (const l of licences.terms) assert.ok(next.text.includes(l.label.en), l.label.en);
    const zh = await c.get('/about?lang=zh');
    assert.match(zh.text, /<html lang="zh-CN"/);
    assert.equal(c.cookies.get('kaifang_lang'), 'zh');
    // The browser's own preference does not override the Chinese default.
    const fresh = await new Client(s.url).get('/', { 'accept-language': 'en-US,en;q=0.9' });
    assert.match(fresh.text, /<html lang="zh-CN"/);
  });

  test('high-contrast large-text mode is a link and a cookie', async () => {
    const c = new Client(s.url);
    const off = await c.get('/');
    assert.match(off.text, /href="\/\?a11y=1"[^>]*>无障碍模式</);
    const on = await c.get('/?a11y=1');
    assert.match(on.text, /<html lang="zh-CN" class="lang-zh a11y">/);
    assert.equal(c.cookies.get('kaifang_a11y'), '1');
    assert.match((await c.get('/datasets')).text, /class="lang-zh a11y"/);
    await c.get('/datasets?a11y=0');
    assert.equal(c.cookies.has('kaifang_a11y'), false);
  });

  test('dataset page: all metadata, tier, frequency in the department’s words, fields, API snippets, metadata JSON', async () => {
    const [d] = await s.ctx.db
      .selectFrom('dataset')
      .selectAll()
      .where('status', '=', 'published')
      .where('open_tier', '=', 'unconditional')
      .where('update_frequency_text', 'is not', null)
      .where(
        'update_frequency_text',
        'not in',
        updateFrequencies.terms.flatMap((t) => [t.label.zh, t.label.en]),
      )
      .orderBy('code')
      .limit(1)
      .execute();
    assert.ok(d);
    const r = await anon.get(`/datasets/${d!.slug}`);
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    for (const label of [
      '信息资源代码',
      '提供部门',
      '主题',
      '开放属性',
      '共享属性',
      '更新周期',
      '发布日期',
      '更新日期',
      '开放授权',
      '数据项',
      '数据资源',
    ])
      assert.ok(text.includes(label), label);
    assert.ok(text.includes(d!.code));
    assert.ok(text.includes(`部门原文：${d!.update_frequency_text}`));
    // The tier of this dataset, in its heading and in its metadata: not the footer's list of all three.
    assert.match(elementOf(r.text, /<p class="dataset-badges">/), badge('无条件开放'));
    const metadata = elementOf(r.text, /<dl class="meta-list">/);
    assert.match(metadata, new RegExp(`<dt>开放属性</dt>\\s*<dd>${badge('无条件开放').source}`));
    for (const other of ['有条件开放', '不予开放']) assert.doesNotMatch(metadata, badge(other), other);
    for (const f of d!.fields as { name: string }[]) assert.ok(text.includes(f.name), f.name);
    for (const lang of ['curl', 'Python', 'JavaScript'])
      assert.ok(r.text.includes(`data-tab="${lang}"`), lang);
    assert.ok(text.includes(`curl -s "${s.ctx.config.baseUrl}/api/v1/datasets/${d!.code}"`));
    const meta = /href="(\/api\/v1\/datasets\/[0-9a-f-]{36})" type="application\/json"/.exec(r.text);
    assert.ok(meta);
    const json = await anon.get(meta![1]!);
    assert.equal(json.status, 200);
    assert.equal(JSON.parse(json.text).code, d!.code);
    // The same page is reachable by resource code and by id.
    assert.equal((await anon.get(`/datasets/${d!.code}`)).status, 200);
    assert.equal((await anon.get(`/datasets/${d!.id}`)).status, 200);
  });

  test('conditional data shows its conditions and an apply link, never a download link', async () => {
    const [d] = await rows({ status: 'published', openTier: 'conditional' });
    const r = await anon.get(`/datasets/${d!.slug}`);
    assert.equal(r.status, 200);
    assert.ok(textOf(r.text).includes(d!.open_conditions!));
    assert.ok(r.text.includes(`href="/apply?dataset=${d!.code}"`));
    assert.ok(!/>下载<span/.test(r.text));
    const apply = await anon.get(`/apply?dataset=${d!.code}`);
    assert.equal(apply.status, 200);
    assert.ok(textOf(apply.text).includes(d!.title));
    const [open] = await rows({ status: 'published', openTier: 'unconditional' });
    assert.equal((await anon.get(`/apply?dataset=${open!.code}`)).status, 404);
    assert.equal((await anon.get('/apply')).status, 404);
  });

  test('unopened data shows its reason, its legal basis and no data', async () => {
    const [d] = await rows({ status: 'published', openTier: 'not_open' });
    const r = await anon.get(`/datasets/${d!.slug}`);
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    assert.ok(text.includes(d!.not_open_reason!));
    assert.ok(d!.not_open_legal_basis && text.includes(d!.not_open_legal_basis), 'the legal basis is public');
    assert.ok(text.includes('不予开放的法律法规依据'));
    assert.ok(text.includes('不提供数据资源'));
    assert.ok(!r.text.includes('/apply?'));
  });

  test('organisation and theme pages list that publisher’s or theme’s published datasets', async () => {
    const orgs = await anon.get('/organisations');
    assert.equal(orgs.status, 200);
    assert.ok(textOf(orgs.text).includes('明州市住房公积金管理中心'));
    const org = await s.ctx.db
      .selectFrom('organisation')
      .selectAll()
      .where('name', '=', '明州市住房公积金管理中心')
      .executeTakeFirstOrThrow();
    const page = await anon.get(`/organisations/${org.org_code}`);
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.ok(text.includes('住房公积金缴存情况'));
    assert.ok(!page.text.includes('住房公积金缴存单位名录'), 'draft not listed on its organisation page');
    const en = await anon.get(`/organisations/${org.org_code}?lang=en`);
    assert.ok(textOf(en.text).includes(org.name_en!));
    const list = await anon.get('/themes?lang=zh');
    for (const term of themes.terms) assert.ok(list.text.includes(`href="/themes/${term.code}"`));
    const theme = await anon.get('/themes/urban_housing');
    assert.equal(theme.status, 200);
    assert.ok(textOf(theme.text).includes('城建住房'));
    assert.ok(textOf(theme.text).includes('住房公积金缴存情况'));
    assert.equal((await anon.get('/themes/no_such_theme')).status, 404);
    assert.equal((await anon.get('/organisations/NOSUCHORG1')).status, 404);
  });

  test('about the data explains every tier and licence from the vocabularies', async () => {
    const r = await anon.get('/about');
    const text = textOf(r.text);
    const tiers = elementOf(r.text, /<section id="tiers"[^>]*>/);
    for (const tier of openTiers.terms) {
      assert.match(tiers, badge(tier.label.zh), tier.label.zh);
      assert.ok(tiers.includes(`href="/datasets?openTier=${tier.code}"`), `browse ${tier.code}`);
    }
    for (const l of licences.terms) assert.ok(text.includes(l.label.zh), l.label.zh);
    assert.ok(text.includes('机器可读'));
  });

  test('unknown pages answer with an HTML 404 page; unknown API paths keep JSON', async () => {
    const page = await anon.get('/no/such/page');
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.ok(textOf(page.text).includes('页面不存在'));
    const api = await anon.get('/api/v1/nothing-here');
    assert.equal(api.status, 404);
    assert.equal(JSON.parse(api.text).error.code, 'route_not_found');
    assert.equal((await anon.get(`/datasets/${'x'.repeat(300)}`)).status, 404);
    assert.equal((await anon.get('/datasets/no-such-dataset')).status, 404);
  });

  test('hostile query strings are escaped or ignored, never a 500', async () => {
    const evil = '"><script>alert(1)</script>';
    const r = await anon.get(
      `/datasets?q=${encodeURIComponent(evil)}&theme=${encodeURIComponent(evil)}&sort=${encodeURIComponent(evil)}&page=-5&org=${encodeURIComponent(evil)}`,
    );
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('<script>alert(1)'));
    assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const long = await anon.get(`/datasets?q=${'数'.repeat(1500)}`);
    assert.equal(long.status, 200);
    for (const q of ['page=abc', 'page=99999999', 'lang=xx', 'a11y=maybe', 'q[]=a&q[]=b', 'openTier=nope'])
      assert.equal((await anon.get(`/datasets?${q}`)).status, 200, q);
    const next = await anon.get('/console/sign-in?next=//evil.example/steal');
    assert.ok(next.text.includes('name="next" value="/console"'));
  });

  test('titles and descriptions are escaped on every page that shows them', async () => {
    const admin = await s.userWithToken('sysadmin');
    const org = await s.ctx.db
      .selectFrom('organisation')
      .select('id')
      .where('name', '=', '明州市住房公积金管理中心')
      .executeTakeFirstOrThrow();
    const evil = '<img src=x onerror=alert(1)>公积金"测试\'';
    const created = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: datasetBody(org.id, {
        title: evil,
        description: `<script>alert("d")</script>`,
        tags: ['<b>tag</b>'],
      }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await s.call('POST', `/api/v1/datasets/${created.body.id}/publish`, { token: admin.token });
    for (const path of [
      '/',
      `/datasets?q=${encodeURIComponent('公积金')}`,
      `/datasets/${created.body.slug}`,
      '/themes/urban_housing',
      '/datasets?sort=newest',
    ]) {
      const r = await anon.get(path);
      assert.equal(r.status, 200, path);
      assert.ok(!r.text.includes('<img src=x'), `${path} renders the title raw`);
      assert.ok(!r.text.includes('<script>alert("d")'), `${path} renders the description raw`);
      assert.ok(!r.text.includes('<b>tag</b>'), `${path} renders a tag raw`);
    }
    const page = await anon.get(`/datasets/${created.body.slug}`);
    assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });
});
