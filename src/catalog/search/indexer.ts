import { findTerm, themes as themeVocabulary, type DataField } from '../../core/index.ts';
import { sql, type Kdb } from '../../platform/index.ts';
import { indexTerms, pinyinTerms, vocabulary } from './terms.ts';

/** The dataset columns the index is made from. */
interface Source {
  id: string;
  title: string;
  description: string;
  tags: string[];
  themes: string[];
  fields: unknown;
}

/** One index row, before PostgreSQL turns the term lists into tsvectors. */
interface Entry {
  id: string;
  /** title */
  a: string;
  /** tags */
  t: string;
  /** theme labels, field names and titles */
  b: string;
  /** description, field descriptions */
  c: string;
  /** field names and titles alone */
  f: string;
}

const themeLabels = (codes: string[]) =>
  codes.flatMap((code) => {
    const t = findTerm(themeVocabulary, code);
    return t ? [t.label.zh, t.label.en] : [code];
  });

function entryOf(s: Source): Entry {
  const fields = (Array.isArray(s.fields) ? s.fields : []) as DataField[];
  const fieldNames = fields.flatMap((f) => [f.name, f.title ?? '']).filter(Boolean);
  return {
    id: s.id,
    // The title's pinyin and initials are words of the title too: `gjj` and `gongjijin` find 公积金.
    a: `${indexTerms(s.title)} ${pinyinTerms(s.title)}`,
    t: indexTerms(s.tags.join('\n')),
    b: indexTerms([...themeLabels(s.themes), ...fieldNames].join('\n')),
    c: indexTerms([s.description, ...fields.map((f) => f.description ?? '')].join('\n')),
    f: indexTerms(fieldNames.join('\n')),
  };
}

/**
 * Writes the text columns of the given datasets' index rows in one statement, and adds their
 * titles' new words to the vocabulary typos are corrected towards. Segmentation (jieba, pinyin)
 * happens here; PostgreSQL builds the weighted tsvectors. The row itself, with its copies of the
 * dataset's columns, exists already: the dataset triggers made it.
 */
async function write(db: Kdb, entries: Entry[], titles: string[]): Promise<void> {
  if (!entries.length) return;
  await sql`
    UPDATE dataset_search AS s
       SET document = setweight(to_tsvector('simple', e.a), 'A') || setweight(to_tsvector('simple', e.t || ' ' || e.b), 'B')
                      || setweight(to_tsvector('simple', e.c), 'C'),
           field_terms = to_tsvector('simple', e.f)
      FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) AS e(id uuid, a text, t text, b text, c text, f text)
     WHERE s.dataset_id = e.id`.execute(db);
  const words = new Map(titles.flatMap(vocabulary).map((v) => [v.word, v.pinyin]));
  // In word order, so that two transactions adding the same new words cannot deadlock.
  const terms = [...words]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([word, pinyin]) => ({ word, pinyin }));
  if (terms.length)
    await sql`
      INSERT INTO search_term (word, pinyin)
      SELECT t.word, t.pinyin FROM jsonb_to_recordset(${JSON.stringify(terms)}::jsonb) AS t(word text, pinyin text) ORDER BY t.word
      ON CONFLICT (word) DO NOTHING`.execute(db);
}

const sourceColumns = ['id', 'title', 'description', 'tags', 'themes', 'fields'] as const;

/**
 * Brings one dataset's index row in step with it. Call it with the transaction that wrote the
 * dataset, after the write, so the catalogue and its index commit or roll back together.
 */
export async function indexDataset(trx: Kdb, datasetId: string): Promise<void> {
  const rows = await trx.selectFrom('dataset').select(sourceColumns).where('id', '=', datasetId).execute();
  await write(
    trx,
    rows.map(entryOf),
    rows.map((r) => r.title),
  );
}

export interface ReindexResult {
  datasets: number;
  milliseconds: number;
}

/**
 * Rebuilds the text of every index row, `batchSize` datasets per transaction in id order (keyset
 * paging: each batch is an index range scan however far in it is). Safe while the portal serves:
 * a row is rewritten in one statement, never missing.
 */
export async function reindexAll(
  db: Kdb,
  onProgress?: (done: number, total: number) => void,
  batchSize = 1000,
): Promise<ReindexResult> {
  const started = performance.now();
  const { n } = await db
    .selectFrom('dataset')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(n);
  let done = 0;
  let after: string | null = null;
  let writing: Promise<void> = Promise.resolve();
  onProgress?.(0, total);
  for (;;) {
    let q = db.selectFrom('dataset').select(sourceColumns).orderBy('id').limit(batchSize);
    if (after) q = q.where('id', '>', after);
    const batch = await q.execute();
    if (!batch.length) break;
    // Segmenting this batch overlaps with PostgreSQL writing the previous one.
    const entries = batch.map(entryOf);
    const titles = batch.map((r) => r.title);
    await writing;
    const written = (done += batch.length);
    writing = db
      .transaction()
      .execute((trx) => write(trx, entries, titles))
      .then(() => onProgress?.(written, Math.max(total, written)));
    // A failed write is reported by the next `await writing`, not as an unhandled rejection meanwhile.
    writing.catch(() => undefined);
    after = batch[batch.length - 1].id;
  }
  await writing;
  return { datasets: done, milliseconds: performance.now() - started };
}

/**
 * Rewrites the index rows in publisher order, compacted (CLUSTER): the hits of a topical search
 * are mostly a few departments' datasets, which then sit on far fewer pages (ADR 0015). It locks
 * the table while it runs — about 25 s for 200,000 datasets — so it is for a quiet hour, after a
 * bulk import or a full reindex; the order wears off slowly as datasets are edited.
 */
export async function compactSearchIndex(db: Kdb): Promise<number> {
  const started = performance.now();
  await sql`CLUSTER dataset_search USING dataset_search_org_idx`.execute(db);
  await sql`ANALYZE dataset_search`.execute(db);
  return performance.now() - started;
}
