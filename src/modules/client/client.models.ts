import type { SQL } from 'drizzle-orm';
import type { RoaringBitmap32 } from 'roaring';
import type { Db } from '../../db/connection';
import type { ClientIndex } from '../client-index/client-index';
import type { ClientRow, PropertyOptionRow, PropertyRow, RelationshipTypeRow } from '../../db/schema';

/** All values one client holds for one property, as the PropertyValue type reads them. */
export interface PropertyValueModel {
  property: PropertyRow;
  /** Canonical values, in option order (ENUM) or value order. */
  valueKeys: string[];
  /** ENUM: the chosen options in option order. */
  options: PropertyOptionRow[];
}

export interface ClientEdgeModel {
  cursor: string;
  node: ClientRow;
}

/**
 * The clients a connection selects: with the client index, a bitmap of them; without, the filter's
 * SQL condition (undefined: every client).
 */
export interface ClientSelection {
  db: Db;
  where: SQL | undefined;
  index?: ClientIndex;
  bitmap?: RoaringBitmap32;
}

/** A page of clients; aggregates over the whole selection are computed only when asked for. */
export interface ClientConnectionModel {
  edges: ClientEdgeModel[];
  hasNextPage: boolean;
  selection: ClientSelection;
  /** The number of selected clients, counted once per connection at most. */
  countAll: () => number;
}

export interface FacetBucketModel {
  value: string;
  option: PropertyOptionRow | null;
  count: number;
}

export interface PropertyFacetModel {
  property: PropertyRow;
  buckets: FacetBucketModel[];
  missing: number;
}

export interface RelationshipTypeCountModel {
  relationshipType: RelationshipTypeRow | null;
  count: number;
}
