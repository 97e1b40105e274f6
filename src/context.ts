import type { Db } from './db/connection';
import type { Viewer } from './modules/auth/auth.service';
import type { ClientIndex } from './modules/client-index/client-index';
import { createClientLoaders } from './modules/client/client.loaders';
import { createPropertyLoaders } from './modules/property/property.loaders';
import { createRelationshipTypeLoaders } from './modules/relationship-type/relationship-type.loaders';
import { createSegmentLoaders } from './modules/segment/segment.loaders';

export function createLoaders(db: Db, clientIndex: ClientIndex | null) {
  return {
    ...createRelationshipTypeLoaders(db),
    ...createPropertyLoaders(db),
    ...createClientLoaders(db),
    ...createSegmentLoaders(db, clientIndex),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Per request: the database, who is calling, and fresh loaders (never shared between requests). */
export interface GraphQLContext {
  db: Db;
  /** The derived index of who holds what, shared by all requests and kept in step with writes; null: SQL only. */
  clientIndex: ClientIndex | null;
  viewer: Viewer | null;
  requestId: string;
  loaders: Loaders;
}

export const createContext = (db: Db, clientIndex: ClientIndex | null, viewer: Viewer | null, requestId: string): GraphQLContext => ({
  db,
  clientIndex,
  viewer,
  requestId,
  loaders: createLoaders(db, clientIndex),
});
