import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/platform/index.ts';
import { api, kaifang, serve } from './helpers.ts';

describe('kaifang CLI on the embedded database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-cli-'));
  const env = { KAIFANG_DATA_DIR: dir };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('user add, token create, then the API accepts the token; tokens also work while the server runs', async () => {
    const added = kaifang(env, 'user', 'add', '--email', 'ops@city.gov.cn', '--role', 'sysadmin');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).role, 'sysadmin');
    const badRole = kaifang(env, 'user', 'add', '--email', 'x@city.gov.cn', '--role', 'emperor');
    assert.notEqual(badRole.code, 0);
    assert.match(badRole.stderr, /role must be one of/);
    // The password policy holds for the CLI too: ten a's were accepted before issue 12.
    for (const password of ['aaaaaaaaaa', 'password1234']) {
      const weak = kaifang(
        env,
        'user',
        'add',
        '--email',
        'w@city.gov.cn',
        '--role',
        'public',
        '--password',
        password,
      );
      assert.notEqual(weak.code, 0, password);
      assert.match(weak.stderr, /validation_failed.*"field":"password"/);
    }
    const first = kaifang(env, 'token', 'create', '--email', 'ops@city.gov.cn');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^kf_[A-Za-z0-9_-]+$/);
    assert.notEqual(kaifang(env, 'token', 'create', '--email', 'nobody@city.gov.cn').code, 0);

    const server = await serve(env);
    try {
      // The server holds the embedded database; the CLI reaches it through the server.
      const second = kaifang(env, 'token', 'create', '--email', 'ops@city.gov.cn');
      assert.equal(second.code, 0, second.stderr);
      for (const token of [first.stdout, second.stdout]) {
        assert.equal((await api(server.url, 'GET', '/api/v1/me', token)).body.email, 'ops@city.gov.cn');
      }
      const org = await api(server.url, 'POST', '/api/v1/organisations', second.stdout, {
        name: '明州市测试局',
        orgCode: '11339900MB1234567X',
        regionCode: '339900',
        adminLevel: 'prefecture',
      });
      assert.equal(org.status, 201);
      const ds = await api(server.url, 'POST', '/api/v1/datasets', second.stdout, {
        title: '公交线路站点信息',
        description: '全市公交线路与站点。',
        orgId: org.body.id,
        themes: ['transport'],
        openTier: 'unconditional',
        shareTier: 'unconditional',
        updateFrequency: '每月',
      });
      assert.equal(ds.status, 201);
      assert.equal((await api(server.url, 'GET', `/api/v1/datasets/${ds.body.id}`)).status, 404);
      assert.equal(
        (await api(server.url, 'POST', `/api/v1/datasets/${ds.body.id}/publish`, second.stdout)).status,
        200,
      );
      assert.equal(
        (await api(server.url, 'GET', `/api/v1/datasets/${ds.body.id}`)).body.updateFrequency,
        'monthly',
      );
      const reindex = kaifang(env, 'reindex', '--compact');
      assert.equal(reindex.code, 0, reindex.stderr);
      assert.match(reindex.stdout, /search index rebuilt: 1 datasets/);
      assert.match(reindex.stdout, /search index compacted in/);
      const found = await api(server.url, 'GET', `/api/v1/datasets?q=${encodeURIComponent('公交')}`);
      assert.equal(found.body.items[0]?.id, ds.body.id, 'still found after the rebuild and the compaction');
      assert.equal(kaifang(env, 'reindex', '--batch', 'lots').code, 1);
      const reminders = kaifang(env, 'reminders');
      assert.equal(reminders.code, 0, reminders.stderr);
      assert.equal(JSON.parse(reminders.stdout).expired, 0);
      const verify = kaifang(env, 'audit', 'verify');
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, /audit log intact: \d+ events verified/);
    } finally {
      await server.stop();
    }
    assert.equal(fs.existsSync(path.join(dir, 'kaifang.sock')), false, 'socket removed on shutdown');
  });

  test('audit verify fails after a row of the audit table is altered by hand', async () => {
    assert.equal(kaifang(env, 'audit', 'verify').code, 0);
    const database = await openDatabase({ databaseUrl: null, dataDir: dir });
    await database.exec(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
      UPDATE audit_event SET actor_id = NULL WHERE seq = 2;
      ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update;`);
    await database.close();
    const r = kaifang(env, 'audit', 'verify');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TAMPERED at event 2/);
  });

  test('invalid configuration stops with a message naming each variable', () => {
    const r = kaifang({ ...env, PORT: 'eighty', KAIFANG_RATE_LIMIT: 'abc' }, 'serve');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PORT must be an integer/);
    assert.match(r.stderr, /KAIFANG_RATE_LIMIT must be an integer between 1 and 1000000 \(got "abc"\)/);
    // Commands check the same configuration, their own variables included.
    const add = kaifang(
      { ...env, KAIFANG_PASSWORD: '' },
      'user',
      'add',
      '--email',
      'p@city.gov.cn',
      '--role',
      'public',
    );
    assert.equal(add.code, 1);
    assert.match(add.stderr, /KAIFANG_PASSWORD must not be empty/);
  });
});

describe('npm start: demo catalogue on an empty embedded database, loaded once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-demo-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  test('first start loads the demo, restart keeps the same data without duplicating it', async () => {
    const first = await serve({ KAIFANG_DATA_DIR: dir }, '--demo');
    const list1 = await api(first.url, 'GET', '/api/v1/datasets?pageSize=1');
    const orgs1 = await api(first.url, 'GET', '/api/v1/organisations');
    // The generated tables are ingested by the server's worker after it answers: wait for one.
    const found = await api(
      first.url,
      'GET',
      `/api/v1/datasets?q=${encodeURIComponent('社会保险参保人数统计')}`,
    );
    const stats = found.body.items.find((d: { title: string }) => d.title === '社会保险参保人数统计');
    let dist: { ingestStatus: string; rowCount: number | null } | undefined;
    for (let i = 0; i < 1200 && dist?.ingestStatus !== 'succeeded'; i++) {
      if (i) await new Promise((r) => setTimeout(r, 250));
      dist = (await api(first.url, 'GET', `/api/v1/datasets/${stats.id}/distributions`)).body.items?.[0];
    }
    await first.stop();
    assert.equal(dist?.ingestStatus, 'succeeded', first.output());
    assert.equal(dist?.rowCount, 240);
    // Node prints process warnings (Fastify's deprecations among them) as `(node:pid) [CODE] …Warning`.
    assert.doesNotMatch(first.output(), /\(node:\d+\).*Warning/, 'no deprecation or other warning at start');
    assert.ok(list1.body.total >= 50, `demo datasets published: ${list1.body.total}`);
    assert.ok(orgs1.body.total >= 10);
    const second = await serve({ KAIFANG_DATA_DIR: dir }, '--demo');
    const list2 = await api(second.url, 'GET', '/api/v1/datasets?pageSize=1');
    const orgs2 = await api(second.url, 'GET', '/api/v1/organisations');
    const search = await api(second.url, 'GET', `/api/v1/datasets?q=${encodeURIComponent('公积金')}`);
    await second.stop();
    assert.equal(list2.body.total, list1.body.total);
    assert.equal(orgs2.body.total, orgs1.body.total);
    assert.ok(search.body.items.some((d: { title: string }) => d.title === '住房公积金缴存情况'));
  });
});

describe(
  'the same build on a PostgreSQL server (DATABASE_URL)',
  { skip: !process.env.KAIFANG_TEST_DATABASE_URL && 'no PostgreSQL server' },
  () => {
    let url: string;
    const name = `kaifang_cli_${process.pid}`;
    before(async () => {
      const c = new pg.Client({ connectionString: process.env.KAIFANG_TEST_DATABASE_URL });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      url = process.env.KAIFANG_TEST_DATABASE_URL!.replace(/\/[^/]*$/, `/${name}`);
    });
    after(async () => {
      const c = new pg.Client({ connectionString: process.env.KAIFANG_TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    test('migrate, user add, token create and serve run against the server', async () => {
      const env = {
        DATABASE_URL: url,
        KAIFANG_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-pgcli-')),
      };
      const m = kaifang(env, 'migrate');
      assert.equal(m.code, 0, m.stderr);
      assert.equal(kaifang(env, 'migrate').stdout, 'database is up to date');
      assert.equal(kaifang(env, 'user', 'add', '--email', 'ops@city.gov.cn', '--role', 'authority').code, 0);
      const token = kaifang(env, 'token', 'create', '--email', 'ops@city.gov.cn').stdout;
      const server = await serve(env);
      try {
        assert.equal((await api(server.url, 'GET', '/healthz')).body.database, 'postgres');
        assert.equal((await api(server.url, 'GET', '/api/v1/me', token)).body.role, 'authority');
      } finally {
        await server.stop();
      }
    });
  },
);
