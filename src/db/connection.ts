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

type StatementObserver = (source: string) => void;
const statementObservers = new WeakMap<Database.Database, Set<StatementObserver>>();
const EXECUTING_METHODS = ['run', 'get', 'all', 'iterate'] as const;

/**
 * Every statement prepared on the connection tells its observers each time it runs, so that a
 * request's cost in statements can be counted (tests, GET /metrics) even for statements prepared
 * once and run many times. Statements prepared with `prepareUnobserved` are not counted.
 */
function observeExecutions(sqlite: Database.Database): void {
  const observers = new Set<StatementObserver>();
  statementObservers.set(sqlite, observers);
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source) as unknown as Record<(typeof EXECUTING_METHODS)[number], (...args: unknown[]) => unknown>;
    for (const method of EXECUTING_METHODS) {
      const execute = statement[method];
      statement[method] = function (this: unknown, ...args: unknown[]) {
        for (const observer of observers) observer(source);
        return execute.apply(this, args);
      };
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/** Calls `observer` with the SQL of every statement run from now on; returns how to stop. */
export function observeStatements(db: Connection, observer: StatementObserver): () => void {
  const observers = statementObservers.get(db.$client);
  if (!observers) throw new Error('the connection was not opened with openDatabase');
  observers.add(observer);
  return () => void observers.delete(observer);
}

/** A statement kept for the connection's own bookkeeping (the client index's), not counted as any request's. */
export const prepareUnobserved = (db: Connection, source: string): Database.Statement => Database.prototype.prepare.call(db.$client, source);

export function openDatabase(filename: string, options: OpenDatabaseOptions = {}): Connection {
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const sqlite = new Database(filename);
  observeExecutions(sqlite);
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
