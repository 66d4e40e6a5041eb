import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database, Kdb } from './db/index.ts';
import type { Logger } from './logger.ts';

/** What every feature function receives: the outside world, passed in so tests can set it. */
export interface Context {
  config: Config;
  database: Database;
  db: Kdb;
  clock: Clock;
  logger: Logger;
}

import { systemClock as defaultClock } from './clock.ts';
import { openDatabase } from './db/index.ts';
import { createLogger } from './logger.ts';
import { migrate } from './migrations/index.ts';

/** Opens the database named by the configuration, brings its schema up to date, and wires the rest. */
export async function openContext(
  config: Config,
  overrides: Partial<Pick<Context, 'clock' | 'logger'>> = {},
): Promise<Context> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pool: config.databasePool,
  });
  const applied = await migrate(database);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  return { config, database, db: database.db, clock: overrides.clock ?? defaultClock, logger };
}
