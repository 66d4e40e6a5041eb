import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessEnv } from '../platform/index.ts';
import type { ReplyMessage, RunMessage } from './query-worker.ts';

/**
 * The server's side of query processes (ADR 0027). DuckDB's memory limit covers its buffers but
 * not the strings a scalar function builds, and its interrupt is only heeded between vectors; so
 * each user query runs in a child process that the kernel holds to a data limit, that is polled
 * for its resident memory and killed past the cap, and that is killed when the query runs past
 * its time limit plus a grace. A kill costs that process only: the next query takes another.
 */

const here = fileURLToPath(import.meta.url);
/** Sources run through tsx (ADR 0003); a build runs the emitted .js next to this file. */
const workerFile = path.join(path.dirname(here), `query-worker${path.extname(here)}`);
const loader = path.extname(here) === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
/** Processes kept started and waiting: one spare hides the start-up (Node and DuckDB, about a second). */
const SPARES = 1;
const MAX_IDLE = 2;
const POLL_MS = 100;

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
}

export interface ProcessLimits {
  /** Hard cap on the process's data and resident memory, in bytes. */
  capBytes: number;
  timeoutMs: number;
  graceMs: number;
}

/** What became of a query: the process's answer, or why the server killed the process. */
export type Outcome =
  | { kind: 'reply'; reply: Exclude<ReplyMessage, { type: 'ready' }> }
  | { kind: 'killed'; reason: 'timeout' | 'memory' | 'exit' };

function start(capBytes: number): Child {
  // --jitless: Node 24's V8 reserves address space for JIT code (CodeRange) that a data limit under
  // about 640 MB refuses, and the process would not start; its JavaScript only relays DuckDB's work.
  const args = ['--jitless', ...loader, workerFile];
  const options: SpawnOptions = {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
    // The process that runs hostile SQL holds no secrets: not the database URL, not storage keys.
    env: childProcessEnv(),
  };
  // `ulimit -d` is the kernel's RLIMIT_DATA: past it malloc fails and DuckDB reports out of memory.
  // Where it cannot be set (a lower hard limit) the process still starts: the resident memory check holds.
  const proc: ChildProcess =
    process.platform === 'linux'
      ? spawn(
          '/bin/sh',
          [
            '-c',
            `ulimit -d ${Math.floor(capBytes / 1024)} 2>/dev/null; exec "$0" "$@"`,
            process.execPath,
            ...args,
          ],
          options,
        )
      : spawn(process.execPath, args, options);
  // A waiting process never keeps the server from exiting; it exits when the server's channel closes.
  proc.unref();
  proc.channel?.unref();
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (m: ReplyMessage) => {
      if (m?.type !== 'ready') return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) =>
      reject(new Error(`query process exited (${code}) before it was ready`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    proc.once('error', reject);
  });
  // A send to a process that just died emits 'error'; its 'exit' already ends whatever it was doing.
  proc.on('error', () => {});
  return { proc, ready };
}

async function residentBytes(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

class QueryProcesses {
  private idle: Child[] = [];
  private seq = 0;

  constructor(private readonly capBytes: number) {}

  private spawn(): Child {
    const child = start(this.capBytes);
    const drop = () => {
      this.idle = this.idle.filter((c) => c !== child);
    };
    child.proc.once('exit', drop);
    child.ready.catch(drop);
    return child;
  }

  private take(): Child {
    const child = this.idle.shift() ?? this.spawn();
    while (this.idle.length < SPARES) this.idle.push(this.spawn());
    return child;
  }

  private give(child: Child): void {
    if (this.idle.length < MAX_IDLE) this.idle.push(child);
    else child.proc.kill('SIGKILL');
  }

  async run(message: Omit<RunMessage, 'type' | 'id' | 'timeoutMs'>, limits: ProcessLimits): Promise<Outcome> {
    // The time limit counts from here: waiting for a process to start is part of the query's time.
    const started = performance.now();
    const child = this.take();
    let wait: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      child.ready.then(() => true),
      new Promise<false>((resolve) => (wait = setTimeout(() => resolve(false), limits.timeoutMs))),
    ]).finally(() => clearTimeout(wait));
    const timeoutMs = Math.floor(limits.timeoutMs - (performance.now() - started));
    if (!ready || timeoutMs <= 0) {
      // Ready too late to run anything within the limit: kept for the next query; never ready: gone.
      if (ready) this.give(child);
      else child.proc.kill('SIGKILL');
      return { kind: 'killed', reason: 'timeout' };
    }
    const id = ++this.seq;
    const { proc } = child;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome, reuse: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(killer);
        clearInterval(poll);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        // A process that grew is not trusted with the next query: its memory may not come back.
        if (reuse && proc.exitCode === null) this.give(child);
        else proc.kill('SIGKILL');
        resolve(outcome);
      };
      const onMessage = (reply: ReplyMessage) => {
        if (reply.type !== 'ready' && reply.id === id)
          finish({ kind: 'reply', reply }, reply.rss < this.capBytes / 2);
      };
      const onExit = () => finish({ kind: 'killed', reason: 'exit' }, false);
      const killer = setTimeout(
        () => finish({ kind: 'killed', reason: 'timeout' }, false),
        timeoutMs + limits.graceMs,
      );
      const poll = setInterval(() => {
        void residentBytes(proc.pid).then((rss) => {
          if (rss !== null && rss > this.capBytes) finish({ kind: 'killed', reason: 'memory' }, false);
        });
      }, POLL_MS);
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      proc.send({ ...message, type: 'run', id, timeoutMs } satisfies RunMessage);
    });
  }
}

const pools = new Map<number, QueryProcesses>();

/** Runs one statement in a query process held to `limits`. */
export function runInProcess(
  message: Omit<RunMessage, 'type' | 'id' | 'timeoutMs'>,
  limits: ProcessLimits,
): Promise<Outcome> {
  let pool = pools.get(limits.capBytes);
  if (!pool) pools.set(limits.capBytes, (pool = new QueryProcesses(limits.capBytes)));
  return pool.run(message, limits);
}
