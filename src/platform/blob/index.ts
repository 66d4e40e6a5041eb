import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import { fileBlobStore } from './file-store.ts';
import { s3BlobStore } from './s3-store.ts';
import type { BlobStore } from './store.ts';

export type { BlobStore, BlobRef, BlobInfo } from './store.ts';
export { collectGarbage, type GcOptions, type GcSummary } from './gc.ts';
export { BlobTooLarge, spool } from './spool.ts';
export { fileBlobStore } from './file-store.ts';
export { s3BlobStore, parseS3Url } from './s3-store.ts';

const stores = new Map<string, BlobStore>();

/** The installation's blob store (KAIFANG_BLOB_URL), one per process and URL. */
export function openBlobStore(config: Pick<Config, 'blobUrl' | 'dataDir' | 's3Region'>): BlobStore {
  const id = `${config.blobUrl} ${config.dataDir} ${config.s3Region}`;
  let store = stores.get(id);
  if (!store) {
    store = config.blobUrl.startsWith('s3://')
      ? s3BlobStore(config.blobUrl, config.dataDir, config.s3Region)
      : fileBlobStore(fileURLToPath(config.blobUrl));
    stores.set(id, store);
  }
  return store;
}
