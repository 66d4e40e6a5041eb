import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertKey, keyOfPath, keyPath, LIST_PAGE, spool, type Spooled } from './spool.ts';
import type { BlobInfo, BlobRef, BlobStore } from './store.ts';
import { sha256File } from './hash.ts';

/** Blobs as files under one directory; temporary files live beside them so the final rename is atomic. */
export function fileBlobStore(root: string): BlobStore {
  const tmp = path.join(root, '.tmp');
  const finalPath = (key: string) => {
    assertKey(key);
    return path.join(root, keyPath(key));
  };
  const commit = async (s: Spooled): Promise<BlobRef> => {
    const target = finalPath(s.sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) {
      await fs.promises.rm(s.file, { force: true });
      const now = new Date();
      await fs.promises.utimes(target, now, now);
    } else await fs.promises.rename(s.file, target);
    return { key: s.sha256, size: s.size };
  };
  return {
    kind: 'file',
    localRoots: [root],
    put: async (source, opts) => commit(await spool(source, tmp, opts)),
    async putFile(file) {
      await fs.promises.mkdir(tmp, { recursive: true });
      const { sha256, size } = await sha256File(file);
      // Same filesystem: a rename. Elsewhere: copy through the temporary directory.
      const staged = path.join(tmp, `${path.basename(file)}.${process.pid}.put`);
      try {
        await fs.promises.rename(file, staged);
      } catch {
        await fs.promises.copyFile(file, staged);
        await fs.promises.rm(file, { force: true });
      }
      return commit({ file: staged, sha256, size });
    },
    has: async (key) => fs.existsSync(finalPath(key)),
    read: async (key): Promise<Readable> => {
      const p = finalPath(key);
      await fs.promises.access(p);
      return fs.createReadStream(p);
    },
    async localPath(key) {
      const p = finalPath(key);
      await fs.promises.access(p);
      return p;
    },
    delete: (key) => fs.promises.rm(finalPath(key), { force: true }),
    async stat(key) {
      try {
        const st = await fs.promises.stat(finalPath(key));
        return { key, size: st.size, modified: st.mtime };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async *list() {
      let page: BlobInfo[] = [];
      for await (const file of walk(root)) {
        const key = keyOfPath(path.relative(root, file).split(path.sep).join('/'));
        if (!key) continue;
        const st = await fs.promises.stat(file).catch(() => null);
        if (!st) continue; // deleted while we walked
        page.push({ key, size: st.size, modified: st.mtime });
        if (page.length === LIST_PAGE) {
          yield page;
          page = [];
        }
      }
      if (page.length) yield page;
    },
  };
}

/** Files under `dir`, streamed: a store may hold millions. The temporary directory is skipped. */
async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.promises.opendir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for await (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
