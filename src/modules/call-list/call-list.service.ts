import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import type { ClientFilter } from '../../generated/graphql';
import type { ClientIndex } from '../client-index/client-index';
import { clientConnection } from '../client/client-page';
import {
  DO_NOT_CONTACT_CODE,
  DO_NOT_CONTACT_REASON,
  relationshipTypeExclusionCode,
  relationshipTypeExclusionReason,
} from '../client/contact';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveClientFilter, resolveSegment } from '../filter/filter.resolve';
import type { FilterNode } from '../filter/filter.types';
import { listRelationshipTypes } from '../relationship-type/relationship-type.repo';
import { requireSegment } from '../segment/segment.service';
import type { CallListConnectionModel, ExclusionCount } from './call-list.models';
import { excludedGroups } from './call-list.repo';

export interface CallListArgs {
  segment?: string | null;
  filter?: ClientFilter | null;
  first?: number | null;
  after?: string | null;
}

/** The segment and/or filter's clients that may be contacted, and counts of those left out, by reason. */
export function callList(db: Db, args: CallListArgs, index: ClientIndex | null): CallListConnectionModel {
  const parts: FilterNode[] = [];
  if (args.segment !== null && args.segment !== undefined) {
    parts.push(resolveSegment(db, requireSegment(db, args.segment, 'segment', true), 'segment'));
  }
  parts.push(resolveClientFilter(db, args.filter, 'filter'));
  const base: FilterNode = { kind: 'and', parts };
  const excluded: FilterNode = { kind: 'and', parts: [base, { kind: 'not', part: { kind: 'contactable' } }] };
  const page = clientConnection(db, { filter: { kind: 'and', parts: [base, { kind: 'contactable' }] }, first: args.first, after: args.after }, index);
  let exclusions: ReturnType<typeof countExclusions> | undefined;
  return { page, exclusions: () => (exclusions ??= countExclusions(db, excluded, index)) };
}

interface ExclusionTally {
  /** Clients left out, each once. */
  total: number;
  /** Clients left out with each DO_NOT_CONTACT relationship type. */
  byType: Map<number, number>;
  /** Clients left out that asked not to be contacted. */
  asked: number;
}

/** Counts the excluded clients by reason: from the index's bitmaps, or from one grouped statement. */
function tallyExclusions(db: Db, excluded: FilterNode, index: ClientIndex | null, blockedTypeIds: readonly number[]): ExclusionTally {
  if (index) {
    const selection = index.evaluate(excluded);
    return {
      total: selection.size,
      byType: new Map(blockedTypeIds.map((id) => [id, index.typeCount(id, selection)])),
      asked: index.doNotContactIn(selection),
    };
  }
  const groups = excludedGroups(db, compileClientFilter(excluded) as SQL);
  const sum = (rows: typeof groups) => rows.reduce((total, group) => total + group.count, 0);
  return {
    total: sum(groups),
    byType: new Map(blockedTypeIds.map((id) => [id, sum(groups.filter((g) => g.relationshipTypeId === id))])),
    asked: sum(groups.filter((g) => g.doNotContact)),
  };
}

function countExclusions(db: Db, excludedNode: FilterNode, index: ClientIndex | null): { excludedCount: number; excluded: ExclusionCount[] } {
  const blocked = listRelationshipTypes(db).filter((type) => type.contactPolicy === 'DO_NOT_CONTACT');
  const tally = tallyExclusions(db, excludedNode, index, blocked.map((type) => type.id));
  const excluded: ExclusionCount[] = [];
  for (const type of blocked) {
    const count = tally.byType.get(type.id) ?? 0;
    if (count > 0) excluded.push({ code: relationshipTypeExclusionCode(type), reason: relationshipTypeExclusionReason(type), count });
  }
  if (tally.asked > 0) excluded.push({ code: DO_NOT_CONTACT_CODE, reason: DO_NOT_CONTACT_REASON, count: tally.asked });
  return { excludedCount: tally.total, excluded };
}
