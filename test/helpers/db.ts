import { describe } from 'node:test';
import pg from 'pg';
import { openDatabase, migrate, type Database } from '../../src/platform/index.ts';

export type DriverName = 'pglite' | 'postgres';

/** Opens a fresh, migrated database of the given kind; postgres gets its own throwaway database. */
export async function freshDatabase(
  kind: DriverName,
): Promise<{ database: Database; url: string | null; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ databaseUrl: null, inMemory: true });
    await migrate(database);
    return { database, url: null, drop: () => database.close() };
  }
  const admin = process.env.KAIFANG_TEST_DATABASE_URL!;
  const name = `kaifang_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = admin.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  const database = await openDatabase({ databaseUrl: url });
  await migrate(database);
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    },
  };
}

/**
 * Runs the same suite on embedded PGlite and on the PostgreSQL server, with identical
 * expectations. Without a server (and without CI) the postgres half is skipped, loudly.
 */
export function onEachDatabase(title: string, suite: (kind: DriverName) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const skip =
      kind === 'postgres' && !process.env.KAIFANG_TEST_DATABASE_URL
        ? 'no PostgreSQL server (set KAIFANG_TEST_DATABASE_URL)'
        : false;
    describe(`${title} [${kind}]`, { skip }, () => suite(kind));
  }
}
