import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnLogged, waitForServer } from './process.ts';

// The helper every test server start goes through: its failures must be loud and carry the log.
const stub = (script: string) => spawnLogged(process.execPath, ['-e', script]);

test('a server that never answers fails the wait with its output, and is stopped', async () => {
  const { child, output } = stub('console.log("listening nowhere"); setInterval(() => {}, 1000)');
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  await assert.rejects(
    waitForServer('the stub', child, output, async () => false, 300),
    /the stub did not come up within 0.3 s; its output:\nlistening nowhere/,
  );
  await new Promise((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve),
  );
  assert.equal(child.signalCode, 'SIGKILL');
});

test('a server that exits before it answers fails the wait at once, with its output', async () => {
  const { child, output } = stub('console.error("KAIFANG_RATE_LIMIT must be an integer"); process.exit(1)');
  await assert.rejects(
    waitForServer('the stub', child, output, async () => false),
    /the stub exited \(1\) before it answered:\nKAIFANG_RATE_LIMIT must be an integer/,
  );
});

test('the wait ends as soon as the server answers', async () => {
  const { child, output } = stub('setInterval(() => {}, 1000)');
  let calls = 0;
  await waitForServer('the stub', child, output, async () => ++calls === 3);
  assert.equal(calls, 3);
  child.kill();
});
