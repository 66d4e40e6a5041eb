import fs from 'node:fs';

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt
 * it. A pid file next to the data makes the second opener fail clearly instead.
 */
export class EmbeddedDatabaseBusy extends Error {
  constructor(
    readonly pid: number,
    readonly dir: string,
  ) {
    super(`the embedded database in ${dir} is in use by process ${pid}`);
    this.name = 'EmbeddedDatabaseBusy';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockEmbedded(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && alive(pid)) throw new EmbeddedDatabaseBusy(pid, dir);
      // Left behind by a process that died: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${file}`);
}
