import type { Db } from '../../db/connection';
import { badInput } from '../../errors';
import type { ClientOrder } from '../../generated/graphql';
import { decodeCursor, encodeCursor, resolveClientOrdering } from './client-order';
import type { ClientConnectionModel } from './client.models';
import { countClients, pageOfClients } from './client.repo';
import type { ClientIndex } from '../client-index/client-index';
import { compileClientFilter } from '../filter/filter.sql';
import type { FilterNode } from '../filter/filter.types';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function validatePageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be from 1 to ${MAX_PAGE_SIZE}, got ${first}`, field);
  }
  return first;
}

/** True when every condition of the filter is one SQLite answers from its own indexes on clients. */
function answeredBySqlIndexes(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.parts.every(answeredBySqlIndexes);
    case 'text':
      return node.operator !== 'contains';
    case 'timeRange':
    case 'ids':
      return true;
    default:
      return false;
  }
}

export interface ClientPageArgs {
  filter: FilterNode;
  orderBy?: readonly ClientOrder[] | null;
  first?: number | null;
  after?: string | null;
}

/**
 * A Relay page of the clients a filter selects: keyset paging, so inserts and deletes never shift
 * it. With the client index, the selection is a bitmap (count and aggregates need no rows) and SQLite
 * only orders and pages it; without, the whole filter runs as SQL.
 */
export function clientConnection(db: Db, args: ClientPageArgs, index: ClientIndex | null): ClientConnectionModel {
  const limit = validatePageSize(args.first);
  const ordering = resolveClientOrdering(db, args.orderBy);
  const after = args.after ? decodeCursor(ordering, args.after) : undefined;
  const edgesOf = (rows: ReturnType<typeof pageOfClients>) =>
    rows.slice(0, limit).map((row) => ({ cursor: encodeCursor(ordering, row.position), node: row.client }));
  if (index) {
    const bitmap = index.evaluate(args.filter);
    // A filter of only what SQLite indexes itself (a name prefix, a time range) pages best as SQL.
    const rows = answeredBySqlIndexes(args.filter)
      ? pageOfClients(db, { where: compileClientFilter(args.filter), ordering, after, limit: limit + 1 })
      : index.withSelectionCondition(bitmap, limit, ordering.keys[0].indexed, (where) =>
          pageOfClients(db, { where, ordering, after, limit: limit + 1 }),
        );
    return { edges: edgesOf(rows), hasNextPage: rows.length > limit, selection: { db, where: undefined, index, bitmap }, countAll: () => bitmap.size };
  }
  const where = compileClientFilter(args.filter);
  const rows = pageOfClients(db, { where, ordering, after, limit: limit + 1 });
  let total: number | undefined;
  return {
    edges: edgesOf(rows),
    hasNextPage: rows.length > limit,
    selection: { db, where },
    countAll: () => (total ??= countClients(db, where)),
  };
}
