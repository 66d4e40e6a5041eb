import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Thrown when a stream passes its byte limit; whatever was written is removed. */
export class BlobTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`content exceeds ${limit} bytes`);
    this.name = 'BlobTooLarge';
  }
}

export interface Spooled {
  file: string;
  sha256: string;
  size: number;
}

/**
 * Copies a stream into a fresh file under `dir`, hashing as it goes, so content is addressed
 * by its sha256 without ever being held whole in memory. The file is fsynced before it is
 * handed back; on any failure (limit, abort, source error) it is removed.
 */
export async function spool(
  source: Readable | AsyncIterable<Uint8Array>,
  dir: string,
  opts: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<Spooled> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
  const hash = createHash('sha256');
  const fd = await fs.promises.open(file, 'wx', 0o600);
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      opts.signal?.throwIfAborted();
      size += chunk.byteLength;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new BlobTooLarge(opts.maxBytes);
      hash.update(chunk);
      await fd.write(chunk);
    }
    opts.signal?.throwIfAborted();
    await fd.sync();
    await fd.close();
    return { file, sha256: hash.digest('hex'), size };
  } catch (err) {
    await fd.close().catch(() => undefined);
    await fs.promises.rm(file, { force: true });
    // Stop the producer too (an HTTP upload keeps sending otherwise).
    if (typeof (source as Readable).destroy === 'function') (source as Readable).destroy();
    throw err;
  }
}

/** Blob keys are sha256 hex digests; anything else is refused before it reaches a path or an S3 key. */
export function assertKey(key: string): void {
  if (!isKey(key)) throw new Error(`not a blob key: ${key.slice(0, 80)}`);
}

export const isKey = (key: string) => /^[0-9a-f]{64}$/.test(key);

/** `ab/cd/abcd…`: two levels of fan-out keep directories small on any filesystem. */
export const keyPath = (key: string) => `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;

/** The key a relative path names, or null when it is not a blob's own path (`ab/cd/abcd…`). */
export function keyOfPath(relative: string): string | null {
  const key = relative.slice(relative.lastIndexOf('/') + 1);
  return isKey(key) && keyPath(key) === relative ? key : null;
}

/** Listings come in pages of this many blobs: one page is one batch for whoever reads them. */
export const LIST_PAGE = 1000;
