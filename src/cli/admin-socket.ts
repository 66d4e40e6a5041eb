import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { Context } from '../platform/index.ts';
import { handlers, type Args, type CommandIO } from './commands.ts';

/**
 * While `kaifang serve` holds the embedded database, other `kaifang` commands run inside it
 * through a Unix socket in the data directory. The socket is mode 0600 in a directory only its
 * owner should read: reaching it means having the data files anyway, so it grants nothing new.
 */
export const socketPath = (dataDir: string) => path.join(dataDir, 'kaifang.sock');

type Message = { stream: 'out' | 'err'; line: string } | { exit: number };

export function serveAdminSocket(ctx: Context, dataDir: string): () => Promise<void> {
  const file = socketPath(dataDir);
  fs.rmSync(file, { force: true });
  const server = net.createServer((conn) => {
    const send = (m: Message) => conn.write(JSON.stringify(m) + '\n');
    const io: CommandIO = {
      out: (line) => send({ stream: 'out', line }),
      err: (line) => send({ stream: 'err', line }),
      progress: () => ({ update() {}, stop() {} }),
    };
    readline.createInterface({ input: conn }).once('line', async (line) => {
      let exit = 1;
      try {
        const { name, args } = JSON.parse(line) as { name: string; args: Args };
        const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
        if (!handler) io.err(`unknown command ${name}`);
        else exit = await handler(ctx, args ?? {}, io);
      } catch (err) {
        io.err(err instanceof Error ? err.message : String(err));
      }
      send({ exit });
      conn.end();
    });
    conn.on('error', () => undefined);
  });
  server.listen(file, () => fs.chmodSync(file, 0o600));
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      fs.rmSync(file, { force: true });
    });
}

export function callAdminSocket(dataDir: string, name: string, args: Args): Promise<number> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socketPath(dataDir));
    conn.on('error', (err) =>
      reject(new Error(`the running server did not answer on ${socketPath(dataDir)}: ${err.message}`)),
    );
    conn.on('connect', () => conn.write(JSON.stringify({ name, args }) + '\n'));
    let exit = 1;
    readline
      .createInterface({ input: conn })
      .on('line', (line) => {
        const m = JSON.parse(line) as Message;
        if ('exit' in m) exit = m.exit;
        else (m.stream === 'out' ? process.stdout : process.stderr).write(m.line + '\n');
      })
      .on('close', () => resolve(exit));
  });
}
