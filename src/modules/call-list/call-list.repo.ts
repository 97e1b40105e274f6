import { count, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { clients } from '../../db/schema';

/** The clients left out, grouped by what decides it: relationship type and the client's own wish. */
export function excludedGroups(
  db: Db,
  excludedWhere: SQL,
): { relationshipTypeId: number | null; doNotContact: boolean; count: number }[] {
  return db
    .select({ relationshipTypeId: clients.relationshipTypeId, doNotContact: clients.doNotContact, count: count() })
    .from(clients)
    .where(excludedWhere)
    .groupBy(clients.relationshipTypeId, clients.doNotContact)
    .orderBy(sql`1`, sql`2`)
    .all();
}
