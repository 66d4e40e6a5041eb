// Query limits under attack (issue 12, ADR 0027), against a real `kaifang serve` on loopback:
//  - the two SQL bombs of the red-team report, as written (sizes in the statement) and with their
//    sizes taken from data (so the first wall cannot see them): time until each is refused or cut,
//    against the time limit + 2 s;
//  - 8 heavy queries at once from 4 signed-in callers (a 10^12-row join that runs to the time
//    limit, a distinct count that needs more than the engine's memory, a CPU-bound function that
//    ignores interrupts) with the two data-sized bombs from an anonymous caller beside them;
//  - resident memory of the server and of its query processes, sampled every 50 ms, against the
//    configured caps + 300 MB; and the latency of a normal request (`GET /api/v1/datasets`)
//    every 250 ms while that runs, against 1 s, next to the same request before the attack.
//   npm run bench query-limits
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const BOMBS = {
  'repeat 2e9 (literal)': `SELECT length(repeat('x', 2000000000))`,
  'regexp_replace 1e8 (literal)': `SELECT length(regexp_replace(repeat('a', 100000000), 'a', 'bbbbbbbbbb', 'g'))`,
  'repeat 2e9 (size from data)': `SELECT length(repeat(x, n)) FROM (SELECT 'x' AS x, 2000000000 AS n)`,
  'regexp_replace 1e8 (size from data)': `SELECT length(regexp_replace(repeat(x, n), 'a', 'bbbbbbbbbb', 'g')) FROM (SELECT 'a' AS x, 100000000 AS n)`,
};
const MILLION = `(SELECT unnest(generate_series(1, 1000000)) AS x)`;
const HEAVY = [
  `SELECT count(*) FROM ${MILLION} a, ${MILLION} b`,
  `SELECT count(DISTINCT x::VARCHAR || repeat('y', 300)) FROM ${MILLION} a`,
  `SELECT levenshtein(repeat('ab', 30000), repeat('ba', 30000))`,
  `SELECT sum(length(repeat(x::VARCHAR, 1000))) FROM ${MILLION} a, (SELECT 1 UNION ALL SELECT 2) b`,
];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

const rssMB = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};
const childrenOf = (pid: number): number[] => {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};
const sizeMB = (s: string) => {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG])(i?)B$/i.exec(s)!;
  return (Number(m[1]) * (m[3] ? 1024 : 1000) ** ('KMG'.indexOf(m[2].toUpperCase()) + 1)) / 1024 ** 2;
};

export default async function bench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-query-bench-'));
  let server: ChildProcess | null = null;
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAIFANG_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    };
    delete env.DATABASE_URL;
    const timeoutMs = Number(env.KAIFANG_QUERY_TIMEOUT_MS ?? 10000);
    const processCap = sizeMB(env.KAIFANG_QUERY_PROCESS_MEMORY ?? '768MB');
    const concurrency = Number(env.KAIFANG_QUERY_CONCURRENCY ?? 4);
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(root, 'bin/kaifang.js'), ...args], {
        env,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`kaifang ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    cli(['migrate']);
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      cli(['user', 'add', '--email', `bench${i}@kaifang.test`, '--role', 'public']);
      tokens.push(cli(['token', 'create', '--email', `bench${i}@kaifang.test`]));
    }
    const port = await freePort();
    server = spawn(process.execPath, [path.join(root, 'bin/kaifang.js'), 'serve'], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = server.pid!;
    const query = async (sql: string, token?: string) => {
      const t = performance.now();
      const r = await fetch(`${base}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ sql }),
      });
      const body = (await r.json()) as { error?: { code: string } };
      return { status: r.status, code: body.error?.code ?? 'ok', seconds: (performance.now() - t) / 1000 };
    };
    const normal = async () => {
      const t = performance.now();
      const r = await fetch(`${base}/api/v1/datasets`);
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`normal request answered ${r.status}`);
      return performance.now() - t;
    };

    // Warm: the first query starts the query processes.
    await query('SELECT 1');
    const quiet: number[] = [];
    for (let i = 0; i < 10; i++) quiet.push(await normal());
    const baseline = rssMB(pid);
    console.log(
      `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; limits: time ${timeoutMs / 1000} s, query process ${processCap.toFixed(0)} MiB, ${concurrency} queries at once; server ${baseline.toFixed(0)} MB resident after warm-up`,
    );

    let serverPeak = 0;
    let childPeak = 0;
    let totalPeak = 0;
    const sampler = setInterval(() => {
      const s = rssMB(pid);
      const kids = childrenOf(pid).map(rssMB);
      serverPeak = Math.max(serverPeak, s);
      childPeak = Math.max(childPeak, ...kids, 0);
      totalPeak = Math.max(totalPeak, s + kids.reduce((a, b) => a + b, 0));
    }, 50);

    console.log(`\nbombs one at a time (limit: ${timeoutMs / 1000 + 2} s each):`);
    for (const [name, sql] of Object.entries(BOMBS)) {
      const r = await query(sql);
      console.log(
        `  ${name.padEnd(38)} ${r.status} ${r.code.padEnd(20)} ${r.seconds.toFixed(2)} s  ${r.seconds <= timeoutMs / 1000 + 2 ? 'ok' : 'OVER'}`,
      );
    }

    console.log(
      '\nattack: 8 heavy queries from 4 signed-in callers + 2 data-sized bombs from an anonymous one',
    );
    const during: number[] = [];
    let attacking = true;
    const probe = (async () => {
      while (attacking) {
        during.push(await normal());
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const heavy = HEAVY.flatMap((sql, i) => [query(sql, tokens[i]), query(sql, tokens[i])]);
    const bombs = [
      query(BOMBS['repeat 2e9 (size from data)']),
      query(BOMBS['regexp_replace 1e8 (size from data)']),
    ];
    const results = await Promise.all([...heavy, ...bombs]);
    attacking = false;
    await probe;
    clearInterval(sampler);
    const tally = new Map<string, number>();
    for (const r of results)
      tally.set(`${r.status} ${r.code}`, (tally.get(`${r.status} ${r.code}`) ?? 0) + 1);
    console.log(`  answers: ${[...tally].map(([k, n]) => `${n} × ${k}`).join(', ')}`);
    const slowest = Math.max(...results.map((r) => r.seconds));
    console.log(
      `  slowest answer ${slowest.toFixed(2)} s (limit ${timeoutMs / 1000 + 2} s) ${slowest <= timeoutMs / 1000 + 2 ? 'ok' : 'OVER'}`,
    );
    const sorted = [...during].sort((a, b) => a - b);
    const quietMedian = [...quiet].sort((a, b) => a - b)[5];
    console.log(
      `  normal request during the attack: ${during.length} requests, median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (target < 1000 ms; ${quietMedian.toFixed(0)} ms before the attack) ${sorted[sorted.length - 1] < 1000 ? 'ok' : 'OVER'}`,
    );
    console.log(
      `\nresident memory (peaks over bombs and attack):\n  server process ${serverPeak.toFixed(0)} MB (${baseline.toFixed(0)} MB at rest; grew ${(serverPeak - baseline).toFixed(0)} MB, target < 300 MB) ${serverPeak - baseline < 300 ? 'ok' : 'OVER'}`,
    );
    console.log(
      `  largest query process ${childPeak.toFixed(0)} MB (cap ${processCap.toFixed(0)} MiB + 300 MB) ${childPeak < processCap + 300 ? 'ok' : 'OVER'}`,
    );
    const budget = baseline + concurrency * processCap + 300;
    console.log(
      `  server + query processes ${totalPeak.toFixed(0)} MB (at rest + ${concurrency} × cap + 300 MB = ${budget.toFixed(0)} MB) ${totalPeak < budget ? 'ok' : 'OVER'}`,
    );
    const after = await query('SELECT 42 AS answer', tokens[0]);
    console.log(`\nafter the attack: SELECT 42 → ${after.status} in ${(after.seconds * 1000).toFixed(0)} ms`);
  } finally {
    if (server?.pid) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
