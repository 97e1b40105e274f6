import type { Resolvers } from '../../generated/graphql';
import { actorOf } from '../auth/auth.service';
import { formatRowId } from '../shared/ids';
import * as repo from './relationship-type.repo';
import * as service from './relationship-type.service';

export const relationshipTypeResolvers: Resolvers = {
  Query: {
    relationshipTypes: (_, __, { db }) => repo.listRelationshipTypes(db),
    relationshipType: (_, { code }, { db }) => repo.findRelationshipTypeByCode(db, code) ?? null,
  },
  Mutation: {
    createRelationshipType: (_, { input }, { db }) => service.createRelationshipType(db, input),
    updateRelationshipType: (_, { code, input }, { db }) => service.updateRelationshipType(db, code, input),
    deleteRelationshipType: (_, { code, reassignTo }, { db, viewer }) => {
      service.deleteRelationshipType(db, code, reassignTo, actorOf(viewer));
      return true;
    },
  },
  RelationshipType: {
    id: (row) => formatRowId(row.id),
    clientCount: (row, _, { loaders }) => loaders.clientCountByRelationshipTypeId.load(row.id),
  },
};
