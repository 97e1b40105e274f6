import type { Resolvers } from '../../generated/graphql';
import { formatRowId } from '../shared/ids';
import * as repo from './property.repo';
import * as service from './property.service';

export const propertyResolvers: Resolvers = {
  Query: {
    propertySets: (_, __, { db }) => repo.listPropertySets(db),
    properties: (_, __, { db }) => repo.listProperties(db),
    property: (_, { code }, { db }) => repo.findPropertyByCode(db, code) ?? null,
  },
  Mutation: {
    createPropertySet: (_, { input }, { db }) => service.createPropertySet(db, input),
    updatePropertySet: (_, { code, input }, { db }) => service.updatePropertySet(db, code, input),
    deletePropertySet: (_, { code }, { db }) => service.deletePropertySet(db, code),
    createProperty: (_, { input }, { db }) => service.createProperty(db, input),
    updateProperty: (_, { code, input }, { db }) => service.updateProperty(db, code, input),
    deleteProperty: (_, { code }, { db }) => service.deleteProperty(db, code),
    addPropertyOption: (_, { property, option }, { db }) => service.addPropertyOption(db, property, option),
    updatePropertyOption: (_, { property, option, label }, { db }) =>
      service.updatePropertyOption(db, property, option, label),
    archivePropertyOption: (_, { property, option }, { db }) =>
      service.setPropertyOptionArchived(db, property, option, true),
    unarchivePropertyOption: (_, { property, option }, { db }) =>
      service.setPropertyOptionArchived(db, property, option, false),
    deletePropertyOption: (_, { property, option }, { db }) => service.deletePropertyOption(db, property, option),
  },
  PropertySet: {
    id: (row) => formatRowId(row.id),
    properties: (row, _, { loaders }) => loaders.propertiesBySetId.load(row.id),
  },
  Property: {
    id: (row) => formatRowId(row.id),
    set: async (row, _, { loaders }) => (await loaders.propertySetById.load(row.setId))!,
    options: async (row, { includeArchived }, { loaders }) => {
      const options = await loaders.optionsByPropertyId.load(row.id);
      return includeArchived ? options : options.filter((option) => !option.archived);
    },
  },
  PropertyOption: {
    id: (row) => formatRowId(row.id),
  },
};
