import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { createUser } from '../../src/identity/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { SHOTS, accessibilityProblems, launchBrowser, shot } from '../helpers/browser.ts';

const PASSWORD = 'calendar-keeper-2026';
const fixture = JSON.parse(fs.readFileSync('test/fixtures/holidays-2027.json', 'utf8'));

/** The yearly task in a real browser: in November the data authority imports next year's notice. */
describe('the holiday calendar in the console', () => {
  let s: TestServer;
  let browser: Browser;

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    s = await startServer('pglite', webOptions());
    await createUser(s.ctx, null, {
      email: 'keeper@test.kaifang',
      role: 'authority',
      orgId: null,
      password: PASSWORD,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const check = async (page: Page, name: string) => {
    assert.deepEqual(await accessibilityProblems(page), [], name);
    await shot(page, name);
  };

  test('the authority imports next year’s calendar and the warning goes', async () => {
    s.clock.set('2026-11-16T09:30:00+08:00');
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      bypassCSP: true,
    });
    const page = await ctx.newPage();
    await page.goto(`${s.url}/console/sign-in?next=/console`);
    await page.fill('#email', 'keeper@test.kaifang');
    await page.fill('#password', PASSWORD);
    await page.click('form.stack-form button[type="submit"]');
    await page.waitForURL(/\/console$/);
    const warning = page.locator('.calendar-warning');
    assert.match((await warning.textContent()) ?? '', /2027/);

    await warning.locator('a').click();
    await page.waitForURL(/\/console\/calendar\?year=2027/);
    assert.equal(await page.inputValue('#year'), '2027');
    await check(page, 'calendar-missing-2027');

    // A mistake first: a make-up day on a Wednesday is refused and nothing is stored.
    await page.fill('#title', fixture.title);
    await page.fill('#text', 'name,from,to,workdays\n春节,2027-02-05,2027-02-13,2027-02-17');
    await page.click('form.dataset-form button[type="submit"]');
    assert.match((await page.locator('.error-summary').textContent()) ?? '', /2027-02-17/);
    assert.equal(await page.locator('.calendar-warning').count(), 1);

    await page.fill('#text', fs.readFileSync('test/fixtures/holidays-2027.csv', 'utf8'));
    await page.click('form.dataset-form button[type="submit"]');
    await page.waitForURL(/\/console\/calendar\?done=2027/);
    assert.equal(await page.locator('.calendar-warning').count(), 0, 'the warning is gone');
    assert.match((await page.locator('.notice-success').textContent()) ?? '', /2027/);
    assert.match((await page.locator('table.data-table tbody tr').first().textContent()) ?? '', /2027/);
    await check(page, 'calendar-imported-2027');

    await page.goto(`${s.url}/console`);
    assert.equal(await page.locator('.calendar-warning').count(), 0);
    await ctx.close();
  });
});
