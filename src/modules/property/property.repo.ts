import { and, asc, count, eq, gt, inArray, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { inJsonArray, jsonArray, preparedPerConnection } from '../../db/prepared';
import {
  clientPropertyValues,
  properties,
  propertyOptions,
  propertySets,
  type PropertyOptionRow,
  type PropertyRow,
  type PropertySetRow,
} from '../../db/schema';

// Property sets

export const listPropertySets = (db: Db): PropertySetRow[] =>
  db.select().from(propertySets).orderBy(asc(propertySets.id)).all();

export const findPropertySetByCode = (db: Db, code: string): PropertySetRow | undefined =>
  db.select().from(propertySets).where(eq(propertySets.code, code)).get();

export const propertySetsByIds = (db: Db, ids: readonly number[]): PropertySetRow[] =>
  db.select().from(propertySets).where(inArray(propertySets.id, [...ids])).all();

export const insertPropertySet = (db: Db, values: Omit<PropertySetRow, 'id'>): PropertySetRow =>
  db.insert(propertySets).values(values).returning().get();

export const updatePropertySetRow = (db: Db, id: number, changes: Partial<Omit<PropertySetRow, 'id' | 'code'>>): PropertySetRow =>
  Object.keys(changes).length === 0
    ? db.select().from(propertySets).where(eq(propertySets.id, id)).get()!
    : db.update(propertySets).set(changes).where(eq(propertySets.id, id)).returning().get();

export const deletePropertySetRow = (db: Db, id: number): void => {
  db.delete(propertySets).where(eq(propertySets.id, id)).run();
};

export const countPropertiesInSet = (db: Db, setId: number): number =>
  db.select({ count: count() }).from(properties).where(eq(properties.setId, setId)).get()!.count;

// Properties

/** Every property in set order, then creation order. */
export const listProperties = (db: Db): PropertyRow[] =>
  db.select().from(properties).orderBy(asc(properties.setId), asc(properties.id)).all();

const propertyByCodeQuery = preparedPerConnection((db) => db.select().from(properties).where(eq(properties.code, sql.placeholder('code'))).prepare());
export const findPropertyByCode = (db: Db, code: string): PropertyRow | undefined => propertyByCodeQuery(db).get({ code });

export const propertiesByCodes = (db: Db, codes: readonly string[]): PropertyRow[] =>
  codes.length === 0 ? [] : db.select().from(properties).where(inArray(properties.code, [...codes])).all();

const propertiesByIdsQuery = preparedPerConnection((db) => db.select().from(properties).where(inJsonArray(properties.id, 'ids')).prepare());
export const propertiesByIds = (db: Db, ids: readonly number[]): PropertyRow[] => propertiesByIdsQuery(db).all({ ids: jsonArray(ids) });

export const propertiesBySetIds = (db: Db, setIds: readonly number[]): PropertyRow[] =>
  db.select().from(properties).where(inArray(properties.setId, [...setIds])).orderBy(asc(properties.id)).all();

export const insertProperty = (db: Db, values: Omit<PropertyRow, 'id'>): PropertyRow =>
  db.insert(properties).values(values).returning().get();

export const updatePropertyRow = (db: Db, id: number, changes: Partial<Pick<PropertyRow, 'name' | 'setId' | 'multiple' | 'showInBriefing'>>): PropertyRow =>
  Object.keys(changes).length === 0
    ? db.select().from(properties).where(eq(properties.id, id)).get()!
    : db.update(properties).set(changes).where(eq(properties.id, id)).returning().get();

export const deletePropertyRow = (db: Db, id: number): void => {
  db.delete(properties).where(eq(properties.id, id)).run();
};

export const countClientsHoldingProperty = (db: Db, propertyId: number): number =>
  db
    .select({ count: sql<number>`count(distinct ${clientPropertyValues.clientId})` })
    .from(clientPropertyValues)
    .where(eq(clientPropertyValues.propertyId, propertyId))
    .get()!.count;

/** Clients holding more than one value of a property: these block turning `multiple` off. */
export function countClientsWithSeveralValues(db: Db, propertyId: number): number {
  const perClient = db
    .select({ clientId: clientPropertyValues.clientId })
    .from(clientPropertyValues)
    .where(eq(clientPropertyValues.propertyId, propertyId))
    .groupBy(clientPropertyValues.clientId)
    .having(gt(count(), 1))
    .as('per_client');
  return db.select({ count: count() }).from(perClient).get()!.count;
}

// Options

/** Options of the given properties, archived included, in option order. */
const optionsByPropertyIdsQuery = preparedPerConnection((db) =>
  db
    .select()
    .from(propertyOptions)
    .where(inJsonArray(propertyOptions.propertyId, 'propertyIds'))
    .orderBy(asc(propertyOptions.propertyId), asc(propertyOptions.position), asc(propertyOptions.id))
    .prepare(),
);
export const optionsByPropertyIds = (db: Db, propertyIds: readonly number[]): PropertyOptionRow[] =>
  optionsByPropertyIdsQuery(db).all({ propertyIds: jsonArray(propertyIds) });

export const findOption = (db: Db, propertyId: number, code: string): PropertyOptionRow | undefined =>
  db
    .select()
    .from(propertyOptions)
    .where(and(eq(propertyOptions.propertyId, propertyId), eq(propertyOptions.code, code)))
    .get();

export function insertOption(db: Db, propertyId: number, code: string, label: string): PropertyOptionRow {
  const last = db
    .select({ position: max(propertyOptions.position) })
    .from(propertyOptions)
    .where(eq(propertyOptions.propertyId, propertyId))
    .get();
  const position = (last?.position ?? -1) + 1;
  return db.insert(propertyOptions).values({ propertyId, code, label, archived: false, position }).returning().get();
}

export const updateOptionRow = (db: Db, id: number, changes: Partial<Pick<PropertyOptionRow, 'label' | 'archived'>>): PropertyOptionRow =>
  db.update(propertyOptions).set(changes).where(eq(propertyOptions.id, id)).returning().get();

export const deleteOptionRow = (db: Db, id: number): void => {
  db.delete(propertyOptions).where(eq(propertyOptions.id, id)).run();
};

export const countClientsHoldingOption = (db: Db, optionId: number): number =>
  db.select({ count: count() }).from(clientPropertyValues).where(eq(clientPropertyValues.optionId, optionId)).get()!.count;
