import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Worker } from '../../src/platform/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { SHOTS, accessibilityProblems, launchBrowser, shot } from '../helpers/browser.ts';
import { dataWorker, ingest, publishedDistribution } from '../data/helpers.ts';

function csv(): string {
  const lines = ['district,category,beds,name'];
  for (let i = 1; i <= 45; i++)
    lines.push(`${['海曙区', '江北区', '鄞州区'][i % 3]},${['医院', '诊所'][i % 2]},${i * 10},机构${i}`);
  return lines.join('\n') + '\n';
}

/** A citizen uses the data on a dataset page in headless Chromium. */
describe('dataset page data in a browser', () => {
  let s: TestServer;
  let worker: Worker;
  let browser: Browser;
  let citizen: BrowserContext;
  let path: string;

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    s = await startServer('pglite', webOptions());
    worker = dataWorker(s);
    const admin = await s.userWithToken('sysadmin');
    const d = await publishedDistribution(s, admin, {
      title: '医疗机构名录',
      fields: [
        { name: 'district', title: '所在区县', type: 'string' },
        { name: 'category', title: '机构类别', type: 'string' },
        { name: 'beds', title: '床位数', type: 'integer' },
        { name: 'name', title: '机构名称', type: 'string' },
      ],
    });
    assert.equal((await ingest(s, d.staff.token, d.distributionId, '名录.csv', csv())).state, 'succeeded');
    path = `/datasets/${d.datasetId}`;
    browser = await launchBrowser();
    citizen = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      bypassCSP: true,
      acceptDownloads: true,
    });
  });
  after(async () => {
    await browser?.close();
    await worker?.stop();
    await s?.close();
  });

  test('under the real CSP the page runs without errors and draws the default chart', async () => {
    const strict = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await strict.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(s.url + path);
    await page.locator('.dataset-data .chart canvas').first().waitFor();
    assert.deepEqual(errors, []);
    await strict.close();
  });

  test('preview, filter, draw a grouped bar chart and download XLSX', async () => {
    const page = await citizen.newPage();
    await page.goto(s.url + path);
    assert.equal(await page.locator('#data-preview-table tbody tr').count(), 20);
    assert.deepEqual(await accessibilityProblems(page), []);

    await page.selectOption('#dfc', 'district');
    await page.fill('#dfv', '海曙区');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL(/dfc=district/);
    assert.equal(await page.locator('#data-preview-table tbody tr').count(), 15);
    assert.match((await page.locator('#data-preview [role=status]').textContent()) ?? '', /15/);
    const cells = await page.locator('#data-preview-table tbody tr td:first-child').allTextContents();
    assert.deepEqual([...new Set(cells.map((c) => c.trim()))], ['海曙区']);

    await page.selectOption('#cx', 'district');
    await page.selectOption('#cf', 'sum');
    await page.selectOption('#cy', 'beds');
    await page.selectOption('#cg', 'category');
    await page.getByRole('button', { name: '绘图' }).click();
    await page.waitForURL(/cg=category/);
    // The filter stays: the chart is of the filtered rows' district only.
    assert.match(page.url(), /dfc=district/);
    await page.locator('.dataset-data .chart canvas').first().waitFor();
    const series = await page.evaluate(() => {
      const el = document.querySelector('.dataset-data .chart') as HTMLElement;
      const chart = (window as any).echarts.getInstanceByDom(el);
      return chart
        .getOption()
        .series.map((x: { name: string; data: number[] }) => ({ name: x.name, data: x.data }));
    });
    assert.deepEqual(series.map((x: { name: string }) => x.name).sort(), ['医院', '诊所']);
    assert.deepEqual(
      series.map((x: { data: number[] }) => x.data.length),
      [1, 1],
    );
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, 'dataset-data-chart');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[data-format="xlsx"]').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = await download.path();
    const head = fs.readFileSync(file).subarray(0, 2).toString('latin1');
    assert.equal(head, 'PK', 'an XLSX (zip) file');
    await page.close();
  });
});
