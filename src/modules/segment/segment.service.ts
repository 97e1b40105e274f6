import type { Db } from '../../db/connection';
import type { SegmentRow } from '../../db/schema';
import { badInput, conflict, notFound } from '../../errors';
import type { ClientFilter, SegmentInput, SegmentPatch } from '../../generated/graphql';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveClientFilter } from '../filter/filter.resolve';
import { parseRowId } from '../shared/ids';
import { assertCode, isGiven, optionalText, requiredText } from '../shared/validation';
import { assertNotReferencedBySegments } from './segment-references';
import * as repo from './segment.repo';

export const MAX_MEMBERS_PER_CALL = 10000;

export function requireSegment(db: Db, code: string, field: string, asInput = false): SegmentRow {
  const segment = repo.findSegmentByCode(db, code);
  if (!segment) {
    const message = `Unknown segment "${code}"`;
    throw asInput ? badInput(message, field) : notFound(message, field);
  }
  return segment;
}

/** A filter is saved only if it would run: checked exactly as at read time, cycles included. */
function validatedFilterJson(db: Db, filter: ClientFilter, segmentCode: string, field: string): string {
  resolveClientFilter(db, filter, field, { savingSegment: segmentCode });
  return JSON.stringify(filter);
}

export function createSegment(db: Db, input: SegmentInput): SegmentRow {
  const code = assertCode(input.code, 'input.code');
  const name = requiredText(input.name, 'input.name');
  const description = optionalText(input.description, 'input.description');
  return db.transaction((tx) => {
    if (repo.findSegmentByCode(tx, code)) throw conflict(`A segment with code "${code}" already exists`, 'input.code');
    const now = Date.now();
    if (input.kind === 'DYNAMIC') {
      if (!input.filter) throw badInput('A DYNAMIC segment needs a filter', 'input.filter');
      const filterJson = validatedFilterJson(tx, input.filter, code, 'input.filter');
      return repo.insertSegment(tx, { code, name, description, kind: 'DYNAMIC', filterJson, createdAt: now, updatedAt: now });
    }
    const where = input.filter ? compileClientFilter(resolveClientFilter(tx, input.filter, 'input.filter')) : undefined;
    const segment = repo.insertSegment(tx, { code, name, description, kind: 'STATIC', filterJson: null, createdAt: now, updatedAt: now });
    // A STATIC segment given a filter starts as a snapshot of the clients matching it now.
    if (input.filter) repo.insertMembersMatching(tx, segment.id, where);
    return segment;
  });
}

export function updateSegment(db: Db, code: string, patch: SegmentPatch): SegmentRow {
  const changes: Parameters<typeof repo.updateSegmentRow>[2] = {};
  if (isGiven(patch, 'name')) changes.name = requiredText(patch.name, 'input.name');
  if (isGiven(patch, 'description')) changes.description = optionalText(patch.description, 'input.description');
  return db.transaction((tx) => {
    const segment = requireSegment(tx, code, 'code');
    if (isGiven(patch, 'filter')) {
      if (segment.kind === 'STATIC') {
        throw badInput(`Segment "${code}" is STATIC: change its members with addSegmentMembers and removeSegmentMembers`, 'input.filter');
      }
      if (patch.filter === null) throw badInput('A DYNAMIC segment needs a filter', 'input.filter');
      changes.filterJson = validatedFilterJson(tx, patch.filter!, code, 'input.filter');
    }
    if (Object.keys(changes).length === 0) return segment;
    return repo.updateSegmentRow(tx, segment.id, { ...changes, updatedAt: Math.max(Date.now(), segment.updatedAt + 1) });
  });
}

export function deleteSegment(db: Db, code: string): boolean {
  return db.transaction((tx) => {
    const segment = requireSegment(tx, code, 'code');
    assertNotReferencedBySegments(tx, { kind: 'segment', code }, 'code');
    repo.deleteSegmentRow(tx, segment.id);
    return true;
  });
}

function requireStaticSegment(db: Db, code: string): SegmentRow {
  const segment = requireSegment(db, code, 'code');
  if (segment.kind !== 'STATIC') {
    throw badInput(`Segment "${code}" is DYNAMIC: its members follow its filter; change the filter instead`, 'code');
  }
  return segment;
}

function memberIds(clientIds: readonly string[]): number[] {
  if (clientIds.length === 0) throw badInput('clientIds must not be an empty list', 'clientIds');
  if (clientIds.length > MAX_MEMBERS_PER_CALL) throw badInput(`clientIds has more than ${MAX_MEMBERS_PER_CALL} items`, 'clientIds');
  return [...new Set(clientIds.map(parseRowId).filter((id): id is number => id !== null))];
}

export function addSegmentMembers(db: Db, code: string, clientIds: readonly string[]): SegmentRow {
  return db.transaction((tx) => {
    const segment = requireStaticSegment(tx, code);
    const ids = memberIds(clientIds);
    const existing = new Set(repo.existingClientIds(tx, ids));
    const unknown = clientIds.filter((id) => {
      const rowId = parseRowId(id);
      return rowId === null || !existing.has(rowId);
    });
    if (unknown.length > 0) {
      throw badInput(`No client has id ${unknown.slice(0, 10).map((id) => `"${id}"`).join(', ')}`, 'clientIds', { ids: unknown });
    }
    if (repo.insertMembers(tx, segment.id, ids) === 0) return segment;
    return repo.updateSegmentRow(tx, segment.id, { updatedAt: Math.max(Date.now(), segment.updatedAt + 1) });
  });
}

export function removeSegmentMembers(db: Db, code: string, clientIds: readonly string[]): SegmentRow {
  return db.transaction((tx) => {
    const segment = requireStaticSegment(tx, code);
    if (repo.deleteMembers(tx, segment.id, memberIds(clientIds)) === 0) return segment;
    return repo.updateSegmentRow(tx, segment.id, { updatedAt: Math.max(Date.now(), segment.updatedAt + 1) });
  });
}
