import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { clientPropertyValues, clients, propertyOptions, type ClientRow } from '../../db/schema';
import type { StoredValue } from '../property/property-values';
import { afterCursorCondition, orderByClause, type ClientOrdering } from './client-order';

export type NewClient = Omit<ClientRow, 'id'>;
export type ClientChanges = Partial<Omit<ClientRow, 'id' | 'createdAt'>>;

export const clientsByIds = (db: Db, ids: readonly number[]): ClientRow[] =>
  db.select().from(clients).where(inArray(clients.id, [...ids])).all();

export const findClientById = (db: Db, id: number): ClientRow | undefined =>
  db.select().from(clients).where(eq(clients.id, id)).get();

export const findClientByExternalId = (db: Db, externalId: string): ClientRow | undefined =>
  db.select().from(clients).where(eq(clients.externalId, externalId)).get();

export const insertClient = (db: Db, values: NewClient): ClientRow => db.insert(clients).values(values).returning().get();

export const updateClientRow = (db: Db, id: number, changes: ClientChanges): ClientRow =>
  db.update(clients).set(changes).where(eq(clients.id, id)).returning().get();

export const deleteClientRow = (db: Db, id: number): boolean => db.delete(clients).where(eq(clients.id, id)).run().changes > 0;

export interface ClientPageRow {
  client: ClientRow;
  position: (string | number | null)[];
}

/** One page in the given order, after a cursor position; fetches one row more to tell if a next page exists. */
export function pageOfClients(
  db: Db,
  options: { where?: SQL; ordering: ClientOrdering; after?: (string | number | null)[]; limit: number },
): ClientPageRow[] {
  const { ordering } = options;
  const conditions = [options.where, options.after ? afterCursorCondition(ordering, options.after) : undefined];
  const sortColumns = Object.fromEntries(
    ordering.keys.map((key, i) => [`sort${i}`, sql<string | number | null>`${key.expression}`.as(`sort_${i}`)]),
  );
  const rows = db
    .select({ client: clients, ...sortColumns })
    .from(clients)
    .where(and(...conditions))
    .orderBy(...orderByClause(ordering))
    .limit(options.limit)
    .all() as Array<{ client: ClientRow } & Record<string, string | number | null>>;
  return rows.map((row) => ({ client: row.client, position: ordering.keys.map((_, i) => row[`sort${i}`]) }));
}

export const countClients = (db: Db, where?: SQL): number =>
  db.select({ count: count() }).from(clients).where(where).get()!.count;

// Aggregates over a selection of clients (a filter's condition; undefined selects every client)

const inSelection = (where: SQL | undefined): SQL | undefined =>
  where ? sql`${clientPropertyValues.clientId} in (select ${clients.id} from ${clients} where ${where})` : undefined;

/**
 * How many selected clients hold each value of a property. A client holds a value at most once, so
 * rows count clients. With `limit`, only the most frequent values (ties in value order).
 */
export function valueCountsInSelection(
  db: Db,
  where: SQL | undefined,
  propertyId: number,
  limit?: number,
): { valueKey: string; count: number }[] {
  const query = db
    .select({ valueKey: clientPropertyValues.valueKey, count: count() })
    .from(clientPropertyValues)
    .where(and(eq(clientPropertyValues.propertyId, propertyId), inSelection(where)))
    .groupBy(clientPropertyValues.valueKey)
    .orderBy(sql`count(*) desc`, asc(sql`min(${clientPropertyValues.numberValue})`), asc(clientPropertyValues.valueKey));
  return limit === undefined ? query.all() : query.limit(limit).all();
}

/** How many selected clients hold at least one value of a property. */
export const holdersInSelection = (db: Db, where: SQL | undefined, propertyId: number): number =>
  db
    .select({ count: sql<number>`count(distinct ${clientPropertyValues.clientId})` })
    .from(clientPropertyValues)
    .where(and(eq(clientPropertyValues.propertyId, propertyId), inSelection(where)))
    .get()!.count;

export const relationshipTypeCountsInSelection = (db: Db, where: SQL | undefined): { relationshipTypeId: number | null; count: number }[] =>
  db
    .select({ relationshipTypeId: clients.relationshipTypeId, count: count() })
    .from(clients)
    .where(where)
    .groupBy(clients.relationshipTypeId)
    .all();

// Property values

export interface ClientValueRow {
  clientId: number;
  propertyId: number;
  valueKey: string;
  optionId: number | null;
}

/** Every value of the given clients, grouped by client and property, in option order or value order. */
export const valuesByClientIds = (db: Db, clientIds: readonly number[]): ClientValueRow[] =>
  db
    .select({
      clientId: clientPropertyValues.clientId,
      propertyId: clientPropertyValues.propertyId,
      valueKey: clientPropertyValues.valueKey,
      optionId: clientPropertyValues.optionId,
    })
    .from(clientPropertyValues)
    .leftJoin(propertyOptions, eq(propertyOptions.id, clientPropertyValues.optionId))
    .where(inArray(clientPropertyValues.clientId, [...clientIds]))
    .orderBy(
      asc(clientPropertyValues.clientId),
      asc(clientPropertyValues.propertyId),
      asc(propertyOptions.position),
      asc(clientPropertyValues.numberValue),
      asc(clientPropertyValues.valueKey),
    )
    .all();

export const valueKeysOfClientProperty = (db: Db, clientId: number, propertyId: number): string[] =>
  db
    .select({ valueKey: clientPropertyValues.valueKey })
    .from(clientPropertyValues)
    .where(and(eq(clientPropertyValues.clientId, clientId), eq(clientPropertyValues.propertyId, propertyId)))
    .all()
    .map((row) => row.valueKey);

export function deleteValues(db: Db, clientId: number, propertyId: number, valueKeys: readonly string[]): void {
  if (valueKeys.length === 0) return;
  db.delete(clientPropertyValues)
    .where(
      and(
        eq(clientPropertyValues.clientId, clientId),
        eq(clientPropertyValues.propertyId, propertyId),
        inArray(clientPropertyValues.valueKey, [...valueKeys]),
      ),
    )
    .run();
}

export function insertValues(db: Db, clientId: number, propertyId: number, values: readonly StoredValue[]): void {
  if (values.length === 0) return;
  db.insert(clientPropertyValues)
    .values(values.map((value) => ({ clientId, propertyId, ...value })))
    .run();
}
