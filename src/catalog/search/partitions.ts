import { sql, type Database, type Kdb } from '../../platform/index.ts';

const WHOLE = ['dataset_search'];
const known = new WeakMap<Database, Promise<string[]>>();

/**
 * What one search reads at a time (ADR 0019): each partition of the index (migration 008) on a
 * connection of its own when the database has connections to spare, else the whole index in one
 * statement: the embedded database, or a caller's transaction, has a single connection.
 */
export function searchPartitions(database: Database, db: Kdb): Promise<string[]> {
  if (database.connections < 2 || db.isTransaction) return Promise.resolve(WHOLE);
  let partitions = known.get(database);
  if (!partitions) {
    partitions = sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'dataset_search'::regclass ORDER BY 1`
      .execute(db)
      .then((r) => (r.rows.length > 1 ? r.rows.map((p) => p.name) : WHOLE));
    // A failed lookup is not remembered.
    partitions.catch(() => known.delete(database));
    known.set(database, partitions);
  }
  return partitions;
}
