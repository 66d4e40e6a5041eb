import { spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { spawnLogged, waitForServer } from '../helpers/process.ts';

export const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/kaifang.js');

/** Runs `kaifang …` to its end. */
export function kaifang(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

export interface Running {
  child: ChildProcess;
  /** What the process printed so far, stdout and stderr as they came. */
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `kaifang …` (serve, worker) in the background. */
export function start(env: Record<string, string>, ...args: string[]): Running {
  const { child, output } = spawnLogged(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  return {
    child,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** `kaifang serve …` on a free port, once it answers /healthz; if it never does, fails with its log. */
export async function serve(
  env: Record<string, string>,
  ...args: string[]
): Promise<Running & { url: string }> {
  const port = await freePort();
  const server = start({ PORT: String(port), ...env }, 'serve', ...args);
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(
    `kaifang serve ${args.join(' ')}`.trim(),
    server.child,
    server.output,
    async () => (await fetch(`${url}/healthz`)).ok,
  );
  return { ...server, url };
}

export const api = async (url: string, method: string, p: string, token?: string, body?: unknown) => {
  const res = await fetch(url + p, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};
