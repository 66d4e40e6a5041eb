import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from '../../src/platform/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { dataWorker, ingest, publishedDistribution } from '../data/helpers.ts';
import { Client, textOf } from './client.ts';

const DISTRICTS = ['海曙区', '江北区', '鄞州区'];
const CATEGORIES = ['医院', '诊所'];

/** 45 rows: three pages of 20; each name is unique so a leak of any row is visible. */
function hospitalsCsv(): string {
  const lines = ['district,category,beds,name'];
  for (let i = 1; i <= 45; i++)
    lines.push(`${DISTRICTS[i % 3]},${CATEGORIES[i % 2]},${i * 10},机构${String(i).padStart(3, '0')}`);
  return lines.join('\n') + '\n';
}

const fields = [
  { name: 'district', title: '所在区县', type: 'string' },
  { name: 'category', title: '机构类别', type: 'string' },
  { name: 'beds', title: '床位数', type: 'integer', unit: '张' },
  { name: 'name', title: '机构名称', type: 'string' },
];

/** The dataset page's data section as HTML without JavaScript. */
describe('dataset page data section without JavaScript', () => {
  let s: TestServer;
  let worker: Worker;
  let anon: Client;
  let open: Awaited<ReturnType<typeof publishedDistribution>>;
  let conditional: Awaited<ReturnType<typeof publishedDistribution>>;
  let unopened: Awaited<ReturnType<typeof publishedDistribution>>;

  before(async () => {
    s = await startServer('pglite', webOptions());
    worker = dataWorker(s);
    const admin = await s.userWithToken('sysadmin');
    open = await publishedDistribution(s, admin, { title: '医疗机构名录', fields });
    conditional = await publishedDistribution(
      s,
      admin,
      {
        title: '医疗机构床位明细',
        fields,
        openTier: 'conditional',
        openConditions: '须签署数据使用协议',
        shareTier: 'conditional',
        shareConditions: '须申请',
      },
      { id: open.orgId, staff: open.staff },
    );
    unopened = await publishedDistribution(
      s,
      admin,
      {
        title: '医护人员名单',
        fields,
        openTier: 'not_open',
        notOpenReason: '涉及个人信息',
        notOpenLegalBasis: '《中华人民共和国个人信息保护法》第二十八条',
        shareTier: 'not_shared',
        notSharedReason: '涉及个人信息，不向其他部门共享',
        notSharedLegalBasis: '《中华人民共和国个人信息保护法》第三十四条',
      },
      { id: open.orgId, staff: open.staff },
    );
    for (const d of [open, conditional, unopened])
      assert.equal(
        (await ingest(s, d.staff.token, d.distributionId, '名录.csv', hospitalsCsv())).state,
        'succeeded',
      );
    anon = new Client(s.url);
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  const page = (id: string, query = '') => anon.get(`/datasets/${id}${query}`);

  test('an open dataset shows the first rows, capacity, titled headers, profile, chart, downloads and API examples', async () => {
    const r = await page(open.datasetId);
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    assert.match(text, /45 行 × 4 个字段/);
    // The first page is the first 20 rows in file order, not the 21st.
    assert.ok(text.includes('机构001') && text.includes('机构020'), 'first page rows');
    assert.ok(!text.includes('机构021'), 'only one page');
    // Headers carry the declared Chinese titles with the column names.
    assert.match(r.text, /所在区县<br \/><code class="small">district<\/code>/);
    // Profile: type, distinct count, min/max and the top values of a repeated column.
    const profile = /<table class="data-table compact" id="data-profile-table">([\s\S]*?)<\/table>/.exec(
      r.text,
    )![1]!;
    assert.match(textOf(profile), /床位数\s*beds\s*整数\s*0%\s*45\s*10\s*450/);
    assert.match(textOf(profile), /海曙区\s*\(15\)/);
    // A default chart of counts by the first text column, drawn from an embedded data block.
    const block = /<script type="application\/json" id="data-chart-[^"]+">([^<]*)<\/script>/.exec(r.text);
    assert.ok(block, 'chart data block');
    const chart = JSON.parse(block![1]!);
    assert.deepEqual(chart.labels, ['江北区', '海曙区', '鄞州区'].sort());
    assert.equal(
      chart.values.reduce((a: number, b: number) => a + b, 0),
      45,
    );
    assert.match(r.text, /<script src="\/static\/vendor\/echarts\.min\.js/);
    // A download link for every format.
    for (const f of ['csv', 'xlsx', 'json', 'xml', 'csvw', 'original'])
      assert.ok(
        r.text.includes(`/api/v1/distributions/${open.distributionId}/download?format=${f}"`),
        `download ${f}`,
      );
    const xlsx = await fetch(`${s.url}/api/v1/distributions/${open.distributionId}/download?format=xlsx`);
    assert.equal(xlsx.status, 200);
    // Copy-ready API examples for rows, aggregate and SQL.
    assert.ok(text.includes(`/api/v1/distributions/${open.distributionId}/rows`));
    assert.ok(text.includes(`/api/v1/distributions/${open.distributionId}/aggregate`));
    assert.ok(text.includes(`dist_${open.distributionId.replace(/-/g, '')}`));
    // Another browser: ?lang= is remembered in a cookie.
    const en = textOf((await new Client(s.url).get(`/datasets/${open.datasetId}?lang=en`)).text);
    assert.match(en, /45 rows × 4 fields/);
    assert.match(en, /Field profile/);
  });

  test('paging, sorting and filtering are plain links and GET forms', async () => {
    const first = await page(open.datasetId);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text);
    assert.ok(next, 'next page link');
    const second = await anon.get(next![1]!.replace(/&amp;/g, '&'));
    assert.equal(second.status, 200);
    const t2 = textOf(second.text);
    assert.ok(t2.includes('机构021') && t2.includes('机构040') && !t2.includes('机构020'), 'second page');
    assert.match(t2, /第 2 \/ 3 页/);

    // The sort link on a header, as rendered, then the filter form's fields.
    const sortLink = /<th\s+scope="col"\s+aria-sort="none"\s+class="num"\s*>\s*<a\s+href="([^"]+)"/.exec(
      first.text,
    );
    assert.ok(sortLink, 'sort link on the number column');
    const asc = await anon.get(sortLink![1]!.replace(/&amp;/g, '&'));
    assert.match(asc.text, /aria-sort="ascending"/);
    const desc = await page(open.datasetId, `?dsort=-beds`);
    const firstRow = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(
      /id="data-preview-table">([\s\S]*?)<\/table>/.exec(desc.text)![1]!,
    )![1]!;
    assert.match(textOf(firstRow), /450\s*机构045/);

    assert.match(first.text, /<form class="data-filter" method="get"/);
    assert.match(first.text, /<select id="dfc" name="dfc">/);
    const filtered = await page(open.datasetId, `?dfc=district&dfv=${encodeURIComponent('海曙区')}`);
    const t3 = textOf(filtered.text);
    assert.match(t3, /共 15 行符合条件/);
    const table = textOf(/id="data-preview-table">([\s\S]*?)<\/table>/.exec(filtered.text)![1]!);
    assert.ok(!table.includes('江北区') && !table.includes('鄞州区'), 'only the filtered district');
    // The filtered rows can be taken away.
    const link = /<a href="([^"]+)" rel="nofollow" data-format="filtered"/.exec(filtered.text);
    assert.ok(link, 'filtered rows link');
    const rows = await fetch(s.url + link![1]!.replace(/&amp;/g, '&')).then((x) => x.json());
    assert.equal(rows.total, 15);

    // A field chosen without a value is no filter.
    const blank = await page(open.datasetId, `?dfc=beds&dfv=`);
    assert.ok(!/符合条件/.test(textOf(blank.text)) && textOf(blank.text).includes('机构020'));

    // A value of the wrong type is a message on the page, not an error page.
    const bad = await page(open.datasetId, `?dfc=beds&dfv=many`);
    assert.equal(bad.status, 200);
    assert.match(textOf(bad.text), /无法按此条件查询/);
  });

  test('the chart builder draws sums by a group from a shareable URL', async () => {
    const r = await page(open.datasetId, '?cx=district&cf=sum&cy=beds&cg=category');
    assert.equal(r.status, 200);
    const block = /<script type="application\/json" id="data-chart-[^"]+">([^<]*)<\/script>/.exec(r.text);
    const chart = JSON.parse(block![1]!);
    assert.deepEqual(chart.series.map((x: { name: string }) => x.name).sort(), [...CATEGORIES].sort());
    let total = 0;
    for (const x of chart.series) for (const n of x.values) total += n ?? 0;
    assert.equal(total, (45 * 46 * 10) / 2);
    assert.match(r.text, /<option value="beds" selected>/);
    assert.match(r.text, /本图链接（可分享）/);
  });

  test('an unopened dataset has no data section', async () => {
    const r = await page(unopened.datasetId);
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /id="data-title"|data-preview-table/);
    assert.ok(!textOf(r.text).includes('机构001'));
  });

  test('a conditional dataset shows its schema and what an application gives, never rows', async () => {
    const r = await page(conditional.datasetId);
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    assert.match(text, /申请获批后可以获得/);
    assert.match(text, /机构名称/, 'the declared fields are shown');
    for (let i = 1; i <= 45; i++) assert.ok(!text.includes(`机构${String(i).padStart(3, '0')}`), `row ${i}`);
    assert.ok(!text.includes('海曙区'), 'no values from the data');
    assert.doesNotMatch(r.text, /data-preview-table|data-profile-table|data-chart-/);
    assert.ok(!r.text.includes(`/api/v1/distributions/${conditional.distributionId}/download`));
    // The state parameters change nothing.
    const probe = await page(
      conditional.datasetId,
      `?dfc=district&dfv=${encodeURIComponent('海曙区')}&cx=name`,
    );
    assert.ok(!textOf(probe.text).includes('机构001'));
    assert.doesNotMatch(probe.text, /data-preview-table/);
  });
});
