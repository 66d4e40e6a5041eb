import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { SHOTS, accessibilityProblems, launchBrowser, shot } from '../helpers/browser.ts';

/** The portal and console in headless Chromium, on the demo catalogue (PGlite). */
describe('portal and console in a browser', () => {
  let s: TestServer;
  let browser: Browser;
  let anon: BrowserContext;

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    s = await startServer('pglite', webOptions());
    await loadDemo(s.ctx);
    browser = await launchBrowser();
    // axe is injected as a script tag, which the portal's CSP (script-src 'self') would block;
    // contexts that run axe bypass CSP, and the first test checks the pages under the real CSP.
    anon = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      bypassCSP: true,
    });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('under the real CSP, pages run their scripts with no errors and draw charts from the embedded data', async () => {
    const strict = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await strict.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    for (const p of ['/', `/datasets?q=${encodeURIComponent('公积金')}`, '/about', '/console/sign-in'])
      await page.goto(s.url + p, { waitUntil: 'networkidle' });
    await page.goto(s.url + '/', { waitUntil: 'networkidle' });
    await page.waitForSelector('.chart[data-drawn] canvas');
    assert.deepEqual(errors, []);
    await shot(page, 'home');
    await strict.close();
  });

  test('home has no serious accessibility problems', async () => {
    const page = await anon.newPage();
    await page.goto(s.url + '/', { waitUntil: 'networkidle' });
    assert.deepEqual(await accessibilityProblems(page), []);
    await page.close();
  });

  test('search in Chinese and open a result', async () => {
    const page = await anon.newPage();
    await page.goto(s.url + '/');
    await page.fill('#q', '公积金');
    await page.press('#q', 'Enter');
    await page.waitForURL(/\/datasets\?q=/);
    const results = page.locator('.results .card-title a');
    assert.ok((await results.count()) >= 2);
    assert.ok((await page.locator('.results').innerText()).includes('住房公积金缴存情况'));
    assert.ok(!(await page.content()).includes('住房公积金缴存单位名录'), 'the draft is not found');
    await shot(page, 'search');
    assert.deepEqual(await accessibilityProblems(page), []);
    await page.locator('.results .card-title a', { hasText: '缴存情况' }).first().click();
    await page.waitForSelector('h1');
    assert.equal((await page.locator('h1').innerText()).trim(), '住房公积金缴存情况');
    // The API samples become tabs.
    assert.equal(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      0,
      'no horizontal scrolling',
    );
    await page.getByRole('tab', { name: 'Python' }).click();
    assert.ok(await page.locator('#snippet-python').isVisible());
    assert.ok(!(await page.locator('#snippet-curl').isVisible()));
    await shot(page, 'dataset');
    assert.deepEqual(await accessibilityProblems(page), []);
    await page.close();
  });

  test('switch to English and back; the choice persists across pages', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(s.url + '/datasets');
    await page.click('a[data-switch="lang"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.ok((await page.locator('nav.main-nav').innerText()).includes('Datasets'));
    await page.click('nav.main-nav >> text=About the data');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.ok((await page.locator('h1').innerText()).includes('About the data'));
    await page.click('a[data-switch="lang"]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.ok((await page.locator('h1').innerText()).includes('关于数据'));
    await context.close();
  });

  test('keyboard only: the skip link leads to the search box, and on to the first result', async () => {
    const page = await anon.newPage();
    await page.goto(`${s.url}/datasets?q=${encodeURIComponent('公积金')}`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'q',
      'the search box follows the skip link',
    );
    const firstResult = await page.locator('.results .card-title a').first().getAttribute('href');
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        (href) =>
          document.activeElement?.getAttribute('href') === href &&
          !!document.activeElement?.closest('.results'),
        firstResult,
      );
    }
    assert.ok(reached, 'the first result is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(firstResult!.replace(/[.?]/g, '\\$&')));
    await page.close();
  });

  test('a department creates a dataset: one invalid field is shown and nothing saved; fixed, published, found publicly', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      bypassCSP: true,
    });
    const page = await context.newPage();
    await page.goto(s.url + '/console');
    await page.waitForURL(/\/console\/sign-in/);
    await page.fill('#email', 'gjj@demo.kaifang');
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('form.stack-form button[type="submit"]');
    await page.waitForURL(/\/console$/);
    await page.click('main >> text=新建数据集');
    await page.waitForURL(/\/console\/datasets\/new/);
    assert.deepEqual(await accessibilityProblems(page), []);

    const title = '公积金提取业务办理量';
    await page.fill('#title', title);
    await page.fill('#description', '按月统计住房公积金提取笔数和金额，按提取原因分类。');
    await page.check('input[name="themes"][value="urban_housing"]');
    await page.fill('#tags', '公积金，提取');
    await page.fill('#updateFrequency', '每月');
    await page.fill('#spatial', '明州');
    await page.fill('#fields-0-name', 'month');
    await page.fill('#fields-0-title', '月份');
    await page.click('.form-actions button[type="submit"]');
    await page.waitForSelector('#spatial-error');
    assert.match(await page.locator('#spatial-error').innerText(), /行政区划代码/);
    assert.equal(await page.inputValue('#title'), title, 'values are kept');
    assert.equal(await page.inputValue('#fields-0-title'), '月份');
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'error-summary',
      'focus moves to the errors',
    );
    await shot(page, 'console-form-errors');
    assert.deepEqual(await accessibilityProblems(page), []);
    const saved = await s.ctx.db.selectFrom('dataset').select('id').where('title', '=', title).execute();
    assert.equal(saved.length, 0, 'nothing saved');

    await page.click('a[href="#spatial"]');
    await page.fill('#spatial', '339900');
    await shot(page, 'console-form');
    await page.click('.form-actions button[type="submit"]');
    await page.waitForURL(/\/console\/datasets\/[0-9a-f-]{36}\?done=created/);
    await page.click('button:has-text("发布")');
    await page.waitForURL(/done=publish/);
    assert.ok((await page.locator('.notice').innerText()).includes('已发布'));

    const visitor = await anon.newPage();
    await visitor.goto(s.url + '/');
    await visitor.fill('#q', '公积金提取');
    await visitor.press('#q', 'Enter');
    await visitor.waitForURL(/\/datasets\?q=/);
    await visitor.locator('.results .card-title a', { hasText: '提取业务办理量' }).click();
    assert.equal((await visitor.locator('h1').innerText()).trim(), title);
    await visitor.close();
    await context.close();
  });

  test('the one-click application form has no serious accessibility problems', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      bypassCSP: true,
    });
    const page = await context.newPage();
    const d = await s.ctx.db
      .selectFrom('dataset')
      .select('code')
      .where('open_tier', '=', 'conditional')
      .where('status', '=', 'published')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    await page.goto(`${s.url}/apply?dataset=${d.code}`);
    await page.click('main a.button.primary');
    await page.fill('#email', 'citizen@demo.kaifang');
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('form.stack-form button[type="submit"]');
    await page.waitForURL(/\/apply\?dataset=/);
    await page.waitForSelector('#purpose');
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, 'apply-form');
    await context.close();
  });

  test('phone width: no horizontal scrolling on home, search and dataset pages', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 740 },
      locale: 'zh-CN',
      isMobile: true,
    });
    const page = await phone.newPage();
    const dataset = await s.ctx.db
      .selectFrom('dataset')
      .select('slug')
      .where('title', '=', '住房公积金缴存情况')
      .executeTakeFirstOrThrow();
    for (const p of [
      '/',
      `/datasets?q=${encodeURIComponent('公积金')}`,
      '/about',
      `/datasets/${dataset.slug}`,
      '/organisations',
    ]) {
      await page.goto(s.url + p);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${p} overflows by ${overflow}px`);
    }
    await shot(page, 'phone-about');
    await phone.close();
  });

  test('high-contrast mode has no serious accessibility problems either', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(s.url + '/');
    await page.click('a[data-switch="a11y"]');
    await page.waitForSelector('html.a11y');
    assert.deepEqual(await accessibilityProblems(page), []);
    await shot(page, 'home-high-contrast');
    await context.close();
  });
});
