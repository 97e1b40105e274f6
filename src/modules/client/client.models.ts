import type { ClientRow, PropertyOptionRow, PropertyRow } from '../../db/schema';

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

/** A page of clients; aggregates over the whole selection are computed only when asked for. */
export interface ClientConnectionModel {
  edges: ClientEdgeModel[];
  hasNextPage: boolean;
  countAll: () => number;
}
