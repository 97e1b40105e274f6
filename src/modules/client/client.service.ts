import type { Db } from '../../db/connection';
import type { ClientRow, PropertyOptionRow, PropertyRow } from '../../db/schema';
import { badInput, conflict, notFound } from '../../errors';
import type { ClientInput, ClientPatch, PropertyValueInput } from '../../generated/graphql';
import { optionsByPropertyIds } from '../property/property.repo';
import { parsePropertyValue, type StoredValue } from '../property/property-values';
import { requireProperty } from '../property/property.service';
import { requireRelationshipType } from '../relationship-type/relationship-type.service';
import { parseRowId } from '../shared/ids';
import { foldText } from '../shared/text';
import { isGiven, optionalText, requiredText } from '../shared/validation';
import * as repo from './client.repo';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function requireClient(db: Db, id: string, field: string): ClientRow {
  const rowId = parseRowId(id);
  const client = rowId === null ? undefined : repo.findClientById(db, rowId);
  if (!client) throw notFound(`Client "${id}" does not exist`, field);
  return client;
}

/** The next updatedAt: now, but always after the previous one, so that every change moves it. */
const nextUpdatedAt = (previous: number): number => Math.max(Date.now(), previous + 1);

// Plain fields

type ClientFieldValues = Partial<Omit<ClientRow, 'id' | 'createdAt' | 'updatedAt'>>;

function validatedFields(input: ClientPatch, prefix: string, db: Db): ClientFieldValues {
  const fields: ClientFieldValues = {};
  if (isGiven(input, 'name')) {
    fields.name = requiredText(input.name, `${prefix}.name`, 500);
    fields.nameFolded = foldText(fields.name);
  }
  if (isGiven(input, 'externalId')) {
    fields.externalId = optionalText(input.externalId, `${prefix}.externalId`, 200);
    fields.externalIdFolded = fields.externalId === null ? null : foldText(fields.externalId);
  }
  if (isGiven(input, 'manager')) {
    fields.manager = optionalText(input.manager, `${prefix}.manager`, 200);
    fields.managerFolded = fields.manager === null ? null : foldText(fields.manager);
  }
  if (isGiven(input, 'phone')) fields.phone = optionalText(input.phone, `${prefix}.phone`, 64);
  if (isGiven(input, 'email')) {
    fields.email = optionalText(input.email, `${prefix}.email`, 320);
    if (fields.email !== null && !EMAIL_PATTERN.test(fields.email)) {
      throw badInput(`Email "${fields.email}" is not an e-mail address`, `${prefix}.email`);
    }
  }
  if (isGiven(input, 'doNotContact')) {
    if (input.doNotContact === null) throw badInput('doNotContact cannot be null', `${prefix}.doNotContact`);
    fields.doNotContact = input.doNotContact;
  }
  if (isGiven(input, 'relationshipType')) {
    fields.relationshipTypeId =
      input.relationshipType === null
        ? null
        : requireRelationshipType(db, input.relationshipType!, `${prefix}.relationshipType`, true).id;
  }
  return fields;
}

function assertExternalIdFree(db: Db, externalId: string | null | undefined, clientId: number | null, field: string): void {
  if (externalId === null || externalId === undefined) return;
  const holder = repo.findClientByExternalId(db, externalId);
  if (holder && holder.id !== clientId) {
    throw conflict(`Another client (id ${holder.id}) already has externalId "${externalId}"`, field);
  }
}

// Property values

interface PreparedValues {
  property: PropertyRow;
  values: StoredValue[];
}

function optionsByCodeOf(db: Db, property: PropertyRow): Map<string, PropertyOptionRow> {
  if (property.valueType !== 'ENUM') return new Map();
  return new Map(optionsByPropertyIds(db, [property.id]).map((option) => [option.code, option]));
}

/**
 * Parses the written values of one property into canonical stored values, without duplicates.
 * Archived options are accepted only where the client already holds them (`heldKeys`).
 */
function prepareValues(
  db: Db,
  property: PropertyRow,
  rawValues: readonly string[],
  field: string,
  heldKeys: ReadonlySet<string>,
): StoredValue[] {
  const optionsByCode = optionsByCodeOf(db, property);
  const unique = new Map<string, StoredValue>();
  rawValues.forEach((raw) => {
    const value = parsePropertyValue(property, raw, {
      optionsByCode,
      allowArchived: (option) => heldKeys.has(option.code),
      field,
    });
    if (!unique.has(value.valueKey)) unique.set(value.valueKey, value);
  });
  const values = [...unique.values()];
  if (!property.multiple && values.length > 1) {
    throw badInput(`Property "${property.code}" holds one value at most, got ${values.length}`, field);
  }
  return values;
}

function preparePropertyInputs(
  db: Db,
  inputs: readonly PropertyValueInput[],
  prefix: string,
  clientId: number | null,
): PreparedValues[] {
  const seen = new Set<string>();
  return inputs.map((input, i) => {
    const field = `${prefix}.${i}`;
    const property = requireProperty(db, input.code, `${field}.code`, true);
    if (seen.has(property.code)) throw badInput(`Property "${property.code}" is given twice`, `${field}.code`);
    seen.add(property.code);
    const held = new Set(clientId === null ? [] : repo.valueKeysOfClientProperty(db, clientId, property.id));
    return { property, values: prepareValues(db, property, input.values, `${field}.values`, held) };
  });
}

/** Makes the client hold exactly these values of the property; true when anything changed. */
function replaceValues(db: Db, clientId: number, property: PropertyRow, values: readonly StoredValue[]): boolean {
  const held = new Set(repo.valueKeysOfClientProperty(db, clientId, property.id));
  const wanted = new Set(values.map((value) => value.valueKey));
  const removed = [...held].filter((key) => !wanted.has(key));
  const added = values.filter((value) => !held.has(value.valueKey));
  repo.deleteValues(db, clientId, property.id, removed);
  repo.insertValues(db, clientId, property.id, added);
  return removed.length > 0 || added.length > 0;
}

// Mutations

export function createClient(db: Db, input: ClientInput): ClientRow {
  return db.transaction((tx) => {
    const fields = validatedFields(input, 'input', tx);
    assertExternalIdFree(tx, fields.externalId, null, 'input.externalId');
    const prepared = preparePropertyInputs(tx, input.properties ?? [], 'input.properties', null);
    const now = Date.now();
    const client = repo.insertClient(tx, {
      externalId: null,
      externalIdFolded: null,
      manager: null,
      managerFolded: null,
      phone: null,
      email: null,
      doNotContact: false,
      relationshipTypeId: null,
      ...(fields as Required<Pick<ClientFieldValues, 'name' | 'nameFolded'>> & ClientFieldValues),
      createdAt: now,
      updatedAt: now,
    });
    for (const { property, values } of prepared) repo.insertValues(tx, client.id, property.id, values);
    return client;
  });
}

export function updateClient(db: Db, id: string, patch: ClientPatch): ClientRow {
  return db.transaction((tx) => {
    const client = requireClient(tx, id, 'id');
    const fields = validatedFields(patch, 'input', tx);
    if (isGiven(fields, 'externalId')) assertExternalIdFree(tx, fields.externalId, client.id, 'input.externalId');
    const prepared = preparePropertyInputs(tx, patch.properties ?? [], 'input.properties', client.id);
    const changedFields = Object.fromEntries(
      Object.entries(fields).filter(([key, value]) => client[key as keyof ClientRow] !== value),
    ) as ClientFieldValues;
    let changed = Object.keys(changedFields).length > 0;
    for (const { property, values } of prepared) changed = replaceValues(tx, client.id, property, values) || changed;
    if (!changed) return client;
    return repo.updateClientRow(tx, client.id, { ...changedFields, updatedAt: nextUpdatedAt(client.updatedAt) });
  });
}

export function deleteClient(db: Db, id: string): boolean {
  return db.transaction((tx) => repo.deleteClientRow(tx, requireClient(tx, id, 'id').id));
}

type ValueOperation = 'set' | 'add' | 'remove';

/** setClientProperty, addClientPropertyValues and removeClientPropertyValues: one property, one transaction. */
export function changeClientPropertyValues(
  db: Db,
  clientId: string,
  code: string,
  rawValues: readonly string[],
  operation: ValueOperation,
): ClientRow {
  return db.transaction((tx) => {
    const client = requireClient(tx, clientId, 'clientId');
    const property = requireProperty(tx, code, 'code', true);
    const held = new Set(repo.valueKeysOfClientProperty(tx, client.id, property.id));
    let changed: boolean;
    if (operation === 'remove') {
      // Removing never writes a value, so archived options are fine; the values must still make sense.
      const optionsByCode = optionsByCodeOf(tx, property);
      const removed = rawValues
        .map((raw) => parsePropertyValue(property, raw, { optionsByCode, allowArchived: () => true, field: 'values' }))
        .filter((value) => held.has(value.valueKey))
        .map((value) => value.valueKey);
      repo.deleteValues(tx, client.id, property.id, [...new Set(removed)]);
      changed = removed.length > 0;
    } else if (operation === 'add') {
      const added = prepareValues(tx, property, rawValues, 'values', held).filter((value) => !held.has(value.valueKey));
      if (!property.multiple && held.size + added.length > 1) {
        throw badInput(
          `Property "${property.code}" holds one value at most and the client already holds one; use setClientProperty to replace it`,
          'values',
        );
      }
      repo.insertValues(tx, client.id, property.id, added);
      changed = added.length > 0;
    } else {
      changed = replaceValues(tx, client.id, property, prepareValues(tx, property, rawValues, 'values', held));
    }
    return changed ? repo.updateClientRow(tx, client.id, { updatedAt: nextUpdatedAt(client.updatedAt) }) : client;
  });
}
