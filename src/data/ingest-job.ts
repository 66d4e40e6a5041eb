import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { appendAudit, actorOf, getUser } from '../identity/index.ts';
import { updateDataset, getDataset, getDistribution, setIngestStatus } from '../catalog/index.ts';
import { DomainError, type DataField } from '../core/index.ts';
import {
  BlobTooLarge,
  JobFailed,
  openBlobStore,
  type Context,
  type Job,
  type JobError,
  type JobHandlers,
  type JobRun,
  type Kdb,
  raise,
} from '../platform/index.ts';
import { fetchUrl } from './fetch.ts';
import { ident, literal } from './ingest/duck.ts';
import { ingestFile } from './ingest/pipeline.ts';
import { IngestError, type VersionChanges } from './report.ts';
import { INGEST_JOB, tooLarge } from './upload.ts';
import {
  previousSucceeded,
  setVersionState,
  versionById,
  type VersionRow,
  type VersionSource,
} from './versions.ts';
import type { Column } from './values.ts';

/**
 * The background job that turns an uploaded file into the distribution's new version. It
 * ends `succeeded` (the distribution now serves this version, its row and field counts
 * updated) or `failed` with the report of what was wrong — and a failed version never
 * replaces the one being served.
 */

const versionOf = (job: Job) => (job.payload as { versionId: string }).versionId;

/** Rows added and removed are counted on the columns both versions share, up to this size. */
const DIFF_MAX_ROWS = 2_000_000;

async function compare(
  ctx: Context,
  before: VersionRow,
  afterFile: string,
  after: { rows: number; columns: Column[] },
  tmpDir: string,
): Promise<VersionChanges> {
  const oldColumns = (before.columns ?? []) as Column[];
  const oldNames = new Map(oldColumns.map((c) => [c.name, c]));
  const newNames = new Map(after.columns.map((c) => [c.name, c]));
  const shared = after.columns.filter((c) => oldNames.has(c.name));
  const changes: VersionChanges = {
    previousVersion: before.number,
    rowsBefore: Number(before.row_count ?? 0),
    rowsAfter: after.rows,
    rowsAdded: null,
    rowsRemoved: null,
    columnsAdded: after.columns.filter((c) => !oldNames.has(c.name)).map((c) => c.name),
    columnsRemoved: oldColumns.filter((c) => !newNames.has(c.name)).map((c) => c.name),
    typesChanged: shared
      .filter((c) => oldNames.get(c.name)!.type !== c.type)
      .map((c) => ({ name: c.name, before: oldNames.get(c.name)!.type, after: c.type })),
  };
  if (
    !shared.length ||
    changes.rowsBefore > DIFF_MAX_ROWS ||
    after.rows > DIFF_MAX_ROWS ||
    !before.parquet_key
  )
    return changes;
  const oldFile = await openBlobStore(ctx.config).localPath(before.parquet_key);
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: ctx.config.data.ingestMemory,
    temp_directory: path.join(tmpDir, 'diff'),
  });
  const c = await instance.connect();
  try {
    // Compared as text so a column that changed type still matches on equal values.
    const cols = shared.map((col) => `CAST(${ident(col.name)} AS VARCHAR)`).join(', ');
    const count = async (a: string, b: string) => {
      const r = await c.runAndReadAll(
        `SELECT count(*) FROM (SELECT ${cols} FROM read_parquet(${literal(a)}) EXCEPT ALL SELECT ${cols} FROM read_parquet(${literal(b)}))`,
      );
      return Number(r.getRowsJS()[0][0]);
    };
    changes.rowsAdded = await count(afterFile, oldFile);
    changes.rowsRemoved = await count(oldFile, afterFile);
  } catch (err) {
    ctx.logger.warn({ err }, 'version comparison skipped');
  } finally {
    c.closeSync();
    instance.closeSync();
  }
  return changes;
}

const asJobError = (code: string, message: { zh: string; en: string }): JobError => ({ code, message });

async function run(ctx: Context, job: JobRun): Promise<void> {
  const versionId = versionOf(job.job);
  let row = await versionById(ctx.db, versionId);
  if (!row)
    throw new JobFailed(
      asJobError('version_missing', { zh: '该版本已不存在', en: 'The version no longer exists' }),
    );
  const distributionId = row.distribution_id;
  await ctx.db.transaction().execute(async (trx) => {
    await setVersionState(trx, versionId, 'running');
    await setIngestStatus(trx, distributionId, 'running');
  });
  const store = openBlobStore(ctx.config);
  const source = row.source as VersionSource;
  const tmpDir = path.join(
    ctx.config.dataDir,
    'tmp',
    `ingest-${versionId}-${randomBytes(4).toString('hex')}`,
  );
  try {
    if (!row.raw_key) {
      // A URL upload: the bytes are fetched here, under the same limit as an upload.
      job.progress(0.01, 'fetching');
      const fetched = await fetchUrl(source.url!, {
        allowLoopback: ctx.config.data.allowLoopbackFetch,
        maxBytes: ctx.config.data.uploadMaxBytes,
        signal: job.signal,
      });
      const blob = await store
        .put(fetched.body, { maxBytes: ctx.config.data.uploadMaxBytes, signal: job.signal })
        .catch((err) => {
          throw err instanceof BlobTooLarge ? tooLarge(err.limit) : err;
        });
      const updated: VersionSource = {
        ...source,
        filename: fetched.filename || source.filename,
        mediaType: fetched.mediaType,
      };
      await ctx.db
        .updateTable('distribution_version')
        .set({ raw_key: blob.key, raw_bytes: blob.size, source: JSON.stringify(updated) })
        .where('id', '=', versionId)
        .execute();
      row = (await versionById(ctx.db, versionId))!;
    }
    const local = await store.localPath(row.raw_key!);
    const out = await ingestFile(local, (row.source as VersionSource).filename, {
      tmpDir,
      limits: ctx.config.data,
      sheet: source.sheet,
      encoding: source.encoding,
      signal: job.signal,
      progress: (f, stage) => job.progress(0.05 + f * 0.85, stage),
    });
    const columns: Column[] = out.report.columns.map((c) => ({
      name: c.name,
      type: c.type,
      sqlType: c.sqlType,
    }));
    job.progress(0.92, 'comparing');
    const previous = await previousSucceeded(ctx.db, distributionId, row.number);
    const changes = previous
      ? await compare(ctx, previous, out.parquetFile, { rows: out.report.rows, columns }, tmpDir)
      : null;
    job.progress(0.96, 'storing');
    const parquet = await store.putFile(out.parquetFile);
    const finished = row;
    // Before the job is marked done, so whoever waits for the job sees the fields too.
    await fillDatasetFields(ctx, finished, columns);
    await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.clock.now();
      await job.complete(trx, { version: finished.number, report: out.report, changes });
      await trx
        .updateTable('distribution_version')
        .set({
          state: 'succeeded',
          parquet_key: parquet.key,
          row_count: out.report.rows,
          field_count: columns.length,
          columns: JSON.stringify(columns),
          report: JSON.stringify(out.report),
          changes: JSON.stringify(changes),
          finished_at: now,
        })
        .where('id', '=', versionId)
        .execute();
      // An older upload that finishes late never displaces a newer version. The current version
      // and the capacity are the data room's columns; the catalogue describes the file itself.
      const moved = await trx
        .updateTable('distribution')
        .set({ current_version: finished.number, capacity: out.report.rows * columns.length })
        .where('id', '=', distributionId)
        .where((eb) =>
          eb.or([eb('current_version', 'is', null), eb('current_version', '<', finished.number)]),
        )
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows))
        await raise(trx, 'dataVersionPublished', {
          distributionId,
          version: finished.number,
          rows: out.report.rows,
          fields: columns.length,
          bytes: Number(finished.raw_bytes),
          checksum: finished.raw_key,
          downloadUrl: `${ctx.config.baseUrl}/api/v1/distributions/${distributionId}/download?format=csv`,
          at: now,
        });
      await appendAudit(trx, now, {
        actorId: finished.created_by,
        action: 'distribution.ingest',
        entityType: 'distribution',
        entityId: distributionId,
        after: {
          version: finished.number,
          rows: out.report.rows,
          fields: columns.length,
          changes,
          problems: out.report.problems.map((p) => p.code),
        },
      });
    });
  } catch (err) {
    if (job.signal.aborted) throw err;
    if (err instanceof IngestError)
      throw new JobFailed(asJobError(err.code, err.label), { problems: err.problems });
    if (err instanceof DomainError) throw new JobFailed(asJobError(err.code, err.label));
    throw err;
  } finally {
    await fs.promises.rm(tmpDir, { recursive: true, force: true });
  }
}

const FIELD_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'date', 'datetime']);

/**
 * 数据项 from the data: a dataset that lists no fields gets the ingested columns. Through the
 * catalogue, so validation, the search index and the audit log see an ordinary edit by the uploader.
 */
async function fillDatasetFields(ctx: Context, version: VersionRow, columns: Column[]): Promise<void> {
  if (!version.created_by || columns.length > 2000) return;
  try {
    const user = await getUser(ctx.db, version.created_by);
    if (!user) return;
    const actor = actorOf(user);
    const dist = await getDistribution(ctx, actor, version.distribution_id);
    const dataset = await getDataset(ctx, actor, dist.datasetId);
    if (dataset.fields.length) return;
    const fields: DataField[] = columns.map((c) => ({
      name: c.name,
      ...(FIELD_TYPES.has(c.type) && { type: c.type as DataField['type'] }),
    }));
    await updateDataset(ctx, actor, dataset.id, { fields });
  } catch (err) {
    ctx.logger.warn({ err, version: version.id }, 'dataset fields were not filled from the data');
  }
}

async function onFailure(trx: Kdb, ctx: Context, job: Job, error: JobError, report: unknown): Promise<void> {
  const versionId = versionOf(job);
  const row = await versionById(trx, versionId);
  if (!row) return;
  const now = ctx.clock.now();
  await setVersionState(trx, versionId, 'failed', {
    report: { ...((report as object | null) ?? {}), error },
    finished_at: now,
  });
  // The distribution keeps serving its current version; its status says the latest upload failed.
  const latest = await trx
    .selectFrom('distribution_version')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('distribution_id', '=', row.distribution_id)
    .executeTakeFirst();
  if (Number(latest?.n) === row.number) await setIngestStatus(trx, row.distribution_id, 'failed');
  await appendAudit(trx, now, {
    actorId: row.created_by,
    action: 'distribution.ingest_failed',
    entityType: 'distribution',
    entityId: row.distribution_id,
    after: { version: row.number, error: error.code },
  });
}

export const dataJobHandlers: JobHandlers = { [INGEST_JOB]: { run, onFailure } };
