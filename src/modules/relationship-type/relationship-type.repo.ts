import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { inJsonArray, jsonArray, preparedPerConnection } from '../../db/prepared';
import { clients, relationshipTypes, type RelationshipTypeRow } from '../../db/schema';

export type NewRelationshipType = Omit<RelationshipTypeRow, 'id'>;
export type RelationshipTypeChanges = Partial<Omit<RelationshipTypeRow, 'id' | 'code'>>;

export const listRelationshipTypes = (db: Db): RelationshipTypeRow[] =>
  db.select().from(relationshipTypes).orderBy(asc(relationshipTypes.id)).all();

const relationshipTypeByCodeQuery = preparedPerConnection((db) =>
  db.select().from(relationshipTypes).where(eq(relationshipTypes.code, sql.placeholder('code'))).prepare(),
);
export const findRelationshipTypeByCode = (db: Db, code: string): RelationshipTypeRow | undefined => relationshipTypeByCodeQuery(db).get({ code });

const relationshipTypesByIdsQuery = preparedPerConnection((db) =>
  db.select().from(relationshipTypes).where(inJsonArray(relationshipTypes.id, 'ids')).prepare(),
);
export const relationshipTypesByIds = (db: Db, ids: readonly number[]): RelationshipTypeRow[] =>
  relationshipTypesByIdsQuery(db).all({ ids: jsonArray(ids) });

export function clientCountsByRelationshipTypeIds(db: Db, ids: readonly number[]): { id: number; count: number }[] {
  return db
    .select({ id: clients.relationshipTypeId, count: count() })
    .from(clients)
    .where(inArray(clients.relationshipTypeId, [...ids]))
    .groupBy(clients.relationshipTypeId)
    .all() as { id: number; count: number }[];
}

export const countClientsOfRelationshipType = (db: Db, id: number): number =>
  db.select({ count: count() }).from(clients).where(eq(clients.relationshipTypeId, id)).get()!.count;

export const insertRelationshipType = (db: Db, values: NewRelationshipType): RelationshipTypeRow =>
  db.insert(relationshipTypes).values(values).returning().get();

export const updateRelationshipTypeRow = (db: Db, id: number, changes: RelationshipTypeChanges): RelationshipTypeRow =>
  Object.keys(changes).length === 0
    ? db.select().from(relationshipTypes).where(eq(relationshipTypes.id, id)).get()!
    : db.update(relationshipTypes).set(changes).where(eq(relationshipTypes.id, id)).returning().get();

/** Moves every client of one type to another, returning the clients moved with their new updatedAt. */
export function reassignClientsOfRelationshipType(db: Db, fromId: number, toId: number, now: number): { id: number; updatedAt: number }[] {
  return db
    .update(clients)
    // updatedAt moves forward with every change, even within one millisecond of the last one.
    .set({ relationshipTypeId: toId, updatedAt: sql`max(${now}, ${clients.updatedAt} + 1)` })
    .where(eq(clients.relationshipTypeId, fromId))
    .returning({ id: clients.id, updatedAt: clients.updatedAt })
    .all();
}

export const deleteRelationshipTypeRow = (db: Db, id: number): void => {
  db.delete(relationshipTypes).where(eq(relationshipTypes.id, id)).run();
};

