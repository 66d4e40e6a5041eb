import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DemoCatalogueError, readDemoCatalogue } from '../../src/demo/index.ts';
import { CATALOGUE_DIR, TABLES_DIR } from '../../src/demo/catalogue.ts';

const { city: demoCity, datasets: demoDatasets, organisations: demoOrganisations } = readDemoCatalogue();

const THEMES = [
  'culture_sports',
  'education_science',
  'energy_environment',
  'transport',
  'livelihood',
  'health',
  'public_safety',
  'agriculture',
  'institutions',
  'finance_tax',
  'social_security_employment',
  'economy_trade',
  'credit',
  'urban_housing',
  'geography_meteorology',
  'market_supervision',
];

function csvHeader(file: string): string[] {
  const url = new URL(`../../src/demo/tables/${file}`, import.meta.url);
  const text = readFileSync(fileURLToPath(url), 'utf8').replace(/^\uFEFF/, '');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.split(',').map((c) => c.trim());
}

function byTitle(title: string) {
  const d = demoDatasets.find((x) => x.title === title);
  assert.ok(d, `missing demo dataset ${title}`);
  return d;
}

test('demo city has a six-digit region code', () => {
  assert.match(demoCity.regionCode, /^\d{6}$/);
  assert.ok(demoCity.name.length > 0 && demoCity.nameEn.length > 0);
});

test('organisations: at least 10, unique keys and 18-char org codes', () => {
  assert.ok(demoOrganisations.length >= 10);
  const keys = new Set(demoOrganisations.map((o) => o.key));
  assert.equal(keys.size, demoOrganisations.length);
  assert.ok(keys.has('dsj'), 'data bureau has key dsj');
  const codes = new Set(demoOrganisations.map((o) => o.orgCode));
  assert.equal(codes.size, demoOrganisations.length);
  for (const o of demoOrganisations) {
    assert.equal(o.orgCode.length, 18, o.name);
    assert.match(o.key, /^[a-z0-9_-]+$/);
    assert.equal(o.parentId ?? null, null);
    assert.equal(o.regionCode, demoCity.regionCode);
    assert.equal(o.adminLevel, 'prefecture');
  }
});

test('datasets: at least 55, each linked to a known organisation', () => {
  assert.ok(demoDatasets.length >= 55);
  const keys = new Set(demoOrganisations.map((o) => o.key));
  for (const d of demoDatasets) assert.ok(keys.has(d.orgKey), `${d.title}: unknown org ${d.orgKey}`);
  const titles = new Set(demoDatasets.map((d) => d.title));
  assert.equal(titles.size, demoDatasets.length, 'titles are unique');
  assert.ok(demoDatasets.some((d) => d.publish));
  assert.ok(demoDatasets.some((d) => !d.publish));
});

test('all themes, open tiers and share tiers are covered', () => {
  const themes = new Set(demoDatasets.flatMap((d) => d.themes));
  for (const t of THEMES) assert.ok(themes.has(t), `theme ${t} covered`);
  for (const t of themes) assert.ok(THEMES.includes(t), `unknown theme ${t}`);
  const open = new Set(demoDatasets.map((d) => d.openTier));
  assert.deepEqual([...open].sort(), ['conditional', 'not_open', 'unconditional']);
  const share = new Set(demoDatasets.map((d) => d.shareTier));
  assert.deepEqual([...share].sort(), ['conditional', 'not_shared', 'unconditional']);
});

test('tier details are filled in where the tier needs them', () => {
  for (const d of demoDatasets) {
    if (d.openTier === 'conditional') {
      assert.ok(d.openConditions, `${d.title}: openConditions`);
      assert.equal(d.license, 'conditional-agreement', d.title);
    }
    if (d.openTier === 'not_open') assert.ok(d.notOpenReason, `${d.title}: notOpenReason`);
    if (d.openTier === 'not_open') assert.ok(d.notOpenLegalBasis, `${d.title}: notOpenLegalBasis`);
    if (d.shareTier === 'not_shared')
      assert.ok(
        d.notSharedReason && d.notSharedLegalBasis,
        `${d.title}: not shared without reason and basis`,
      );
  }
});

test('update frequencies include every label and some free text', () => {
  const freqs = new Set(demoDatasets.map((d) => d.updateFrequency));
  for (const label of ['实时', '每日', '每周', '每月', '每季度', '每半年', '每年', '不定期', '不更新']) {
    assert.ok(freqs.has(label), `frequency ${label}`);
  }
  for (const free of ['每年年底', '不定时', '按季度']) assert.ok(freqs.has(free), `free text ${free}`);
});

test('each dataset has at least 3 fields with unique names', () => {
  for (const d of demoDatasets) {
    const fields = d.fields ?? [];
    assert.ok(fields.length >= 3, `${d.title}: ${fields.length} fields`);
    const names = new Set(fields.map((f) => f.name));
    assert.equal(names.size, fields.length, `${d.title}: duplicate field names`);
    for (const f of fields) assert.match(f.name, /^[a-z][a-z0-9_]*$/, `${d.title}: ${f.name}`);
    assert.ok(d.description.length > 0 && (d.tags?.length ?? 0) >= 2, d.title);
  }
});

test('titles the search tests rely on exist', () => {
  assert.ok(byTitle('住房公积金缴存情况').tags?.includes('公积金'));
  assert.ok(byTitle('医疗机构名录').themes.includes('health'));
  byTitle('公交线路站点信息');
  byTitle('空气质量监测数据');
  assert.ok(byTitle('企业登记注册信息').fields?.some((f) => f.title === '统一社会信用代码'));
  byTitle('不动产登记办理指南');
  assert.ok(byTitle('社会保险参保人数统计').tags?.includes('社保'));
  const detail = byTitle('个人社保缴费明细');
  assert.equal(detail.openTier, 'conditional');
  const idField = detail.fields?.find((f) => f.title === '身份证号');
  assert.ok(idField, '身份证号 field');
  assert.equal(idField.personal, true);
  assert.ok(demoDatasets.some((d) => d.openTier === 'not_open'));
});

test('demo-file datasets match the bundled CSV headers', () => {
  const platforms = demoDatasets.filter((d) => d.table?.file === 'appendix1-platforms-2021.csv');
  const counts = demoDatasets.filter((d) => d.table?.file === 'appendix3-datasets-2021.csv');
  assert.equal(platforms.length, 1);
  assert.equal(counts.length, 1);
  assert.equal(demoDatasets.filter((d) => d.table).length, 2);
  const p = platforms[0]!;
  const c = counts[0]!;
  assert.equal(p.title, '全国政府数据开放平台名录（2021）');
  assert.equal(c.title, '各平台开放数据集数量统计（2021）');
  assert.deepEqual(
    p.fields?.map((f) => f.name),
    csvHeader('appendix1-platforms-2021.csv'),
  );
  assert.deepEqual(
    c.fields?.map((f) => f.name),
    csvHeader('appendix3-datasets-2021.csv'),
  );
  for (const d of [p, c]) {
    assert.deepEqual(d.themes, ['institutions']);
    assert.match(d.source ?? '', /中国地方政府数据开放平台利用报告（2021）/);
    assert.equal(d.publish, true);
  }
});

/** A copy of the catalogue with one department file changed by `edit`. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaifang-demo-catalogue-'));
  cpSync(CATALOGUE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    readDemoCatalogue(dir, TABLES_DIR);
  } catch (err) {
    assert.ok(err instanceof DemoCatalogueError, String(err));
    return err.problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.fail('a broken catalogue was accepted');
}

test('a wrong field type is reported with its file, dataset and field', () => {
  const dir = brokenCopy('rsj.json', (t) => {
    const department = JSON.parse(t);
    department.datasets[1].fields[0].type = 'text';
    return JSON.stringify(department);
  });
  const problems = problemsOf(dir);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /(^|\/)rsj\.json: datasets\[1\] \(个人社保缴费明细\)\.fields\[0\]\.type: /);
});

test('rules beyond the shape, misspelt keys, missing tables and stray files are reported too', () => {
  const dir = brokenCopy('dsj.json', (t) =>
    t
      .replace('"themes": ["institutions"]', '"themes": ["weather"]')
      .replace('"publish": false', '"publsh": false')
      .replace('appendix3-datasets-2021.csv', 'appendix9.csv'),
  );
  writeFileSync(join(dir, 'extra.json'), '{}');
  const problems = problemsOf(dir);
  assert.ok(
    problems.some((p) => /(^|\/)dsj\.json: datasets\[0\] .*\.themes\[0\]: Unknown theme: weather$/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /(^|\/)dsj\.json: datasets\[3\] .*\.publsh: Unexpected property/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /(^|\/)dsj\.json: datasets\[1\] .*\.table\.file: no file appendix9\.csv/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /(^|\/)extra\.json: not listed in city\.json/.test(p)),
    problems.join('\n'),
  );
});

test('a file that is not JSON is named', () => {
  const problems = problemsOf(brokenCopy('gjj.json', (t) => t.slice(0, 100)));
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /(^|\/)gjj\.json: .*JSON/);
});
