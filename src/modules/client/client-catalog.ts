import type { Db } from '../../db/connection';
import type { PropertyOptionRow, PropertyRow, RelationshipTypeRow } from '../../db/schema';
import { listProperties, optionsByPropertyIds } from '../property/property.repo';
import { listRelationshipTypes } from '../relationship-type/relationship-type.repo';

/**
 * The definitions a client write is checked against, read once per operation (a few small tables),
 * so that checking 10,000 import rows costs no query per row.
 */
export interface Catalog {
  typesByCode: Map<string, RelationshipTypeRow>;
  typesById: Map<number, RelationshipTypeRow>;
  propertiesByCode: Map<string, PropertyRow>;
  propertiesById: Map<number, PropertyRow>;
  /** Options of ENUM properties by code, archived included. */
  optionsByProperty: Map<number, Map<string, PropertyOptionRow>>;
}

export function loadCatalog(db: Db): Catalog {
  const types = listRelationshipTypes(db);
  const properties = listProperties(db);
  const optionsByProperty = new Map<number, Map<string, PropertyOptionRow>>(properties.map((p) => [p.id, new Map()]));
  for (const option of optionsByPropertyIds(db, properties.map((p) => p.id))) {
    optionsByProperty.get(option.propertyId)!.set(option.code, option);
  }
  return {
    typesByCode: new Map(types.map((t) => [t.code, t])),
    typesById: new Map(types.map((t) => [t.id, t])),
    propertiesByCode: new Map(properties.map((p) => [p.code, p])),
    propertiesById: new Map(properties.map((p) => [p.id, p])),
    optionsByProperty,
  };
}

/** Canonical values in the order PropertyValue.values shows them: option order, numeric, or text order. */
export function orderedValueKeys(catalog: Catalog, property: PropertyRow, keys: Iterable<string>): string[] {
  const list = [...keys];
  if (property.valueType === 'ENUM') {
    const options = catalog.optionsByProperty.get(property.id)!;
    return list.sort((a, b) => (options.get(a)?.position ?? 0) - (options.get(b)?.position ?? 0) || (a < b ? -1 : 1));
  }
  if (property.valueType === 'NUMBER') return list.sort((a, b) => Number(a) - Number(b));
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
