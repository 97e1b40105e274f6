import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { preparedPerConnection } from '../../db/prepared';
import { clients, segmentMembers, segments, type SegmentRow } from '../../db/schema';

export const listSegments = (db: Db): SegmentRow[] => db.select().from(segments).orderBy(asc(segments.id)).all();

const segmentByCodeQuery = preparedPerConnection((db) => db.select().from(segments).where(eq(segments.code, sql.placeholder('code'))).prepare());
export const findSegmentByCode = (db: Db, code: string): SegmentRow | undefined => segmentByCodeQuery(db).get({ code });

export const insertSegment = (db: Db, values: Omit<SegmentRow, 'id'>): SegmentRow =>
  db.insert(segments).values(values).returning().get();

export const updateSegmentRow = (db: Db, id: number, changes: Partial<Pick<SegmentRow, 'name' | 'description' | 'filterJson' | 'updatedAt'>>): SegmentRow =>
  db.update(segments).set(changes).where(eq(segments.id, id)).returning().get();

export const deleteSegmentRow = (db: Db, id: number): void => {
  db.delete(segments).where(eq(segments.id, id)).run();
};

/** Makes every client matching `where` a member: a STATIC segment's snapshot of a filter. */
export function insertMembersMatching(db: Db, segmentId: number, where: SQL | undefined): number {
  const condition = where ? sql` where ${where}` : sql``;
  return db.run(
    sql`insert or ignore into ${segmentMembers} (segment_id, client_id) select ${segmentId}, ${clients.id} from ${clients}${condition}`,
  ).changes;
}

export function insertMembers(db: Db, segmentId: number, clientIds: readonly number[]): number {
  if (clientIds.length === 0) return 0;
  return db
    .insert(segmentMembers)
    .values(clientIds.map((clientId) => ({ segmentId, clientId })))
    .onConflictDoNothing()
    .run().changes;
}

export const deleteMembers = (db: Db, segmentId: number, clientIds: readonly number[]): number =>
  clientIds.length === 0
    ? 0
    : db
        .delete(segmentMembers)
        .where(and(eq(segmentMembers.segmentId, segmentId), inArray(segmentMembers.clientId, [...clientIds])))
        .run().changes;

export const existingClientIds = (db: Db, ids: readonly number[]): number[] =>
  ids.length === 0
    ? []
    : db.select({ id: clients.id }).from(clients).where(inArray(clients.id, [...ids])).all().map((row) => row.id);

/**
 * Which of the given clients belong to which segment, in one statement: one SELECT per segment
 * (its filter's condition restricted to the clients asked about), joined by UNION ALL.
 */
export function membershipsOfClients(
  db: Db,
  clientIds: readonly number[],
  segmentConditions: readonly { segmentId: number; where: SQL | undefined }[],
): { segmentId: number; clientId: number }[] {
  if (clientIds.length === 0 || segmentConditions.length === 0) return [];
  const idList = sql.join(clientIds.map((id) => sql`${id}`), sql`, `);
  const selects = segmentConditions.map(
    ({ segmentId, where }) =>
      sql`select ${segmentId} as segment_id, ${clients.id} as client_id from ${clients} where ${clients.id} in (${idList})${where ? sql` and ${where}` : sql``}`,
  );
  return db
    .all<{ segment_id: number; client_id: number }>(sql.join(selects, sql` union all `))
    .map((row) => ({ segmentId: row.segment_id, clientId: row.client_id }));
}

export const staticSegmentIdsOfClient = (db: Db, clientId: number): number[] =>
  db
    .select({ segmentId: segmentMembers.segmentId })
    .from(segmentMembers)
    .where(eq(segmentMembers.clientId, clientId))
    .all()
    .map((row) => row.segmentId);
