import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { badInput } from '../../errors';
import type { ClientOrder } from '../../generated/graphql';
import { decodeCursor, encodeCursor, resolveClientOrdering } from './client-order';
import type { ClientConnectionModel } from './client.models';
import { countClients, pageOfClients } from './client.repo';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function validatePageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be from 1 to ${MAX_PAGE_SIZE}, got ${first}`, field);
  }
  return first;
}

export interface ClientPageArgs {
  where?: SQL;
  orderBy?: readonly ClientOrder[] | null;
  first?: number | null;
  after?: string | null;
}

/** A Relay page of the clients matching `where`: keyset paging, so inserts and deletes never shift it. */
export function clientConnection(db: Db, args: ClientPageArgs): ClientConnectionModel {
  const limit = validatePageSize(args.first);
  const ordering = resolveClientOrdering(db, args.orderBy);
  const after = args.after ? decodeCursor(ordering, args.after) : undefined;
  const rows = pageOfClients(db, { where: args.where, ordering, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  let total: number | undefined;
  return {
    edges: page.map((row) => ({ cursor: encodeCursor(ordering, row.position), node: row.client })),
    hasNextPage: rows.length > limit,
    selection: { db, where: args.where },
    countAll: () => (total ??= countClients(db, args.where)),
  };
}
