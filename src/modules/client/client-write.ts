import type { Db } from '../../db/connection';
import type { ClientRow, PropertyRow } from '../../db/schema';
import { badInput } from '../../errors';
import type { ClientPatch, PropertyValueInput } from '../../generated/graphql';
import { parsePropertyValue, type StoredValue } from '../property/property-values';
import { foldText } from '../shared/text';
import { isGiven, optionalText, requiredText } from '../shared/validation';
import { orderedValueKeys, type Catalog } from './client-catalog';
import * as repo from './client.repo';

/*
 * The one path every client write takes (single mutations, bulk updates, imports): input checked
 * against the catalog, then applied with a diff, so that a change is written and recorded in the
 * history only where data really changes, and updatedAt moves with it.
 */

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type ClientFieldValues = Partial<Omit<ClientRow, 'id' | 'createdAt' | 'updatedAt'>>;

/** The values a client is to hold of one property: `values` (checked), plus held values it keeps as they are. */
export interface PropertyReplacement {
  property: PropertyRow;
  values: StoredValue[];
  /** Canonical values the client holds now and keeps (adding to, or removing from, what it holds). */
  keep?: readonly string[];
}

/** A checked write: the plain fields given, and the properties whose values it replaces. */
export interface PreparedClientWrite {
  fields: ClientFieldValues;
  properties: PropertyReplacement[];
}

/** Values a client holds now, by property id (empty for a new client). */
export type HeldValues = ReadonlyMap<number, readonly string[]>;

const join = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

function checkedFields(catalog: Catalog, input: ClientPatch, prefix: string): ClientFieldValues {
  const fields: ClientFieldValues = {};
  if (isGiven(input, 'name')) {
    fields.name = requiredText(input.name, join(prefix, 'name'), 500);
    fields.nameFolded = foldText(fields.name);
  }
  if (isGiven(input, 'externalId')) {
    fields.externalId = optionalText(input.externalId, join(prefix, 'externalId'), 200);
    fields.externalIdFolded = fields.externalId === null ? null : foldText(fields.externalId);
  }
  if (isGiven(input, 'manager')) {
    fields.manager = optionalText(input.manager, join(prefix, 'manager'), 200);
    fields.managerFolded = fields.manager === null ? null : foldText(fields.manager);
  }
  if (isGiven(input, 'phone')) fields.phone = optionalText(input.phone, join(prefix, 'phone'), 64);
  if (isGiven(input, 'email')) {
    fields.email = optionalText(input.email, join(prefix, 'email'), 320);
    if (fields.email !== null && !EMAIL_PATTERN.test(fields.email)) {
      throw badInput(`Email "${fields.email}" is not an e-mail address`, join(prefix, 'email'));
    }
  }
  if (isGiven(input, 'doNotContact')) {
    if (input.doNotContact === null) throw badInput('doNotContact cannot be null', join(prefix, 'doNotContact'));
    fields.doNotContact = input.doNotContact;
  }
  if (isGiven(input, 'relationshipType')) {
    if (input.relationshipType === null) fields.relationshipTypeId = null;
    else {
      const type = catalog.typesByCode.get(input.relationshipType!);
      if (!type) throw badInput(`Unknown relationship type "${input.relationshipType}"`, join(prefix, 'relationshipType'));
      fields.relationshipTypeId = type.id;
    }
  }
  return fields;
}

export function requireCatalogProperty(catalog: Catalog, code: string, field: string): PropertyRow {
  const property = catalog.propertiesByCode.get(code);
  if (!property) throw badInput(`Unknown property "${code}"`, field);
  return property;
}

/**
 * Parses written values into canonical stored values, without duplicates. Archived options are
 * accepted only where the client already holds them: they cannot be written as new values.
 */
export function checkedValues(
  catalog: Catalog,
  property: PropertyRow,
  rawValues: readonly string[],
  field: string,
  held: readonly string[],
  options: { allowArchived?: boolean; enforceSingle?: boolean } = {},
): StoredValue[] {
  const optionsByCode = catalog.optionsByProperty.get(property.id)!;
  const unique = new Map<string, StoredValue>();
  for (const raw of rawValues) {
    const value = parsePropertyValue(property, raw, {
      optionsByCode,
      allowArchived: (option) => options.allowArchived === true || held.includes(option.code),
      field,
    });
    if (!unique.has(value.valueKey)) unique.set(value.valueKey, value);
  }
  const values = [...unique.values()];
  if ((options.enforceSingle ?? true) && !property.multiple && values.length > 1) {
    throw badInput(`Property "${property.code}" holds one value at most, got ${values.length}`, field);
  }
  return values;
}

function checkedProperties(catalog: Catalog, inputs: readonly PropertyValueInput[], prefix: string, held: HeldValues): PropertyReplacement[] {
  const seen = new Set<string>();
  return inputs.map((input, i) => {
    const field = join(prefix, String(i));
    const property = requireCatalogProperty(catalog, input.code, `${field}.code`);
    if (seen.has(property.code)) throw badInput(`Property "${property.code}" is given twice`, `${field}.code`);
    seen.add(property.code);
    return { property, values: checkedValues(catalog, property, input.values, `${field}.values`, held.get(property.id) ?? []) };
  });
}

/** Checks a whole client input (create, patch or import row); throws BAD_USER_INPUT naming the field. */
export function prepareClientWrite(catalog: Catalog, input: ClientPatch, prefix: string, held: HeldValues): PreparedClientWrite {
  return {
    fields: checkedFields(catalog, input, prefix),
    properties: checkedProperties(catalog, input.properties ?? [], join(prefix, 'properties'), held),
  };
}

export function heldValuesOf(db: Db, clientIds: readonly number[]): Map<number, Map<number, string[]>> {
  const byClient = new Map<number, Map<number, string[]>>();
  for (const row of repo.valueRowsOfClients(db, clientIds)) {
    const perClient = byClient.get(row.clientId) ?? new Map<number, string[]>();
    perClient.set(row.propertyId, [...(perClient.get(row.propertyId) ?? []), row.valueKey]);
    byClient.set(row.clientId, perClient);
  }
  return byClient;
}

// Applying

const FIELD_NAMES: Array<keyof ClientFieldValues & string> = ['name', 'externalId', 'manager', 'phone', 'email', 'doNotContact', 'relationshipTypeId'];

function historyValue(catalog: Catalog, field: string, value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (field === 'relationshipTypeId') return [catalog.typesById.get(value as number)?.code ?? String(value)];
  if (typeof value === 'boolean') return [String(value)];
  return [String(value)];
}

export interface WriteMeta {
  actor: string | null;
  now: number;
}

/** Creates a client from a checked write, with its values and a `created` history entry. */
export function insertPreparedClient(db: Db, prepared: PreparedClientWrite, meta: WriteMeta): ClientRow {
  const client = repo.insertClient(db, {
    externalId: null,
    externalIdFolded: null,
    manager: null,
    managerFolded: null,
    phone: null,
    email: null,
    doNotContact: false,
    relationshipTypeId: null,
    ...(prepared.fields as Required<Pick<ClientFieldValues, 'name' | 'nameFolded'>> & ClientFieldValues),
    createdAt: meta.now,
    updatedAt: meta.now,
  });
  for (const { property, values } of prepared.properties) repo.insertValues(db, client.id, property.id, values);
  repo.insertChanges(db, [{ clientId: client.id, at: meta.now, actor: meta.actor, field: 'created', before: [], after: [client.name] }]);
  return client;
}

/**
 * Applies a checked write to an existing client: only what differs is written, each difference is
 * recorded in the history, and updatedAt moves only when something changed.
 */
export function applyPreparedWrite(
  db: Db,
  catalog: Catalog,
  client: ClientRow,
  held: HeldValues,
  prepared: PreparedClientWrite,
  meta: WriteMeta,
): { client: ClientRow; changed: boolean } {
  const changes: repo.NewClientChange[] = [];
  const changedFields: ClientFieldValues = {};
  for (const field of FIELD_NAMES) {
    if (!(field in prepared.fields)) continue;
    const after = prepared.fields[field];
    if (client[field] === after) continue;
    Object.assign(changedFields, { [field]: after });
    if (field === 'name') changedFields.nameFolded = prepared.fields.nameFolded;
    if (field === 'manager') changedFields.managerFolded = prepared.fields.managerFolded;
    if (field === 'externalId') changedFields.externalIdFolded = prepared.fields.externalIdFolded;
    changes.push({
      clientId: client.id,
      at: 0,
      actor: meta.actor,
      field: field === 'relationshipTypeId' ? 'relationshipType' : field,
      before: historyValue(catalog, field, client[field]),
      after: historyValue(catalog, field, after),
    });
  }
  for (const { property, values, keep = [] } of prepared.properties) {
    const before = held.get(property.id) ?? [];
    const wanted = new Set([...keep, ...values.map((value) => value.valueKey)]);
    const removed = before.filter((key) => !wanted.has(key));
    const added = values.filter((value) => !before.includes(value.valueKey));
    if (removed.length === 0 && added.length === 0) continue;
    repo.deleteValues(db, client.id, property.id, removed);
    repo.insertValues(db, client.id, property.id, added);
    changes.push({
      clientId: client.id,
      at: 0,
      actor: meta.actor,
      field: `property:${property.code}`,
      before: orderedValueKeys(catalog, property, before),
      after: orderedValueKeys(catalog, property, wanted),
    });
  }
  if (changes.length === 0) return { client, changed: false };
  const updatedAt = Math.max(meta.now, client.updatedAt + 1);
  // Inserted last field first, so that history, read newest first, lists one write's fields in order.
  repo.insertChanges(db, changes.reverse().map((change) => ({ ...change, at: updatedAt })));
  return { client: repo.updateClientRow(db, client.id, { ...changedFields, updatedAt }), changed: true };
}
