import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createDistribution } from '../../src/catalog/index.ts';
import { actorOf, findUserByEmail } from '../../src/identity/index.ts';
import { DEMO_PASSWORD, attachFileNow, loadDemo } from '../../src/demo/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { SHOTS, accessibilityProblems, launchBrowser, shot } from '../helpers/browser.ts';

/** Accessible and photographed: every new page goes through this once. */
async function check(page: Page, name: string): Promise<void> {
  assert.deepEqual(await accessibilityProblems(page), [], name);
  await shot(page, name);
}

/** The hospital statistics (医院门急诊服务量统计): conditionally open, five fields. */
const CSV = [
  'stat_month,hospital,outpatient_visits,discharges,avg_stay_days',
  '2025-10,明州市第一医院,182340,6120,7.9',
  '2025-10,明州市中医院,96510,2980,8.4',
  '2025-11,明州市第一医院,176002,5987,7.7',
  '2025-11,明州市中医院,93877,2871,8.6',
].join('\n');

/**
 * Tiered opening in a real browser (PGlite, demo catalogue): a citizen applies in one click, the
 * providing department approves two of five fields, the citizen downloads exactly those two.
 * Every new page is checked with axe and photographed into test-results/.
 */
describe('applications, grants and oversight in a browser', () => {
  let s: TestServer;
  let browser: Browser;
  let tmp: string;
  let dataset: { id: string; slug: string; code: string; title: string };
  let distributionId: string;

  const context = (): Promise<BrowserContext> =>
    // axe is injected as a script tag, which the CSP (script-src 'self') would block; the portal
    // suite checks the pages under the real CSP.
    browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      bypassCSP: true,
      acceptDownloads: true,
    });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.fill('#email', email);
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('form.stack-form button[type="submit"]');
  }

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-e2e-'));
    s = await startServer('pglite', webOptions());
    await loadDemo(s.ctx);
    dataset = await s.ctx.db
      .selectFrom('dataset')
      .select(['id', 'slug', 'code', 'title'])
      .where('title', '=', '医院门急诊服务量统计')
      .executeTakeFirstOrThrow();
    // The department puts its data into the dataset through the data plane, as an upload would.
    const staff = actorOf((await findUserByEmail(s.ctx.db, 'wjw@demo.kaifang'))!);
    const dist = await createDistribution(s.ctx, staff, dataset.id, {
      title: '门急诊服务量（CSV）',
      format: 'CSV',
    });
    distributionId = dist.id;
    const file = path.join(tmp, 'hospital.csv');
    fs.writeFileSync(file, CSV);
    const job = await attachFileNow(s.ctx, staff, dist.id, file, 'hospital.csv');
    assert.equal(job?.state, 'succeeded', JSON.stringify(job));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a citizen applies in one click, the department approves two fields, the citizen downloads exactly those', async () => {
    // ---- the citizen applies from the dataset page --------------------------------------------
    const citizenContext = await context();
    const citizen = await citizenContext.newPage();
    await citizen.goto(`${s.url}/datasets/${dataset.slug}`);
    // No data before approval: the file is listed, not offered.
    assert.equal(
      await citizen.locator(`a[href*="/api/v1/distributions/${distributionId}/download"]`).count(),
      0,
    );
    await citizen.click('.access-box a.button.primary');
    await citizen.waitForURL(/\/apply\?dataset=/);
    await citizen.click('main a.button.primary');
    await signIn(citizen, 'citizen@demo.kaifang');
    await citizen.waitForURL(/\/apply\?dataset=/);
    assert.equal(await citizen.inputValue('#name'), '社会公众用户', 'prefilled from the profile');
    await citizen.fill('#purpose', '分析本市公立医院门急诊负荷的季节变化');
    await citizen.fill('#scenario', '学术研究：医疗资源配置');
    await citizen.fill('#periodEnd', '2026-12-31');
    await citizen.check('#accepted');
    await citizen.click('form.dataset-form button[type="submit"]');
    await citizen.waitForSelector('text=申请已提交');
    await citizen.click('main a[href="/my/applications"]');
    await citizen.waitForURL(/\/my\/applications$/);
    assert.ok((await citizen.locator('main').innerText()).includes('待答复'));
    await check(citizen, 'workflow-my-applications');

    // ---- the providing department approves a field scope ----------------------------------------
    const deptContext = await context();
    const dept = await deptContext.newPage();
    await dept.goto(`${s.url}/console/applications`);
    await dept.waitForURL(/\/console\/sign-in/);
    await signIn(dept, 'wjw@demo.kaifang');
    await dept.waitForURL(/\/console\/applications$/);
    assert.ok(await dept.locator('.count-badge').isVisible(), 'the new application is announced');
    await check(dept, 'workflow-console-inbox');
    await dept.locator('.wf-requests a', { hasText: dataset.title }).click();
    await dept.waitForSelector('#approve-form');
    await check(dept, 'workflow-console-decision');
    for (const f of ['stat_month', 'discharges', 'avg_stay_days'])
      await dept.uncheck(`input[name="ds[0][fields]"][value="${f}"]`);
    await dept.selectOption('#approve-reportEvery', 'quarterly');
    await dept.fill('#approve-reason', '同意用于学术研究，仅限医院名称与门急诊人次');
    await dept.click('#approve-form button[type="submit"]');
    await dept.waitForURL(/done=approve/);
    assert.ok((await dept.locator('.notice').first().innerText()).includes('已通过'));

    // ---- the citizen is told, opens the grant and downloads ----------------------------------
    await citizen.goto(`${s.url}/notifications`);
    assert.ok((await citizen.locator('main').innerText()).includes('有条件开放申请已通过'));
    await check(citizen, 'workflow-notifications');
    await citizen.goto(`${s.url}/my/applications`);
    const card = await citizen.locator('main').innerText();
    assert.ok(card.includes('医院名称、门急诊人次'), card);
    await citizen.click('text=下载数据、创建 API 令牌');
    await citizen.waitForURL(/\/my\/grants\//);
    await check(citizen, 'workflow-grant');
    const [download] = await Promise.all([citizen.waitForEvent('download'), citizen.click('a.wf-download')]);
    const saved = path.join(tmp, 'download.csv');
    await download.saveAs(saved);
    const lines = fs
      .readFileSync(saved, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    assert.equal(lines[0], 'hospital,outpatient_visits', 'exactly the granted fields');
    assert.deepEqual(lines.slice(1), [
      '明州市第一医院,182340',
      '明州市中医院,96510',
      '明州市第一医院,176002',
      '明州市中医院,93877',
    ]);

    // A token for programs: shown once, reads the same two fields.
    await citizen.fill('#token-name', '研究脚本');
    await citizen.click('#token-form button[type="submit"]');
    const token = (await citizen.locator('#new-token').innerText()).trim();
    assert.match(token, /^kf_/);
    await check(citizen, 'workflow-grant-token');
    const viaToken = await fetch(`${s.url}/api/v1/distributions/${distributionId}/download?format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(viaToken.status, 200);
    assert.equal(
      (await viaToken.text()).replace(/^\uFEFF/, '').split(/\r?\n/)[0],
      'hospital,outpatient_visits',
    );
    // Someone without the grant gets nothing.
    const anon = await fetch(`${s.url}/api/v1/distributions/${distributionId}/download?format=csv`);
    assert.equal(anon.status, 403);

    // ---- the department revokes; the public notice shows it; the data stops -------------------
    await dept.goto(`${s.url}/console/grants`);
    await check(dept, 'workflow-console-grants');
    await dept.click('.data-table a[href^="/console/grants/"]');
    await dept.waitForSelector('#revoke-form');
    await check(dept, 'workflow-console-grant');
    await dept.fill('#revoke-reason', '将数据提供给第三方，违反安全承诺');
    await dept.click('#revoke-form button[type="submit"]');
    await dept.waitForURL(/done=grant_revoke/);
    const revokedRead = await fetch(`${s.url}/api/v1/distributions/${distributionId}/download?format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(revokedRead.status, 401, 'the grant’s token died with it');
    const ownRead = await citizen.request.get(
      `${s.url}/api/v1/distributions/${distributionId}/download?format=csv`,
    );
    assert.equal(ownRead.status(), 403, 'and the citizen’s own session reads nothing');
    await citizen.goto(citizen.url().replace(/\/tokens$/, ''));
    assert.ok((await citizen.locator('main').innerText()).includes('已撤销'));
    assert.equal(await citizen.locator('a.wf-download').count(), 0, 'no download offered');

    const publicContext = await context();
    const visitor = await publicContext.newPage();
    await visitor.goto(`${s.url}/`);
    await visitor.click('footer a[href="/notices/revocations"]');
    await visitor.waitForURL(/\/notices\/revocations/);
    const notice = await visitor.locator('main').innerText();
    assert.ok(notice.includes('社*'));
    assert.ok(notice.includes('违反安全承诺'));
    await check(visitor, 'workflow-revocations');
    await Promise.all([citizenContext.close(), deptContext.close(), publicContext.close()]);
  });

  test('a decision without a reason: the error is shown next to the field, focus on the summary', async () => {
    const c = await context();
    const citizen = await c.newPage();
    const other = await s.ctx.db
      .selectFrom('dataset')
      .select('code')
      .where('title', '=', '巡游出租车运营数据')
      .executeTakeFirstOrThrow();
    await citizen.goto(`${s.url}/console/sign-in?next=${encodeURIComponent(`/apply?dataset=${other.code}`)}`);
    await signIn(citizen, 'citizen@demo.kaifang');
    await citizen.waitForURL(/\/apply\?dataset=/);
    await citizen.fill('#purpose', '研究出租车出行');
    await citizen.fill('#scenario', '学术研究');
    await citizen.fill('#periodEnd', '2026-12-31');
    await citizen.check('#accepted');
    await citizen.click('form.dataset-form button[type="submit"]');
    await citizen.waitForSelector('text=申请已提交');

    const d = await c.newPage();
    await c.clearCookies();
    await d.goto(`${s.url}/console/applications`);
    await signIn(d, 'jtj@demo.kaifang');
    await d.waitForURL(/\/console\/applications$/);
    await d.locator('.wf-requests a').first().click();
    await d.waitForSelector('#reject-form');
    await d.click('#reject-form button[type="submit"]');
    await d.waitForSelector('#reject-reason-error');
    assert.equal(
      (await d.locator('#reject-reason-error').innerText()).replace('错误：', '').trim(),
      '请填写理由',
    );
    assert.equal(await d.evaluate(() => document.activeElement?.id), 'error-summary');
    await check(d, 'workflow-console-decision-error');
    await c.close();
  });

  test('sharing pages and the data authority’s oversight, with a chart of overdue items', async () => {
    const c = await context();
    const page = await c.newPage();
    await page.goto(`${s.url}/console/sharing/new`);
    await signIn(page, 'gjj@demo.kaifang');
    await page.waitForURL(/\/console\/sharing\/new/);
    await check(page, 'workflow-sharing-choose');
    await page.locator('.data-table tr', { hasText: '个人社保缴费明细' }).locator('a.button').click();
    await page.waitForSelector('#purpose');
    await page.fill('#purpose', '核验公积金贷款申请人的社保缴费');
    await page.fill('#scenario', '公积金贷款审批');
    await page.fill('#periodEnd', '2026-12-31');
    await page.check('#accepted-0');
    await check(page, 'workflow-sharing-form');
    await page.click('form.dataset-form button[type="submit"]');
    await page.waitForURL(/\/console\/sharing\/[0-9a-f-]{36}\?done=submitted/);
    await check(page, 'workflow-sharing-request');
    await page.goto(`${s.url}/console/sharing?view=mine`);
    await check(page, 'workflow-sharing-list');
    await c.close();

    // Past the deadline: the authority sees it per department, drawn and tabulated.
    s.clock.advance(8 * 24 * 3600 * 1000);
    const a = await context();
    const boss = await a.newPage();
    await boss.goto(`${s.url}/console/oversight`);
    await signIn(boss, 'authority@demo.kaifang');
    await boss.waitForURL(/\/console\/oversight/);
    await boss.waitForSelector('.chart[data-drawn] canvas');
    const table = await boss.locator('#overdue-caption').locator('..').innerText();
    assert.ok(table.includes('明州市人力资源和社会保障局') || table.includes('人力资源'), table);
    await check(boss, 'workflow-oversight');
    await boss.click('a[data-switch="a11y"]');
    await boss.waitForSelector('html.a11y');
    assert.deepEqual(await accessibilityProblems(boss), [], 'high-contrast mode');
    await a.close();
  });
});
