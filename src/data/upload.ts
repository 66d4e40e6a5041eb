import fs from 'node:fs';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { Type } from '@sinclair/typebox';
import { appendAudit, canEditOrgData, requireActor } from '../identity/index.ts';
import { getDataset, getDistribution, refuseEdit } from '../catalog/index.ts';
import {
  assertShape,
  DomainError,
  validationFailed,
  type Actor,
  type Dataset,
  type Distribution,
} from '../core/index.ts';
import {
  BlobTooLarge,
  enqueueJob,
  notifyJobs,
  openBlobStore,
  type BlobRef,
  type Context,
  type Job,
} from '../platform/index.ts';
import { checkUrl, publicAddress } from './fetch.ts';
import {
  nextVersionNumber,
  toVersion,
  versionById,
  type DataVersion,
  type VersionSource,
} from './versions.ts';

export const INGEST_JOB = 'data.ingest';

export interface UploadOptions {
  /** XLSX: the sheet to import, by name or 1-based position; the first sheet otherwise. */
  sheet?: string;
  /** Text files: the encoding, when detection should be overruled (e.g. `gbk`). */
  encoding?: string;
}

export interface UploadAccepted {
  version: DataVersion;
  job: Job;
}

export const tooLarge = (limit: number) =>
  new DomainError(
    'too_large',
    'payload_too_large',
    {
      zh: `文件超过上传上限 ${limit} 字节，未保存`,
      en: `The file is larger than the upload limit of ${limit} bytes; nothing was kept`,
    },
    { limit },
  );

/** Only the publishing department (and sysadmins) put data into a distribution; others are refused and audited. */
export async function uploadTarget(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
): Promise<{ actor: Actor; distribution: Distribution; dataset: Dataset }> {
  const a = requireActor(actor);
  const distribution = await getDistribution(ctx, a, distributionId);
  const dataset = await getDataset(ctx, a, distribution.datasetId);
  if (!canEditOrgData(a, dataset.publisher.id))
    await refuseEdit(ctx, a, 'distribution.upload', dataset.id, dataset.publisher.id);
  return { actor: a, distribution, dataset };
}

export function checkOptions(opts: UploadOptions): UploadOptions {
  const errors = [];
  if (
    opts.sheet !== undefined &&
    (typeof opts.sheet !== 'string' || !opts.sheet.trim() || opts.sheet.length > 100)
  )
    errors.push({
      field: 'sheet',
      code: 'invalid',
      message: { zh: '工作表名称须为 1 到 100 个字符', en: 'sheet must be 1 to 100 characters' },
    });
  if (
    opts.encoding !== undefined &&
    (typeof opts.encoding !== 'string' || !iconv.encodingExists(opts.encoding))
  )
    errors.push({
      field: 'encoding',
      code: 'invalid',
      message: { zh: `不支持的编码：${opts.encoding}`, en: `Unknown encoding: ${opts.encoding}` },
    });
  if (errors.length) throw validationFailed(errors);
  return {
    ...(opts.sheet && { sheet: opts.sheet.trim() }),
    ...(opts.encoding && { encoding: opts.encoding }),
  };
}

/**
 * A new version of the distribution, queued for ingestion: one transaction takes the next
 * version number, records where the bytes came from, enqueues the job and audits the upload.
 */
async function newVersion(
  ctx: Context,
  target: { actor: Actor; distribution: Distribution; dataset: Dataset },
  source: VersionSource,
  blob: BlobRef | null,
): Promise<UploadAccepted> {
  const accepted = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const number = await nextVersionNumber(trx, target.distribution.id);
    const inserted = await trx
      .insertInto('distribution_version')
      .values({
        distribution_id: target.distribution.id,
        number,
        source: JSON.stringify(source),
        raw_key: blob?.key ?? null,
        raw_bytes: blob?.size ?? null,
        parquet_key: null,
        row_count: null,
        field_count: null,
        columns: null,
        report: null,
        changes: null,
        job_id: null,
        created_by: target.actor.userId,
        created_at: now,
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const job = await enqueueJob(trx, now, {
      kind: INGEST_JOB,
      payload: { versionId: inserted.id },
      timeoutMs: ctx.config.data.jobTimeoutMs,
      maxAttempts: 2,
      createdBy: target.actor.userId,
      orgId: target.dataset.publisher.id,
    });
    await trx
      .updateTable('distribution_version')
      .set({ job_id: job.id })
      .where('id', '=', inserted.id)
      .execute();
    await trx
      .updateTable('distribution')
      .set({ ingest_status: 'pending' })
      .where('id', '=', target.distribution.id)
      .execute();
    await appendAudit(trx, now, {
      actorId: target.actor.userId,
      action: 'distribution.upload',
      entityType: 'distribution',
      entityId: target.distribution.id,
      after: {
        version: number,
        source,
        byteSize: blob?.size ?? null,
        checksum: blob?.key ?? null,
        jobId: job.id,
      },
    });
    return { version: toVersion((await versionById(trx, inserted.id))!), job };
  });
  notifyJobs();
  return accepted;
}

/** Streams the file into the blob store (never whole in memory); past the limit nothing is kept. */
export async function uploadFile(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  file: { stream: Readable; filename: string; mediaType: string | null },
  opts: UploadOptions = {},
): Promise<UploadAccepted> {
  const target = await uploadTarget(ctx, actor, distributionId);
  const options = checkOptions(opts);
  let blob: BlobRef;
  try {
    blob = await openBlobStore(ctx.config).put(file.stream, { maxBytes: ctx.config.data.uploadMaxBytes });
  } catch (err) {
    if (err instanceof BlobTooLarge) throw tooLarge(err.limit);
    throw err;
  }
  if (blob.size === 0)
    throw validationFailed([
      { field: 'file', code: 'empty', message: { zh: '上传的文件是空的', en: 'The uploaded file is empty' } },
    ]);
  const filename = (file.filename || 'upload').replace(/[\\/]/g, '_').slice(0, 200);
  return newVersion(ctx, target, { kind: 'upload', filename, mediaType: file.mediaType, ...options }, blob);
}

const UrlBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    sheet: Type.Optional(Type.String({ maxLength: 100 })),
    encoding: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** Checks the URL now (a private address is a 400, not a failed job) and fetches it in the job. */
export async function uploadFromUrl(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  body: unknown,
): Promise<UploadAccepted> {
  const target = await uploadTarget(ctx, actor, distributionId);
  const b = assertShape<{ url: string; sheet?: string; encoding?: string }>(UrlBody, body);
  const url = checkUrl(b.url);
  await publicAddress(url, ctx.config.data.allowLoopbackFetch);
  const options = checkOptions({ sheet: b.sheet, encoding: b.encoding });
  let filename = url.pathname.split('/').pop() || url.hostname;
  try {
    filename = decodeURIComponent(filename);
  } catch {
    // keep it encoded
  }
  return newVersion(ctx, target, { kind: 'url', url: url.toString(), filename, ...options }, null);
}

/** A file on this machine (the demo loader, the CLI) becomes a version like any upload. */
export async function uploadLocalFile(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  file: string,
  filename: string,
  opts: UploadOptions = {},
): Promise<UploadAccepted> {
  return uploadFile(
    ctx,
    actor,
    distributionId,
    { stream: fs.createReadStream(file), filename, mediaType: null },
    opts,
  );
}
