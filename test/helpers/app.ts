import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/http/index.ts';
import { createLogger, loadConfig, type Context } from '../../src/platform/index.ts';
import { ManualClock } from '../../src/platform/index.ts';
import { createToken, createUser } from '../../src/identity/index.ts';
import { freshDatabase, type DriverName } from './db.ts';

export interface TestServer {
  ctx: Context;
  clock: ManualClock;
  app: FastifyInstance;
  url: string;
  /** fetch against the running server; JSON bodies are encoded, and parsed on the way back. */
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** A user of the given role with an API token. */
  userWithToken(
    role: 'public' | 'department' | 'reviewer' | 'authority' | 'sysadmin',
    orgId?: string | null,
  ): Promise<{ id: string; token: string; email: string }>;
  close(): Promise<void>;
}

let seq = 0;

/** The real server on a random port over a fresh database of the given kind; `env` adds configuration. */
export async function startServer(
  kind: DriverName,
  options: AppOptions = {},
  env: Record<string, string> = {},
): Promise<TestServer> {
  const { database, drop } = await freshDatabase(kind);
  const config = {
    ...loadConfig({ KAIFANG_DATA_DIR: '.tmp/test-data', LOG_LEVEL: 'silent', ...env }),
    port: 0,
  };
  const clock = new ManualClock(new Date('2026-03-02T09:00:00+08:00'));
  const ctx: Context = { config, database, db: database.db, clock, logger: createLogger('silent') };
  const app = await buildApp(ctx, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    ctx,
    clock,
    app,
    url,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      } else if (opts.raw !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(url + path, { method, headers, body, redirect: 'manual' });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async userWithToken(role, orgId = null) {
      const email = `${role}${++seq}@test.kaifang`;
      const u = await createUser(ctx, null, { email, role, orgId });
      const t = await createToken(ctx, null, u.id, 'test');
      return { id: u.id, token: t.token, email };
    },
    async close() {
      await app.close();
      await drop();
    },
  };
}

export const orgBody = (n: number | string, extra: Record<string, unknown> = {}) => ({
  name: `测试市第${n}局`,
  orgCode: `11339900MB${String(n).padStart(7, '0')}X`.slice(0, 18),
  regionCode: '339900',
  adminLevel: 'prefecture',
  ...extra,
});

export const datasetBody = (orgId: string, extra: Record<string, unknown> = {}) => ({
  title: '住房公积金缴存情况',
  description: '本市住房公积金缴存单位数、缴存人数和缴存金额的月度统计。',
  orgId,
  themes: ['urban_housing'],
  tags: ['公积金', '住房'],
  contact: { name: '数据科', email: 'data@example.gov.cn', phone: '0571-00000000' },
  openTier: 'unconditional',
  shareTier: 'unconditional',
  updateFrequency: '每年年底',
  license: 'gov-open',
  spatial: '339900',
  temporal: { start: '2020-01-01', end: '2025-12-31' },
  language: 'zh',
  fields: [
    { name: 'month', title: '月份', type: 'date' },
    { name: 'payers', title: '缴存人数', type: 'integer', unit: '人' },
    { name: 'amount', title: '缴存金额', type: 'number', unit: '万元' },
  ],
  scenario: '住房保障政策研究',
  relations: [],
  source: '市住房公积金管理中心业务系统',
  version: '1.0',
  ...extra,
});
