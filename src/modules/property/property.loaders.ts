import DataLoader from 'dataloader';
import type { Db } from '../../db/connection';
import { groupedInKeyOrder, inKeyOrder } from '../shared/batch';
import * as repo from './property.repo';

export function createPropertyLoaders(db: Db) {
  return {
    propertySetById: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(inKeyOrder(ids, repo.propertySetsByIds(db, ids), (row) => row.id)),
    ),
    propertyById: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(inKeyOrder(ids, repo.propertiesByIds(db, ids), (row) => row.id)),
    ),
    propertyByCode: new DataLoader((codes: readonly string[]) =>
      Promise.resolve(inKeyOrder(codes, repo.propertiesByCodes(db, codes), (row) => row.code)),
    ),
    propertiesBySetId: new DataLoader((setIds: readonly number[]) =>
      Promise.resolve(groupedInKeyOrder(setIds, repo.propertiesBySetIds(db, setIds), (row) => row.setId)),
    ),
    /** Every option of a property, archived included, in option order. */
    optionsByPropertyId: new DataLoader((propertyIds: readonly number[]) =>
      Promise.resolve(groupedInKeyOrder(propertyIds, repo.optionsByPropertyIds(db, propertyIds), (row) => row.propertyId)),
    ),
  };
}
