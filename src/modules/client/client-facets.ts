import { badInput } from '../../errors';
import { optionsByPropertyIds, propertiesByCodes } from '../property/property.repo';
import { listRelationshipTypes } from '../relationship-type/relationship-type.repo';
import type { ClientConnectionModel, PropertyFacetModel, RelationshipTypeCountModel } from './client.models';
import { holdersInSelection, relationshipTypeCountsInSelection, valueCountsInSelection } from './client.repo';

/** STRING, NUMBER and DATE facets list this many most frequent values; ENUM and BOOLEAN list them all. */
export const TOP_FACET_VALUES = 20;

export function propertyFacets(connection: ClientConnectionModel, codes: readonly string[]): PropertyFacetModel[] {
  const { db, where } = connection.selection;
  if (codes.length === 0) throw badInput('properties must not be an empty list', 'properties');
  const known = new Map(propertiesByCodes(db, [...new Set(codes)]).map((property) => [property.code, property]));
  const unknown = codes.find((code) => !known.has(code));
  if (unknown !== undefined) throw badInput(`Unknown property "${unknown}"`, 'properties', { value: unknown });

  return codes.map((code) => {
    const property = known.get(code)!;
    const missing = connection.countAll() - holdersInSelection(db, where, property.id);
    if (property.valueType === 'ENUM') {
      const counts = new Map(valueCountsInSelection(db, where, property.id).map((row) => [row.valueKey, row.count]));
      const buckets = optionsByPropertyIds(db, [property.id])
        .map((option) => ({ value: option.code, option, count: counts.get(option.code) ?? 0 }))
        .filter((bucket) => !bucket.option.archived || bucket.count > 0);
      return { property, buckets, missing };
    }
    if (property.valueType === 'BOOLEAN') {
      const counts = new Map(valueCountsInSelection(db, where, property.id).map((row) => [row.valueKey, row.count]));
      const buckets = ['true', 'false'].map((value) => ({ value, option: null, count: counts.get(value) ?? 0 }));
      return { property, buckets, missing };
    }
    const buckets = valueCountsInSelection(db, where, property.id, TOP_FACET_VALUES).map((row) => ({
      value: row.valueKey,
      option: null,
      count: row.count,
    }));
    return { property, buckets, missing };
  });
}

/** Every relationship type in creation order, zero counts included, then the clients with none. */
export function relationshipTypeCounts(connection: ClientConnectionModel): RelationshipTypeCountModel[] {
  const { db, where } = connection.selection;
  const counts = new Map(relationshipTypeCountsInSelection(db, where).map((row) => [row.relationshipTypeId, row.count]));
  return [
    ...listRelationshipTypes(db).map((type) => ({ relationshipType: type, count: counts.get(type.id) ?? 0 })),
    { relationshipType: null, count: counts.get(null) ?? 0 },
  ];
}
