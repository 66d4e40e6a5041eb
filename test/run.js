#!/usr/bin/env node
// The test entry point (`npm test`): starts a throwaway PostgreSQL cluster unless
// KAIFANG_TEST_DATABASE_URL is given, runs every test file on node:test, stops the cluster.
// With CI set, a cluster that cannot start is a failure, not a skip (tests on a real server are required).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './helpers/pg-cluster.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// The tests run on the project's runtime (ADR 0024): the Node 24 that `npm ci` installs, also when
// this script was started by an older `node` (`node test/run.js file…` on the machine's Node 20).
const nodeBin =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : path.join(root, 'node_modules', '.bin', 'node');
if (!fs.existsSync(nodeBin)) {
  console.error(`# the tests need Node.js 24 or later (this is ${process.version}); run \`npm ci\` first`);
  process.exit(1);
}

function findFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
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
const child = spawn(nodeBin, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  stopCluster();
  process.exit(code ?? (signal ? 1 : 0));
});
