import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { waitForServer } from './process.ts';

// The helper every test server start goes through: its failures must be loud and carry the log.
test('a server that never answers fails the wait with its output, and is stopped', async () => {
  const child = spawn(process.execPath, [
    '-e',
    'console.log("listening nowhere"); setInterval(() => {}, 1000)',
  ]);
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  await new Promise((resolve) => child.stdout.once('data', resolve));
  await assert.rejects(
    waitForServer(
      'the stub',
      child,
      () => log,
      async () => false,
      300,
    ),
    /the stub did not come up within 0.3 s; its output:\nlistening nowhere/,
  );
  await new Promise((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve),
  );
  assert.equal(child.signalCode, 'SIGKILL');
});

test('a server that exits before it answers fails the wait at once, with its output', async () => {
  const child = spawn(process.execPath, [
    '-e',
    'console.error("KAIFANG_RATE_LIMIT must be an integer"); process.exit(1)',
  ]);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  await assert.rejects(
    waitForServer(
      'the stub',
      child,
      () => log,
      async () => false,
    ),
    /the stub exited \(1\) before it answered:\nKAIFANG_RATE_LIMIT must be an integer/,
  );
});

test('the wait ends as soon as the server answers', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  let calls = 0;
  await waitForServer(
    'the stub',
    child,
    () => '',
    async () => ++calls === 3,
  );
  assert.equal(calls, 3);
  child.kill();
});
