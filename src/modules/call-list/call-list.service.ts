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
  const excluded = compileClientFilter({ kind: 'and', parts: [base, { kind: 'not', part: { kind: 'contactable' } }] }) as SQL;
  const page = clientConnection(db, { filter: { kind: 'and', parts: [base, { kind: 'contactable' }] }, first: args.first, after: args.after }, index);
  let exclusions: ReturnType<typeof countExclusions> | undefined;
  return { page, exclusions: () => (exclusions ??= countExclusions(db, excluded)) };
}

function countExclusions(db: Db, excludedWhere: SQL): { excludedCount: number; excluded: ExclusionCount[] } {
  const groups = excludedGroups(db, excludedWhere);
  const excluded: ExclusionCount[] = [];
  for (const type of listRelationshipTypes(db)) {
    if (type.contactPolicy !== 'DO_NOT_CONTACT') continue;
    const count = groups.filter((g) => g.relationshipTypeId === type.id).reduce((sum, g) => sum + g.count, 0);
    if (count > 0) excluded.push({ code: relationshipTypeExclusionCode(type), reason: relationshipTypeExclusionReason(type), count });
  }
  const asked = groups.filter((g) => g.doNotContact).reduce((sum, g) => sum + g.count, 0);
  if (asked > 0) excluded.push({ code: DO_NOT_CONTACT_CODE, reason: DO_NOT_CONTACT_REASON, count: asked });
  return { excludedCount: groups.reduce((sum, g) => sum + g.count, 0), excluded };
}
