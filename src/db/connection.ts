import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { RunResult } from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

/** What repo functions take: the connection itself or a transaction on it. */
export type Db = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;
/** The open connection, with the underlying better-sqlite3 handle. */
export type Connection = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');

export type SynchronousMode = 'FULL' | 'NORMAL';

export interface OpenDatabaseOptions {
  /** FULL keeps every acknowledged commit through a power loss; NORMAL may lose the last ones. */
  synchronous?: SynchronousMode;
}

export function openDatabase(filename: string, options: OpenDatabaseOptions = {}): Connection {
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const sqlite = new Database(filename);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return drizzle(sqlite, { schema }) as Connection;
}

/**
 * drizzle-kit rebuilds a table to change a column, relying on `PRAGMA foreign_keys=OFF`; inside the
 * migrator's transaction that pragma is ignored, so ON DELETE CASCADE children would be deleted.
 * So foreign keys are switched off around the whole migration and checked before they come back on.
 */
export function migrateDatabase(db: Connection, migrationsFolder = MIGRATIONS_FOLDER): void {
  const sqlite = db.$client;
  sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(db, { migrationsFolder });
    const violations = sqlite.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0) {
      throw new Error(`migration left ${violations.length} foreign key violation(s): ${JSON.stringify(violations.slice(0, 5))}`);
    }
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

export function closeDatabase(db: Connection): void {
  if (db.$client.open) db.$client.close();
}
