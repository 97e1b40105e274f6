import type { Db } from '../../db/connection';
import type { RelationshipTypeRow } from '../../db/schema';
import { badInput, conflict, notFound } from '../../errors';
import type { RelationshipTypeInput, RelationshipTypePatch } from '../../generated/graphql';
import { assertCode, isGiven, optionalText, requiredText } from '../shared/validation';
import { assertNotReferencedBySegments } from '../segment/segment-references';
import { insertChanges } from '../client/client.repo';
import * as repo from './relationship-type.repo';

export function requireRelationshipType(db: Db, code: string, field: string, asInput = false): RelationshipTypeRow {
  const row = repo.findRelationshipTypeByCode(db, code);
  if (!row) {
    const message = `Unknown relationship type "${code}"`;
    throw asInput ? badInput(message, field) : notFound(message, field);
  }
  return row;
}

export function createRelationshipType(db: Db, input: RelationshipTypeInput): RelationshipTypeRow {
  const values = {
    code: assertCode(input.code, 'input.code'),
    name: requiredText(input.name, 'input.name'),
    description: optionalText(input.description, 'input.description'),
    contactPolicy: input.contactPolicy ?? 'ALLOWED',
    briefing: optionalText(input.briefing, 'input.briefing'),
  };
  return db.transaction((tx) => {
    if (repo.findRelationshipTypeByCode(tx, values.code)) {
      throw conflict(`A relationship type with code "${values.code}" already exists`, 'input.code');
    }
    return repo.insertRelationshipType(tx, values);
  });
}

export function updateRelationshipType(db: Db, code: string, patch: RelationshipTypePatch): RelationshipTypeRow {
  const changes: repo.RelationshipTypeChanges = {};
  if (isGiven(patch, 'name')) changes.name = requiredText(patch.name, 'input.name');
  if (isGiven(patch, 'description')) changes.description = optionalText(patch.description, 'input.description');
  if (isGiven(patch, 'briefing')) changes.briefing = optionalText(patch.briefing, 'input.briefing');
  if (isGiven(patch, 'contactPolicy')) {
    if (patch.contactPolicy === null) throw badInput('contactPolicy cannot be null', 'input.contactPolicy');
    changes.contactPolicy = patch.contactPolicy!;
  }
  return db.transaction((tx) => {
    const row = requireRelationshipType(tx, code, 'code');
    return repo.updateRelationshipTypeRow(tx, row.id, changes);
  });
}

export interface RelationshipTypeDeletion {
  deleted: RelationshipTypeRow;
  reassignedClientIds: number[];
  reassignedTo: RelationshipTypeRow | null;
}


/** Deleting a type in use needs `reassignTo`: clients are never left pointing at nothing by accident. */
export function deleteRelationshipType(
  db: Db,
  code: string,
  reassignTo: string | null | undefined,
  actor: string | null = null,
): RelationshipTypeDeletion {
  return db.transaction((tx) => {
    const row = requireRelationshipType(tx, code, 'code');
    // Not even with reassignTo: a saved segment naming the type would silently change meaning.
    assertNotReferencedBySegments(tx, { kind: 'relationshipType', code }, 'code');
    let target: RelationshipTypeRow | null = null;
    if (reassignTo !== null && reassignTo !== undefined) {
      if (reassignTo === code) throw badInput(`Cannot reassign clients of "${code}" to the type being deleted`, 'reassignTo');
      target = requireRelationshipType(tx, reassignTo, 'reassignTo', true);
    }
    const inUse = repo.countClientsOfRelationshipType(tx, row.id);
    let reassignedClientIds: number[] = [];
    if (inUse > 0) {
      if (!target) {
        throw conflict(
          `Relationship type "${code}" is held by ${inUse} client(s); give reassignTo to move them to another type`,
          'code',
          { clientCount: inUse },
        );
      }
      const moved = repo.reassignClientsOfRelationshipType(tx, row.id, target.id, Date.now());
      reassignedClientIds = moved.map((client) => client.id);
      // Moving clients is a change of each of them, kept in their history like any other.
      insertChanges(
        tx,
        moved.map((client) => ({ clientId: client.id, at: client.updatedAt, actor, field: 'relationshipType', before: [row.code], after: [target!.code] })),
      );
    }
    repo.deleteRelationshipTypeRow(tx, row.id);
    return { deleted: row, reassignedClientIds, reassignedTo: target };
  });
}
