import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { assertKey, keyOfPath, keyPath, LIST_PAGE, spool, type Spooled } from './spool.ts';
import type { BlobInfo, BlobRef, BlobStore } from './store.ts';
import { sha256File } from './hash.ts';

/**
 * `s3://bucket/prefix[?endpoint=http://minio:9000&region=…&forcePathStyle=1]`. Credentials come
 * from the standard AWS chain (environment, profile, instance role), never from the URL.
 */
export function parseS3Url(
  url: string,
  defaultRegion: string,
): {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
} {
  const u = new URL(url);
  if (u.protocol !== 's3:' || !u.hostname)
    throw new Error('KAIFANG_BLOB_URL must look like s3://bucket/prefix');
  const prefix = u.pathname.replace(/^\/+|\/+$/g, '');
  return {
    bucket: u.hostname,
    prefix: prefix ? `${prefix}/` : '',
    endpoint: u.searchParams.get('endpoint') ?? undefined,
    region: u.searchParams.get('region') ?? defaultRegion,
    forcePathStyle: ['1', 'true'].includes(u.searchParams.get('forcePathStyle') ?? ''),
  };
}

const missing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Objects in a bucket, spooled through `localDir` on the way in (the key is the content's hash,
 * known only at the end) and cached there on the way out: DuckDB reads local files, and a
 * content-addressed cache can never be stale.
 */
export function s3BlobStore(url: string, localDir: string, defaultRegion: string): BlobStore {
  const cfg = parseS3Url(url, defaultRegion);
  const client = new S3Client({
    region: cfg.region,
    ...(cfg.endpoint && { endpoint: cfg.endpoint }),
    forcePathStyle: cfg.forcePathStyle,
  });
  const tmp = path.join(localDir, 'tmp', 'blobs');
  const cache = path.join(localDir, 'cache', 'blobs');
  const objectKey = (key: string) => {
    assertKey(key);
    return cfg.prefix + keyPath(key);
  };
  const stat = async (key: string): Promise<BlobInfo | null> => {
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key) }));
      return { key, size: r.ContentLength ?? 0, modified: r.LastModified ?? new Date() };
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  };
  const upload = (s: Spooled) =>
    client.send(
      new PutObjectCommand({
        Bucket: cfg.bucket,
        Key: objectKey(s.sha256),
        Body: fs.createReadStream(s.file),
        ContentLength: s.size,
      }),
    );
  /** Copying an object onto itself is how S3 renews its modified time without moving the bytes. */
  const renew = (key: string) =>
    client.send(
      new CopyObjectCommand({
        Bucket: cfg.bucket,
        Key: objectKey(key),
        CopySource: `${cfg.bucket}/${objectKey(key).split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
      }),
    );
  const commit = async (s: Spooled): Promise<BlobRef> => {
    try {
      if (!(await stat(s.sha256))) await upload(s);
      // Objects past S3's 5 GB copy limit, or stores without self-copy, get the bytes again.
      else await renew(s.sha256).catch(() => upload(s));
      return { key: s.sha256, size: s.size };
    } finally {
      await fs.promises.rm(s.file, { force: true });
    }
  };
  const read = async (key: string): Promise<Readable> => {
    const r = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key) }));
    return r.Body as Readable;
  };
  return {
    kind: 's3',
    localRoots: [cache],
    put: async (source, opts) => commit(await spool(source, tmp, opts)),
    async putFile(file) {
      const { sha256, size } = await sha256File(file);
      return commit({ file, sha256, size });
    },
    has: async (key) => (await stat(key)) !== null,
    stat,
    read,
    async localPath(key) {
      assertKey(key);
      const target = path.join(cache, keyPath(key));
      if (fs.existsSync(target)) return target;
      const s = await spool(await read(key), tmp);
      if (s.sha256 !== key) {
        await fs.promises.rm(s.file, { force: true });
        throw new Error(`blob ${key} came back with different content`);
      }
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.rename(s.file, target);
      return target;
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key) }));
      await fs.promises.rm(path.join(cache, keyPath(key)), { force: true });
    },
    async *list() {
      const pages = paginateListObjectsV2(
        { client, pageSize: LIST_PAGE },
        { Bucket: cfg.bucket, Prefix: cfg.prefix },
      );
      for await (const page of pages) {
        const blobs: BlobInfo[] = [];
        for (const o of page.Contents ?? []) {
          const key = keyOfPath((o.Key ?? '').slice(cfg.prefix.length));
          if (key) blobs.push({ key, size: o.Size ?? 0, modified: o.LastModified ?? new Date() });
        }
        if (blobs.length) yield blobs;
      }
    },
  };
}
