import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { inJsonArray, jsonArray, preparedPerConnection } from '../../db/prepared';
import { clientChanges, clientPropertyValues, clients, propertyOptions, type ClientChangeRow, type ClientRow } from '../../db/schema';
import type { StoredValue } from '../property/property-values';
import { afterCursorCondition, orderByClause, type ClientOrdering } from './client-order';

export type NewClient = Omit<ClientRow, 'id'>;
export type ClientChanges = Partial<Omit<ClientRow, 'id' | 'createdAt'>>;

const clientsByIdsQuery = preparedPerConnection((db) => db.select().from(clients).where(inJsonArray(clients.id, 'ids')).prepare());
export const clientsByIds = (db: Db, ids: readonly number[]): ClientRow[] => clientsByIdsQuery(db).all({ ids: jsonArray(ids) });

/** `clients.id` is one of the ids, bound as a single JSON array whatever their number. */
export const idIn = (ids: readonly number[]): SQL => sql`${clients.id} in (select value from json_each(${jsonArray(ids)}))`;

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
const valuesByClientIdsQuery = preparedPerConnection((db) =>
  db
    .select({
      clientId: clientPropertyValues.clientId,
      propertyId: clientPropertyValues.propertyId,
      valueKey: clientPropertyValues.valueKey,
      optionId: clientPropertyValues.optionId,
    })
    .from(clientPropertyValues)
    .leftJoin(propertyOptions, eq(propertyOptions.id, clientPropertyValues.optionId))
    .where(inJsonArray(clientPropertyValues.clientId, 'clientIds'))
    .orderBy(
      asc(clientPropertyValues.clientId),
      asc(clientPropertyValues.propertyId),
      asc(propertyOptions.position),
      asc(clientPropertyValues.numberValue),
      asc(clientPropertyValues.valueKey),
    )
    .prepare(),
);
export const valuesByClientIds = (db: Db, clientIds: readonly number[]): ClientValueRow[] =>
  valuesByClientIdsQuery(db).all({ clientIds: jsonArray(clientIds) });

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

// History

export interface NewClientChange {
  clientId: number;
  at: number;
  actor: string | null;
  field: string;
  before: readonly string[];
  after: readonly string[];
}

export function insertChanges(db: Db, changes: readonly NewClientChange[]): void {
  for (let start = 0; start < changes.length; start += 500) {
    db.insert(clientChanges)
      .values(
        changes.slice(start, start + 500).map((change) => ({
          clientId: change.clientId,
          at: change.at,
          actor: change.actor,
          field: change.field,
          beforeJson: JSON.stringify(change.before),
          afterJson: JSON.stringify(change.after),
        })),
      )
      .run();
  }
}

/** The newest `limit` changes of each client, newest first, in one statement. */
export function changesByClientIds(db: Db, clientIds: readonly number[], limit: number): ClientChangeRow[] {
  const ranked = db
    .select({
      id: clientChanges.id,
      clientId: clientChanges.clientId,
      at: clientChanges.at,
      actor: clientChanges.actor,
      field: clientChanges.field,
      beforeJson: clientChanges.beforeJson,
      afterJson: clientChanges.afterJson,
      rank: sql<number>`row_number() over (partition by ${clientChanges.clientId} order by ${clientChanges.id} desc)`.as('rank'),
    })
    .from(clientChanges)
    .where(inArray(clientChanges.clientId, [...clientIds]))
    .as('ranked');
  return db
    .select({
      id: ranked.id,
      clientId: ranked.clientId,
      at: ranked.at,
      actor: ranked.actor,
      field: ranked.field,
      beforeJson: ranked.beforeJson,
      afterJson: ranked.afterJson,
    })
    .from(ranked)
    .where(sql`${ranked.rank} <= ${limit}`)
    .orderBy(asc(ranked.clientId), sql`${ranked.id} desc`)
    .all();
}

/** Clients by externalId, for upserts: one statement for any number of ids. */
export const clientsByExternalIds = (db: Db, externalIds: readonly string[]): ClientRow[] =>
  externalIds.length === 0
    ? []
    : db
        .select()
        .from(clients)
        .where(sql`${clients.externalId} in (select value from json_each(${JSON.stringify(externalIds)}))`)
        .all();

/** Every value of the given clients, for many clients at once (chunks keep each statement small). */
export function valueRowsOfClients(db: Db, clientIds: readonly number[]): ClientValueRow[] {
  const rows: ClientValueRow[] = [];
  for (let start = 0; start < clientIds.length; start += 5000) rows.push(...valuesByClientIds(db, clientIds.slice(start, start + 5000)));
  return rows;
}

export const idsOfClients = (db: Db, where: SQL | undefined): number[] =>
  db.select({ id: clients.id }).from(clients).where(where).orderBy(asc(clients.id)).all().map((row) => row.id);

export function clientsByIdList(db: Db, ids: readonly number[]): ClientRow[] {
  const rows: ClientRow[] = [];
  for (let start = 0; start < ids.length; start += 5000) {
    const chunk = JSON.stringify(ids.slice(start, start + 5000));
    rows.push(...db.select().from(clients).where(sql`${clients.id} in (select value from json_each(${chunk}))`).all());
  }
  return rows;
}
