import { sql, type Column, type SQL } from 'drizzle-orm';
import type { Db } from './connection';

/**
 * The queries behind every card and page (the loaders, the token check) are built and prepared once
 * per connection, then only run: building a query with drizzle and preparing it in SQLite cost more
 * than running it (profiled on a card: ~0.7 ms of the request's ~2 ms went to building and
 * preparing five small queries). A transaction gets its own set, built on first use.
 */
export function preparedPerConnection<Query>(build: (db: Db) => Query): (db: Db) => Query {
  const perConnection = new WeakMap<Db, Query>();
  return (db) => {
    let query = perConnection.get(db);
    if (!query) {
      query = build(db);
      perConnection.set(db, query);
    }
    return query;
  };
}

/**
 * `column IN (the keys)` with the keys bound as one JSON array, so that a batch of any size is the
 * same statement (an `IN (?, ?, …)` list would be a new statement for every batch size).
 */
export const inJsonArray = (column: Column, placeholder: string): SQL =>
  sql`${column} in (select value from json_each(${sql.placeholder(placeholder)}))`;

export const jsonArray = (keys: readonly (number | string)[]): string => JSON.stringify(keys);
