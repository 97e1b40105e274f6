import DataLoader from 'dataloader';
import type { Db } from '../../db/connection';
import { inKeyOrder } from '../shared/batch';
import * as repo from './relationship-type.repo';

export function createRelationshipTypeLoaders(db: Db) {
  return {
    relationshipTypeById: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(inKeyOrder(ids, repo.relationshipTypesByIds(db, ids), (row) => row.id)),
    ),
    clientCountByRelationshipTypeId: new DataLoader((ids: readonly number[]) => {
      const counts = new Map(repo.clientCountsByRelationshipTypeIds(db, ids).map((row) => [row.id, row.count]));
      return Promise.resolve(ids.map((id) => counts.get(id) ?? 0));
    }),
  };
}
