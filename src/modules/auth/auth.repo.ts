import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { preparedPerConnection } from '../../db/prepared';
import { apiTokens, type ApiTokenRow } from '../../db/schema';

const activeTokenByHashQuery = preparedPerConnection((db) =>
  db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), isNull(apiTokens.revokedAt)))
    .prepare(),
);
export const findActiveTokenByHash = (db: Db, tokenHash: string): ApiTokenRow | undefined => activeTokenByHashQuery(db).get({ tokenHash });

export const insertToken = (db: Db, values: Omit<ApiTokenRow, 'id' | 'revokedAt'>): ApiTokenRow =>
  db.insert(apiTokens).values(values).returning().get();

export const listTokens = (db: Db): ApiTokenRow[] => db.select().from(apiTokens).orderBy(asc(apiTokens.id)).all();

export const countTokens = (db: Db): number => db.select({ count: count() }).from(apiTokens).get()!.count;

/** Revokes every active token with the name; returns how many. */
export const revokeTokensNamed = (db: Db, name: string, now: number): number =>
  db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.name, name), isNull(apiTokens.revokedAt)))
    .run().changes;
