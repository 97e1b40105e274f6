import DataLoader from 'dataloader';
import type { Db } from '../../db/connection';
import type { ClientChangeRow } from '../../db/schema';
import { groupedInKeyOrder, inKeyOrder } from '../shared/batch';
import * as repo from './client.repo';

export function createClientLoaders(db: Db) {
  // One loader per page size asked for, since `first` is part of what each batch selects.
  const historyLoaders = new Map<number, DataLoader<number, ClientChangeRow[]>>();
  return {
    historyByClientId: (first: number) => {
      let loader = historyLoaders.get(first);
      if (!loader) {
        loader = new DataLoader((clientIds: readonly number[]) =>
          Promise.resolve(groupedInKeyOrder(clientIds, repo.changesByClientIds(db, clientIds, first), (row) => row.clientId)),
        );
        historyLoaders.set(first, loader);
      }
      return loader;
    },
    clientById: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(inKeyOrder(ids, repo.clientsByIds(db, ids), (row) => row.id)),
    ),
    /** Every value a client holds, grouped by property, in option or value order. */
    valuesByClientId: new DataLoader((clientIds: readonly number[]) =>
      Promise.resolve(groupedInKeyOrder(clientIds, repo.valuesByClientIds(db, clientIds), (row) => row.clientId)),
    ),
  };
}
