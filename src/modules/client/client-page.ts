import type { Db } from '../../db/connection';
import { badInput } from '../../errors';
import type { ClientOrder } from '../../generated/graphql';
import type { RoaringBitmap32 } from 'roaring';
import { decodeCursor, encodeCursor, resolveClientOrdering, type ClientOrdering, type SortValue } from './client-order';
import type { ClientConnectionModel } from './client.models';
import { clientsByIds, countClients, idIn, pageOfClients, type ClientPageRow } from './client.repo';
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

/** The default order: name, then id, both ascending. */
const isNameOrder = (ordering: ClientOrdering) =>
  ordering.keys.length === 2 && ordering.keys[0].label === 'NAME' && !ordering.keys[0].descending;

/** SQLite compares text byte by byte in UTF-8 (BINARY); JavaScript's < compares UTF-16 units, which differs past U+FFFF. */
const compareNamePositions = (a: ClientPageRow, b: ClientPageRow) =>
  Buffer.compare(Buffer.from(a.client.nameFolded, 'utf8'), Buffer.from(b.client.nameFolded, 'utf8')) || a.client.id - b.client.id;

/**
 * A page in name order with the index's help: the clients placed in name order come in order from
 * memory and are read by id; those the index could not place (created or renamed lately) are paged
 * by SQL among themselves and merged in. Null when the index cannot say where the cursor is.
 */
function pageInNameOrder(db: Db, index: ClientIndex, selection: RoaringBitmap32, ordering: ClientOrdering, after: SortValue[] | undefined, limit: number): ClientPageRow[] | null {
  const picked = index.pageInNameOrder(selection, after, limit);
  if (!picked) return null;
  const byId = new Map(clientsByIds(db, picked.placed).map((client) => [client.id, client]));
  // A client another process deleted a moment ago is simply not on the page, as with SQL.
  const placed = picked.placed.flatMap((id) => {
    const client = byId.get(id);
    return client ? [{ client, position: [client.nameFolded, client.id] }] : [];
  });
  if (picked.unplaced.length === 0) return placed;
  const unplaced = pageOfClients(db, { where: idIn(picked.unplaced), ordering, after, limit });
  return [...placed, ...unplaced].sort(compareNamePositions).slice(0, limit);
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
      : ((isNameOrder(ordering) ? pageInNameOrder(db, index, bitmap, ordering, after, limit + 1) : null) ??
        index.withSelectionCondition(bitmap, limit, ordering.keys[0].indexed, (where) =>
          pageOfClients(db, { where, ordering, after, limit: limit + 1 }),
        ));
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
