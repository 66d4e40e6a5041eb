export { dataJobHandlers } from './ingest-job.ts';
export {
  uploadFile,
  uploadFromUrl,
  uploadLocalFile,
  uploadTarget,
  checkOptions,
  tooLarge,
  INGEST_JOB,
  type UploadAccepted,
  type UploadOptions,
} from './upload.ts';
export {
  queryRows,
  aggregate,
  nameList,
  MAX_OFFSET,
  type RowsQuery,
  type RowsPage,
  type AggregateQuery,
  type AggregateResult,
} from './query.ts';
export { previewDistribution, type Preview } from './preview.ts';
export {
  downloadDistribution,
  csvwMetadata,
  DOWNLOAD_FORMATS,
  type DownloadFormat,
  type Download,
} from './download.ts';
export { runQuery, analyse, tableName, TABLE_PREFIX, type QueryResult } from './sandbox.ts';
export { listDataVersions, getDataVersion, getJobFor, type VersionList } from './history.ts';
export { referencedBlobs } from './versions.ts';
export { listUsage, countUse, countView, shanghaiDay, type UsageRow, type UseKind } from './usage.ts';
export { asCaller, usageKey, type UsageCaller } from './usage-key.ts';
export { openData, type DataView, type DataReader, type DataPass, type DataAction } from './access.ts';
export { ingestFile, detectFormat, type IngestOptions, type IngestOutput } from './ingest/pipeline.ts';
export { isPublicAddress } from './fetch.ts';
export type { DataVersion, VersionSource, VersionState } from './versions.ts';
export type { IngestReport, ColumnProfile, Problem, FieldType, VersionChanges } from './report.ts';
export { defuse, undefuse, evaluatesAsFormula } from './values.ts';
export type { Column, Cell } from './values.ts';
export { alsoUsedDatasets, firstCountedDay } from './also-used.ts';
