import type { Db } from './db/connection';
import type { Viewer } from './modules/auth/auth.service';
import { createClientLoaders } from './modules/client/client.loaders';
import { createPropertyLoaders } from './modules/property/property.loaders';
import { createRelationshipTypeLoaders } from './modules/relationship-type/relationship-type.loaders';
import { createSegmentLoaders } from './modules/segment/segment.loaders';

export function createLoaders(db: Db) {
  return {
    ...createRelationshipTypeLoaders(db),
    ...createPropertyLoaders(db),
    ...createClientLoaders(db),
    ...createSegmentLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Per request: the database, who is calling, and fresh loaders (never shared between requests). */
export interface GraphQLContext {
  db: Db;
  viewer: Viewer | null;
  requestId: string;
  loaders: Loaders;
}

export const createContext = (db: Db, viewer: Viewer | null, requestId: string): GraphQLContext => ({
  db,
  viewer,
  requestId,
  loaders: createLoaders(db),
});
