#!/usr/bin/env node
// The test entry point (`npm test`): starts a throwaway PostgreSQL cluster unless
// KAIFANG_TEST_DATABASE_URL is given, runs every test file on node:test, stops the cluster.
// With CI set, a cluster that cannot start is a failure, not a skip (tests on a real server are required).
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function findFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function pgBinDir() {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(fs.realpathSync(onPath));
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startCluster() {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found; install Debian package postgresql');
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-pg-'));
  const port = await freePort();
  const run = (cmd, cmdArgs) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...cmdArgs]] : [cmd, cmdArgs];
    const r = spawnSync(full[0], full[1], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout || r.error}`);
  };
  if (asRoot) {
    fs.chmodSync(dir, 0o700);
    spawnSync('chown', ['postgres:postgres', dir]);
  }
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  run(path.join(bin, 'pg_ctl'), [
    '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  const stop = () => {
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

let cluster = null;
const env = { ...process.env };
if (!env.KAIFANG_TEST_DATABASE_URL) {
  try {
    cluster = await startCluster();
    env.KAIFANG_TEST_DATABASE_URL = cluster.url;
    console.log(`# PostgreSQL test cluster at ${cluster.url}`);
  } catch (err) {
    if (env.CI) {
      console.error(`# CI is set and no PostgreSQL server could start: ${err.message}`);
      process.exit(1);
    }
    console.warn(`# PostgreSQL tests will be skipped: ${err.message}`);
  }
}
const stopCluster = () => cluster?.stop();
process.on('SIGINT', () => { stopCluster(); process.exit(130); });

const files = args.length ? args : findFiles(path.join(root, 'test')).sort();
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  stopCluster();
  process.exit(code ?? (signal ? 1 : 0));
});
