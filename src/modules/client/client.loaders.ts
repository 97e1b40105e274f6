import DataLoader from 'dataloader';
import type { Db } from '../../db/connection';
import { groupedInKeyOrder, inKeyOrder } from '../shared/batch';
import * as repo from './client.repo';

export function createClientLoaders(db: Db) {
  return {
    clientById: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(inKeyOrder(ids, repo.clientsByIds(db, ids), (row) => row.id)),
    ),
    /** Every value a client holds, grouped by property, in option or value order. */
    valuesByClientId: new DataLoader((clientIds: readonly number[]) =>
      Promise.resolve(groupedInKeyOrder(clientIds, repo.valuesByClientIds(db, clientIds), (row) => row.clientId)),
    ),
  };
}
