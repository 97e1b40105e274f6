import { conflict } from '../../errors';
import type { Db } from '../../db/connection';
import type { ClientFilter } from '../../generated/graphql';
import { findPropertyByCode } from '../property/property.repo';
import { listSegments } from './segment.repo';

/** Something a saved filter may name, which must not be deleted while it does. */
export type SegmentReference =
  | { kind: 'relationshipType'; code: string }
  | { kind: 'property'; code: string }
  | { kind: 'option'; property: string; code: string }
  | { kind: 'segment'; code: string };

/** What one saved filter names directly (a segment it names is listed, not followed). */
export function referencesOf(db: Db, filter: ClientFilter): SegmentReference[] {
  const found: SegmentReference[] = [];
  const visit = (node: ClientFilter | null | undefined): void => {
    if (!node) return;
    node.and?.forEach(visit);
    node.or?.forEach(visit);
    visit(node.not);
    for (const code of [...(node.relationshipType?.in ?? []), ...(node.relationshipType?.notIn ?? [])]) {
      found.push({ kind: 'relationshipType', code });
    }
    if (node.segment) found.push({ kind: 'segment', code: node.segment });
    const condition = node.property;
    if (condition) {
      found.push({ kind: 'property', code: condition.code });
      if (findPropertyByCode(db, condition.code)?.valueType === 'ENUM') {
        for (const option of [...(condition.anyOf ?? []), ...(condition.allOf ?? []), ...(condition.noneOf ?? []), ...(condition.exactly ?? [])]) {
          found.push({ kind: 'option', property: condition.code, code: option });
        }
      }
    }
  };
  visit(filter);
  return found;
}

const sameReference = (a: SegmentReference, b: SegmentReference): boolean =>
  a.kind === b.kind && a.code === b.code && (a.kind !== 'option' || (b.kind === 'option' && a.property === b.property));

/** Codes of the saved segments whose filter names the reference. */
export function segmentsReferringTo(db: Db, reference: SegmentReference): string[] {
  return listSegments(db)
    .filter((segment) => segment.kind === 'DYNAMIC' && segment.filterJson)
    .filter((segment) => referencesOf(db, JSON.parse(segment.filterJson!)).some((found) => sameReference(found, reference)))
    .map((segment) => segment.code);
}

const DESCRIPTIONS: Record<SegmentReference['kind'], string> = {
  relationshipType: 'Relationship type',
  property: 'Property',
  option: 'Option',
  segment: 'Segment',
};

/** Refuses a delete that would break a saved segment, naming the segments. */
export function assertNotReferencedBySegments(db: Db, reference: SegmentReference, field: string): void {
  const referring = segmentsReferringTo(db, reference);
  if (referring.length === 0) return;
  const name = reference.kind === 'option' ? `${reference.property}.${reference.code}` : reference.code;
  throw conflict(
    `${DESCRIPTIONS[reference.kind]} "${name}" is used by saved segment(s): ${referring.map((code) => `"${code}"`).join(', ')}; change or delete them first`,
    field,
    { segments: referring },
  );
}
