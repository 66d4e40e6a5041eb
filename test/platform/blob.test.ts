import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { spawnLogged, waitForServer } from '../helpers/process.ts';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BlobTooLarge,
  collectGarbage,
  fileBlobStore,
  s3BlobStore,
  parseS3Url,
  type BlobInfo,
  type BlobStore,
  type GcOptions,
} from '../../src/platform/blob/index.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const text = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
};
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    : [];

/** The same expectations for every store. */
function contract(name: string, open: () => Promise<{ store: BlobStore; scratch: string }>) {
  describe(name, () => {
    let store: BlobStore;
    let scratch: string;
    before(async () => ({ store, scratch } = await open()));

    test('content is addressed by its sha256 and stored once', async () => {
      const body = Buffer.from('序号,名称\n1,明州市\n');
      const a = await store.put(Readable.from([body.subarray(0, 5), body.subarray(5)]));
      const b = await store.put(Readable.from([body]));
      assert.equal(a.key, sha(body));
      assert.deepEqual(a, b);
      assert.equal(a.size, body.length);
      assert.equal(await store.has(a.key), true);
      assert.equal(await text(await store.read(a.key)), body.toString());
      assert.equal(fs.readFileSync(await store.localPath(a.key), 'utf8'), body.toString());
    });

    test('past the byte limit the put fails and nothing is kept', async () => {
      const before = filesUnder(scratch).length;
      const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
      await assert.rejects(
        store.put(Readable.from([big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024)]), {
          maxBytes: 1024 * 1024,
        }),
        BlobTooLarge,
      );
      assert.equal(await store.has(sha(big)), false);
      assert.equal(filesUnder(scratch).length, before, 'no partial or temporary file is left behind');
    });

    test('a failing source leaves nothing behind either', async () => {
      const before = filesUnder(scratch).length;
      async function* broken() {
        yield Buffer.from('partial data');
        throw new Error('connection reset');
      }
      await assert.rejects(store.put(broken()), /connection reset/);
      assert.equal(filesUnder(scratch).length, before);
    });

    test('putFile moves a finished file in; delete removes it; keys are checked', async () => {
      const file = path.join(os.tmpdir(), `kaifang-blob-${process.pid}-${Date.now()}.parquet`);
      fs.writeFileSync(file, 'parquet bytes');
      const ref = await store.putFile(file);
      assert.equal(ref.key, sha(Buffer.from('parquet bytes')));
      assert.equal(fs.existsSync(file), false);
      await store.delete(ref.key);
      assert.equal(await store.has(ref.key), false);
      await assert.rejects(store.localPath('../../etc/passwd'), /not a blob key/);
    });

    test('list pages through every blob with size and modified time; storing again renews it', async () => {
      const body = Buffer.from('a listed blob');
      const ref = await store.put(Readable.from([body]));
      const first = (await store.stat(ref.key))!;
      assert.equal(first.size, body.length);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // S3 keeps modified times to the second
      await store.put(Readable.from([body]));
      const renewed = (await store.stat(ref.key))!;
      assert.ok(renewed.modified > first.modified, 'the same content stored again is recent again');
      const listed: BlobInfo[] = [];
      for await (const page of store.list()) listed.push(...page);
      const found = listed.find((b) => b.key === ref.key);
      assert.equal(found?.size, body.length);
      assert.equal(
        Math.floor(found!.modified.getTime() / 1000),
        Math.floor(renewed.modified.getTime() / 1000),
      );
      assert.ok(listed.every((b) => /^[0-9a-f]{64}$/.test(b.key)));
      assert.equal(await store.stat('0'.repeat(64)), null);
    });

    test('garbage collection deletes old blobs that nothing refers to; a dry run deletes none', async () => {
      const keep = await store.put(Readable.from([Buffer.from('still referenced')]));
      const drop = await store.put(Readable.from([Buffer.from('no longer referenced')]));
      const day = 86_400_000;
      const gc = (opts: Partial<GcOptions>) =>
        collectGarbage(store, {
          referenced: async (keys) => new Set(keys.filter((k) => k !== drop.key)),
          minAgeMs: day,
          dryRun: false,
          now: new Date(Date.now() + 2 * day),
          ...opts,
        });
      assert.equal((await gc({ dryRun: true })).deleted, 1);
      assert.equal(await store.has(drop.key), true, 'a dry run deletes nothing');
      const deleted: string[] = [];
      const summary = await gc({ onDelete: (b) => deleted.push(b.key) });
      assert.deepEqual(deleted, [drop.key]);
      assert.equal(summary.bytesFreed, drop.size);
      assert.equal(await store.has(drop.key), false);
      assert.equal(await store.has(keep.key), true);
      const young = await gc({ referenced: async () => new Set(), now: new Date() });
      assert.equal(young.deleted, 0, 'blobs younger than the minimum age stay, referenced or not');
      assert.equal(await store.has(keep.key), true);
    });
  });
}

const fsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-blobs-'));
after(() => fs.rmSync(fsRoot, { recursive: true, force: true }));
contract('filesystem blob store', async () => ({ store: fileBlobStore(fsRoot), scratch: fsRoot }));

test('S3 URLs carry bucket, prefix and endpoint; credentials never', () => {
  assert.deepEqual(
    parseS3Url(
      's3://open-data/kaifang/blobs?endpoint=http://minio:9000&forcePathStyle=1&region=cn-north-1',
      'us-east-1',
    ),
    {
      bucket: 'open-data',
      prefix: 'kaifang/blobs/',
      endpoint: 'http://minio:9000',
      region: 'cn-north-1',
      forcePathStyle: true,
    },
  );
  // Without a region parameter, the installation's AWS_REGION (passed in from the config) applies.
  assert.equal(parseS3Url('s3://open-data/blobs', 'cn-northwest-1').region, 'cn-northwest-1');
  assert.throws(() => parseS3Url('https://bucket/x', 'us-east-1'));
});

// An S3-compatible server to test against: moto's standalone server, when the machine has it.
const moto = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).stdout.trim();
const port = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
let server: ChildProcess | null = null;
after(() => server?.kill());
describe(
  'S3 blob store',
  { skip: moto ? false : 'no S3-compatible server (moto_server) on this machine' },
  () => {
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-s3cache-'));
    after(() => fs.rmSync(local, { recursive: true, force: true }));
    contract('against moto', async () => {
      const p = await port();
      const { child, output } = spawnLogged(moto, ['-H', '127.0.0.1', '-p', String(p)]);
      server = child;
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      const endpoint = `http://127.0.0.1:${p}`;
      const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true });
      await waitForServer('moto_server', child, output, async () => {
        await client.send(new CreateBucketCommand({ Bucket: 'kaifang-test' }));
        return true;
      });
      return {
        store: s3BlobStore(
          `s3://kaifang-test/blobs?endpoint=${endpoint}&forcePathStyle=1`,
          local,
          'us-east-1',
        ),
        scratch: local,
      };
    });
  },
);
