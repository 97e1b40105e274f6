import { badInput } from '../../errors';
import { optionsByPropertyIds, propertiesByCodes } from '../property/property.repo';
import { listRelationshipTypes } from '../relationship-type/relationship-type.repo';
import type { ClientConnectionModel, PropertyFacetModel, RelationshipTypeCountModel } from './client.models';
import { holdersInSelection, relationshipTypeCountsInSelection, valueCountsInSelection } from './client.repo';

/** STRING, NUMBER and DATE facets list this many most frequent values; ENUM and BOOLEAN list them all. */
export const TOP_FACET_VALUES = 20;

/** Counts per value within the selection: from the index's bitmaps when there is one, else in SQL. */
function valueCounts(connection: ClientConnectionModel, propertyId: number, limit?: number): { valueKey: string; count: number }[] {
  const { db, where, index, bitmap } = connection.selection;
  if (!index || !bitmap) return valueCountsInSelection(db, where, propertyId, limit);
  return index.valueCounts(propertyId, bitmap);
}

function holders(connection: ClientConnectionModel, propertyId: number): number {
  const { db, where, index, bitmap } = connection.selection;
  return index && bitmap ? index.holdersIn(propertyId, bitmap) : holdersInSelection(db, where, propertyId);
}

/** The most frequent values first, ties in value order (numbers as numbers). */
function topValues(rows: { valueKey: string; count: number }[], numeric: boolean, limit: number) {
  const byValue = numeric ? (a: string, b: string) => Number(a) - Number(b) : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort((a, b) => b.count - a.count || byValue(a.valueKey, b.valueKey)).slice(0, limit);
}

export function propertyFacets(connection: ClientConnectionModel, codes: readonly string[]): PropertyFacetModel[] {
  const { db } = connection.selection;
  if (codes.length === 0) throw badInput('properties must not be an empty list', 'properties');
  const known = new Map(propertiesByCodes(db, [...new Set(codes)]).map((property) => [property.code, property]));
  const unknown = codes.find((code) => !known.has(code));
  if (unknown !== undefined) throw badInput(`Unknown property "${unknown}"`, 'properties', { value: unknown });

  return codes.map((code) => {
    const property = known.get(code)!;
    const missing = connection.countAll() - holders(connection, property.id);
    if (property.valueType === 'ENUM') {
      const counts = new Map(valueCounts(connection, property.id).map((row) => [row.valueKey, row.count]));
      const buckets = optionsByPropertyIds(db, [property.id])
        .map((option) => ({ value: option.code, option, count: counts.get(option.code) ?? 0 }))
        .filter((bucket) => !bucket.option.archived || bucket.count > 0);
      return { property, buckets, missing };
    }
    if (property.valueType === 'BOOLEAN') {
      const counts = new Map(valueCounts(connection, property.id).map((row) => [row.valueKey, row.count]));
      const buckets = ['true', 'false'].map((value) => ({ value, option: null, count: counts.get(value) ?? 0 }));
      return { property, buckets, missing };
    }
    const top = topValues(valueCounts(connection, property.id, TOP_FACET_VALUES), property.valueType === 'NUMBER', TOP_FACET_VALUES);
    const buckets = top.map((row) => ({
      value: row.valueKey,
      option: null,
      count: row.count,
    }));
    return { property, buckets, missing };
  });
}

/** Every relationship type in creation order, zero counts included, then the clients with none. */
export function relationshipTypeCounts(connection: ClientConnectionModel): RelationshipTypeCountModel[] {
  const { db, where, index, bitmap } = connection.selection;
  const types = listRelationshipTypes(db);
  const counts =
    index && bitmap
      ? new Map<number | null, number>([...types.map((t) => [t.id, index.typeCount(t.id, bitmap)] as const), [null, index.typeCount(null, bitmap)]])
      : new Map(relationshipTypeCountsInSelection(db, where).map((row) => [row.relationshipTypeId, row.count]));
  return [
    ...types.map((type) => ({ relationshipType: type, count: counts.get(type.id) ?? 0 })),
    { relationshipType: null, count: counts.get(null) ?? 0 },
  ];
}
