import { onDataRead, onDataVersionPublished, sql } from '../platform/index.ts';

/**
 * How the catalogue keeps its own rows in step with the data room's changes (ADR 0022): the data
 * room raises events and never writes these tables itself. Subscribed once, when the catalogue's
 * door is first imported; each runs inside the transaction that raised the event.
 */

// A new current version: the distribution describes its file, and the dataset counts as updated.
onDataVersionPublished(async (trx, e) => {
  await trx
    .updateTable('distribution')
    .set({
      row_count: e.rows,
      field_count: e.fields,
      byte_size: e.bytes,
      checksum: e.checksum,
      download_url: e.downloadUrl,
      ingest_status: 'succeeded',
      modified: e.at,
    })
    .where('id', '=', e.distributionId)
    .execute();
  await trx
    .updateTable('dataset')
    .set({ modified: e.at })
    .where('id', '=', (eb) =>
      eb.selectFrom('distribution').select('dataset_id').where('id', '=', e.distributionId),
    )
    .execute();
});

// The "most viewed" and "most downloaded" sorts read running totals kept in the search index.
onDataRead(async (trx, e) => {
  const column = e.kind === 'views' ? 'views' : e.kind === 'downloads' ? 'downloads' : null;
  if (!column || !e.datasets.length) return;
  await sql`
    UPDATE dataset_search SET ${sql.ref(column)} = dataset_search.${sql.ref(column)} + used.n
      FROM (VALUES ${sql.join(e.datasets.map((d) => sql`(${d.datasetId}::uuid, ${d.n}::int)`))}) AS used(dataset_id, n)
     WHERE dataset_search.dataset_id = used.dataset_id`.execute(trx);
});
