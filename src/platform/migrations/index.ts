import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../db/index.ts';

const DIR = path.dirname(fileURLToPath(import.meta.url));

/** Ordered SQL files `NNN_name.sql`; the number fixes the order for every installation. */
export function listMigrations(): { name: string; sql: string }[] {
  return fs
    .readdirSync(DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(DIR, name), 'utf8') }));
}

/**
 * Applies pending migrations, each in its own transaction with its bookkeeping row, so a
 * failed migration leaves the schema as it was. An advisory lock keeps two starting
 * servers from migrating at once.
 */
export async function migrate(database: Database, onApplied?: (name: string) => void): Promise<string[]> {
  await database.exec(
    `CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: string[] = [];
  for (const m of listMigrations()) {
    const quoted = m.name.replace(/'/g, "''");
    const script = `BEGIN;
SELECT pg_advisory_xact_lock(74657);
DO $kaifang$ BEGIN
  IF EXISTS (SELECT 1 FROM schema_migration WHERE name = '${quoted}') THEN
    RAISE EXCEPTION 'kaifang:already-applied';
  END IF;
END $kaifang$;
${m.sql}
;
INSERT INTO schema_migration (name) VALUES ('${quoted}');
COMMIT;`;
    const done = await database.db
      .selectFrom('schema_migration')
      .select('name')
      .where('name', '=', m.name)
      .executeTakeFirst();
    if (done) continue;
    try {
      await database.exec(script);
      applied.push(m.name);
      onApplied?.(m.name);
    } catch (err) {
      if (String((err as Error).message).includes('kaifang:already-applied')) continue;
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
    }
  }
  return applied;
}
