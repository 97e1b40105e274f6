import type { Db } from '../../db/connection';
import type { ClientRow } from '../../db/schema';
import { badInput, conflict, notFound } from '../../errors';
import type { ClientInput, ClientPatch } from '../../generated/graphql';
import { parseRowId } from '../shared/ids';
import { loadCatalog } from './client-catalog';
import {
  applyPreparedWrite,
  checkedValues,
  heldValuesOf,
  insertPreparedClient,
  prepareClientWrite,
  requireCatalogProperty,
  type PropertyReplacement,
  type WriteMeta,
} from './client-write';
import * as repo from './client.repo';

export function requireClient(db: Db, id: string, field: string): ClientRow {
  const rowId = parseRowId(id);
  const client = rowId === null ? undefined : repo.findClientById(db, rowId);
  if (!client) throw notFound(`Client "${id}" does not exist`, field);
  return client;
}

function assertExternalIdFree(db: Db, externalId: string | null | undefined, clientId: number | null, field: string): void {
  if (externalId === null || externalId === undefined) return;
  const holder = repo.findClientByExternalId(db, externalId);
  if (holder && holder.id !== clientId) {
    throw conflict(`Another client (id ${holder.id}) already has externalId "${externalId}"`, field);
  }
}

const meta = (actor: string | null): WriteMeta => ({ actor, now: Date.now() });

export function createClient(db: Db, input: ClientInput, actor: string | null = null): ClientRow {
  return db.transaction((tx) => {
    const prepared = prepareClientWrite(loadCatalog(tx), input, 'input', new Map());
    assertExternalIdFree(tx, prepared.fields.externalId, null, 'input.externalId');
    return insertPreparedClient(tx, prepared, meta(actor));
  });
}

export function updateClient(db: Db, id: string, patch: ClientPatch, actor: string | null = null): ClientRow {
  return db.transaction((tx) => {
    const client = requireClient(tx, id, 'id');
    const catalog = loadCatalog(tx);
    const held = heldValuesOf(tx, [client.id]).get(client.id) ?? new Map();
    const prepared = prepareClientWrite(catalog, patch, 'input', held);
    if ('externalId' in prepared.fields) assertExternalIdFree(tx, prepared.fields.externalId, client.id, 'input.externalId');
    return applyPreparedWrite(tx, catalog, client, held, prepared, meta(actor)).client;
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
  actor: string | null = null,
): ClientRow {
  return db.transaction((tx) => {
    const client = requireClient(tx, clientId, 'clientId');
    const catalog = loadCatalog(tx);
    const property = requireCatalogProperty(catalog, code, 'code');
    const held = heldValuesOf(tx, [client.id]).get(client.id) ?? new Map<number, string[]>();
    const heldKeys = held.get(property.id) ?? [];
    // Removing never writes a value, so archived options are fine; the values must still make sense.
    const given = checkedValues(catalog, property, rawValues, 'values', heldKeys, {
      allowArchived: operation === 'remove',
      enforceSingle: operation === 'set',
    });
    const givenKeys = new Set(given.map((value) => value.valueKey));
    let replacement: PropertyReplacement = { property, values: given };
    if (operation === 'add') {
      const added = given.filter((value) => !heldKeys.includes(value.valueKey));
      if (!property.multiple && heldKeys.length + added.length > 1) {
        throw badInput(
          `Property "${property.code}" holds one value at most and the client already holds one; use setClientProperty to replace it`,
          'values',
        );
      }
      replacement = { property, values: added, keep: heldKeys };
    } else if (operation === 'remove') {
      replacement = { property, values: [], keep: heldKeys.filter((key) => !givenKeys.has(key)) };
    }
    return applyPreparedWrite(tx, catalog, client, held, { fields: {}, properties: [replacement] }, meta(actor)).client;
  });
}
