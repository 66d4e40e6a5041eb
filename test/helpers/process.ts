import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Starts a process and keeps what it prints, stdout and stderr as they come, for failure messages. */
export function spawnLogged(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { ...options, stdio: 'pipe' });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

/**
 * Waits for a server the test started to answer `ready()`. When it exits first, or has not come up
 * by `guardMs` (generous: a guard, never a timing assertion), the test fails here, with the
 * server's own output, instead of later on a bare "fetch failed"; a server that hangs is stopped.
 */
export async function waitForServer(
  name: string,
  child: ChildProcess,
  output: () => string,
  ready: () => Promise<boolean>,
  guardMs = 120_000,
): Promise<void> {
  const started = Date.now();
  let last: unknown = null;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await drained(child);
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before it answered:\n${output()}`,
      );
    }
    try {
      if (await ready()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started > guardMs) {
      child.kill('SIGKILL');
      const why = last instanceof Error ? ` (last attempt: ${last.message})` : '';
      throw new Error(`${name} did not come up within ${guardMs / 1000} s${why}; its output:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Its last words: a process's pipes may still hold output when it has exited. */
const drained = (child: ChildProcess) =>
  Promise.race([
    Promise.all(
      [child.stdout, child.stderr].map((s) =>
        !s || s.closed ? null : new Promise((resolve) => s.once('close', resolve)),
      ),
    ),
    new Promise((resolve) => setTimeout(resolve, 5000).unref()),
  ]);
