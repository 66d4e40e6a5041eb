import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGliteDialect } from './pglite-dialect.ts';
import { lockEmbedded } from './embedded-lock.ts';
import { DEFAULT_DATABASE_POOL } from '../config.ts';
export { EmbeddedDatabaseBusy } from './embedded-lock.ts';
import type { Schema } from './schema.ts';

export type { Schema } from './schema.ts';
export type * from './schema.ts';
export { sql };

export type Kdb = Kysely<Schema>;

/** The database handle every module receives. `kind` exists for diagnostics only: SQL is the same. */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Kdb;
  /** How many statements can run at once: the pool's size, or 1 for the embedded database. */
  connections: number;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

// int8 counts from aggregates come back as strings from `pg`; the catalogue never needs 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir?: string;
  inMemory?: boolean;
  /** Connections to a PostgreSQL server (KAIFANG_DB_POOL). */
  pool?: number;
}): Promise<Database> {
  if (opts.databaseUrl) return openServer(opts.databaseUrl, opts.pool ?? DEFAULT_DATABASE_POOL);
  return openEmbedded(opts.inMemory ? null : path.join(opts.dataDir ?? './data', 'pgdata'));
}

async function openServer(url: string, connections: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  // An idle connection the server drops (restart, failover, admin termination) is discarded by the
  // pool and replaced on next use; without a listener its 'error' event would crash the process.
  pool.on('error', () => undefined);
  // Fail at start with a clear message rather than on the first request.
  const client = await pool.connect();
  client.release();
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    connections,
    exec: async (script) => {
      const c = await pool.connect();
      try {
        await c.query(script);
      } catch (err) {
        // A script that opened a transaction must not hand an aborted connection back to the pool.
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    close: () => db.destroy(),
  };
}

async function openEmbedded(dir: string | null): Promise<Database> {
  let unlock = () => {};
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    unlock = lockEmbedded(dir);
  }
  const lite = await PGlite.create(dir ?? undefined, { extensions: { pg_trgm } }).catch((err) => {
    unlock();
    throw err;
  });
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(lite) });
  return {
    kind: 'pglite',
    db,
    connections: 1,
    // Through Kysely's connection queue, so a script never interleaves with a transaction.
    exec: (script) =>
      db.connection().execute(async () => {
        try {
          await lite.exec(script);
        } catch (err) {
          await lite.exec('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    close: async () => {
      await db.destroy();
      await lite.close();
      unlock();
    },
  };
}
