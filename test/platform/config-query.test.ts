import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesOf, ConfigError, loadConfig } from '../../src/platform/index.ts';

test('query limits have safe defaults and are read from the environment', () => {
  const d = loadConfig({}).data;
  assert.equal(d.queryProcessMemory, '768MB');
  assert.equal(d.queryAnonymousConcurrency, 2);
  assert.equal(d.queryPerCaller, 2);
  assert.ok(d.queryAnonymousConcurrency <= d.queryConcurrency);
  const set = loadConfig({
    KAIFANG_QUERY_PROCESS_MEMORY: '2GiB',
    KAIFANG_QUERY_GRACE_MS: '500',
    KAIFANG_QUERY_MAX_STRING: '5000',
    KAIFANG_QUERY_MAX_RESULT_BYTES: '4096',
    KAIFANG_QUERY_ANONYMOUS_CONCURRENCY: '1',
    KAIFANG_QUERY_PER_CALLER: '3',
  }).data;
  assert.deepEqual(
    [set.queryProcessMemory, set.queryGraceMs, set.queryMaxString, set.queryMaxResultBytes],
    ['2GiB', 500, 5000, 4096],
  );
  assert.deepEqual([set.queryAnonymousConcurrency, set.queryPerCaller], [1, 3]);
});

test('query limits that cannot work stop the start, naming the variable', () => {
  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems.join('\n');
    }
    assert.fail(`accepted ${JSON.stringify(env)}`);
  };
  assert.match(problems({ KAIFANG_QUERY_PROCESS_MEMORY: 'lots' }), /KAIFANG_QUERY_PROCESS_MEMORY/);
  // The process must hold the engine's memory and Node and DuckDB themselves.
  assert.match(
    problems({ KAIFANG_QUERY_MEMORY: '1GB', KAIFANG_QUERY_PROCESS_MEMORY: '1GB' }),
    /KAIFANG_QUERY_PROCESS_MEMORY must be at least/,
  );
  assert.match(
    problems({ KAIFANG_QUERY_CONCURRENCY: '2', KAIFANG_QUERY_ANONYMOUS_CONCURRENCY: '3' }),
    /KAIFANG_QUERY_ANONYMOUS_CONCURRENCY must not exceed/,
  );
  assert.match(problems({ KAIFANG_QUERY_PER_CALLER: '0' }), /KAIFANG_QUERY_PER_CALLER/);
  assert.match(problems({ KAIFANG_QUERY_MAX_STRING: '-1' }), /KAIFANG_QUERY_MAX_STRING/);
});

test('sizes are read as DuckDB reads them', () => {
  assert.equal(bytesOf('256MB'), 256e6);
  assert.equal(bytesOf('1GiB'), 1024 ** 3);
  assert.equal(bytesOf('1.5 GB'), 1.5e9);
  assert.equal(bytesOf('512'), null);
});
