import { GraphQLError } from 'graphql';
import type { Db } from '../../db/connection';
import type { ClientRow, PropertyRow } from '../../db/schema';
import { badInput } from '../../errors';
import type { BulkClientPatch, ClientFilter, ClientInput, PropertyValueInput } from '../../generated/graphql';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveClientFilter } from '../filter/filter.resolve';
import type { StoredValue } from '../property/property-values';
import { foldText } from '../shared/text';
import { isGiven, optionalText } from '../shared/validation';
import { loadCatalog, type Catalog } from './client-catalog';
import {
  applyPreparedWrite,
  checkedValues,
  heldValuesOf,
  insertPreparedClient,
  prepareClientWrite,
  requireCatalogProperty,
  type ClientFieldValues,
  type PreparedClientWrite,
  type WriteMeta,
} from './client-write';
import * as repo from './client.repo';

export const MAX_IMPORT_ROWS = 20000;

export interface ImportRowError {
  row: number;
  field: string | null;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  errors: ImportRowError[];
}

/**
 * Upserts clients by externalId, all or nothing. Every row is checked first, against definitions read
 * once; with any bad row nothing is written and every bad row is reported, so a script sees all of
 * its mistakes at once.
 */
export function importClients(db: Db, rows: readonly ClientInput[], actor: string | null, dryRun = false): ImportResult {
  if (rows.length === 0) throw badInput('rows must not be an empty list', 'rows');
  if (rows.length > MAX_IMPORT_ROWS) throw badInput(`rows has more than ${MAX_IMPORT_ROWS} items; import in parts`, 'rows');
  return db.transaction((tx) => {
    const catalog = loadCatalog(tx);
    const errors: ImportRowError[] = [];
    const externalIds = rows.map((row) => row.externalId?.trim() || null);
    const known = new Map(repo.clientsByExternalIds(tx, externalIds.filter((id): id is string => id !== null)).map((c) => [c.externalId!, c]));
    const held = heldValuesOf(tx, [...known.values()].map((client) => client.id));
    const firstRowOf = new Map<string, number>();
    const prepared: Array<{ existing: ClientRow | undefined; write: PreparedClientWrite }> = [];
    rows.forEach((row, index) => {
      try {
        const externalId = externalIds[index];
        if (externalId !== null) {
          const earlier = firstRowOf.get(externalId);
          if (earlier !== undefined) throw badInput(`externalId "${externalId}" is also in row ${earlier}`, 'externalId');
          firstRowOf.set(externalId, index);
        }
        const existing = externalId === null ? undefined : known.get(externalId);
        const write = prepareClientWrite(catalog, row, '', existing ? (held.get(existing.id) ?? new Map()) : new Map());
        prepared.push({ existing, write });
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        errors.push({ row: index, field: (error.extensions.field as string | undefined) ?? null, message: error.message });
      }
    });
    if (errors.length > 0) return { created: 0, updated: 0, errors };
    if (dryRun) {
      const updates = prepared.filter((row) => row.existing).length;
      return { created: prepared.length - updates, updated: updates, errors: [] };
    }

    const meta: WriteMeta = { actor, now: Date.now() };
    let created = 0;
    let updated = 0;
    for (const { existing, write } of prepared) {
      if (existing) {
        applyPreparedWrite(tx, catalog, existing, held.get(existing.id) ?? new Map(), write, meta);
        updated++;
      } else {
        insertPreparedClient(tx, write, meta);
        created++;
      }
    }
    return { created, updated, errors: [] };
  });
}

interface BulkValues {
  property: PropertyRow;
  values: StoredValue[];
}

function checkedBulkValues(catalog: Catalog, inputs: readonly PropertyValueInput[] | null | undefined, field: string, seen: Set<string>, remove = false): BulkValues[] {
  if (!inputs) return [];
  if (inputs.length === 0) throw badInput(`${field.split('.').pop()} must not be an empty list`, field);
  return inputs.map((input, i) => {
    const property = requireCatalogProperty(catalog, input.code, `${field}.${i}.code`);
    if (seen.has(property.code)) throw badInput(`Property "${property.code}" is given twice in one change`, `${field}.${i}.code`);
    seen.add(property.code);
    // A bulk change writes no archived option: no client's present values are considered.
    const values = checkedValues(catalog, property, input.values, `${field}.${i}.values`, [], { allowArchived: remove });
    if (!remove && field.endsWith('addValues') && !property.multiple) {
      throw badInput(`Property "${property.code}" holds one value at most: use setValues to give every client one`, `${field}.${i}.code`);
    }
    return { property, values };
  });
}

/** One change to every client a filter matches, in one transaction, with history. */
export function updateClients(db: Db, filter: ClientFilter, patch: BulkClientPatch, actor: string | null): { matched: number; changed: number } {
  return db.transaction((tx) => {
    const catalog = loadCatalog(tx);
    const fields: ClientFieldValues = {};
    if (isGiven(patch, 'relationshipType')) {
      if (patch.relationshipType === null) fields.relationshipTypeId = null;
      else {
        const type = catalog.typesByCode.get(patch.relationshipType!);
        if (!type) throw badInput(`Unknown relationship type "${patch.relationshipType}"`, 'input.relationshipType');
        fields.relationshipTypeId = type.id;
      }
    }
    if (isGiven(patch, 'doNotContact')) {
      if (patch.doNotContact === null) throw badInput('doNotContact cannot be null', 'input.doNotContact');
      fields.doNotContact = patch.doNotContact!;
    }
    if (isGiven(patch, 'manager')) {
      fields.manager = optionalText(patch.manager, 'input.manager', 200);
      fields.managerFolded = fields.manager === null ? null : foldText(fields.manager);
    }
    const seen = new Set<string>();
    const set = checkedBulkValues(catalog, patch.setValues, 'input.setValues', seen);
    const add = checkedBulkValues(catalog, patch.addValues, 'input.addValues', seen);
    const remove = checkedBulkValues(catalog, patch.removeValues, 'input.removeValues', seen, true);
    if (Object.keys(fields).length === 0 && set.length + add.length + remove.length === 0) {
      throw badInput('The change is empty: give at least one field or values to set, add or remove', 'input');
    }

    const ids = repo.idsOfClients(tx, compileClientFilter(resolveClientFilter(tx, filter, 'filter')));
    const meta: WriteMeta = { actor, now: Date.now() };
    let changed = 0;
    for (let start = 0; start < ids.length; start += 1000) {
      const chunk = ids.slice(start, start + 1000);
      const held = heldValuesOf(tx, chunk);
      for (const client of repo.clientsByIdList(tx, chunk)) {
        const mine = held.get(client.id) ?? new Map<number, string[]>();
        const properties = [
          ...set,
          ...add.map(({ property, values }) => ({ property, values, keep: mine.get(property.id) ?? [] })),
          ...remove.map(({ property, values }) => {
            const removed = new Set(values.map((value) => value.valueKey));
            return { property, values: [], keep: (mine.get(property.id) ?? []).filter((key) => !removed.has(key)) };
          }),
        ];
        if (applyPreparedWrite(tx, catalog, client, mine, { fields: { ...fields }, properties }, meta).changed) changed++;
      }
    }
    return { matched: ids.length, changed };
  });
}
