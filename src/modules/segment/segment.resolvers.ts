import type { Resolvers } from '../../generated/graphql';
import { clientConnection } from '../client/client-page';
import { countClients } from '../client/client.repo';
import { explainFilterForClient } from '../filter/filter-explain';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveClientFilter, resolveSegment } from '../filter/filter.resolve';
import { formatRowId } from '../shared/ids';
import * as repo from './segment.repo';
import * as service from './segment.service';

export const segmentResolvers: Resolvers = {
  Query: {
    segments: (_, __, { db }) => repo.listSegments(db),
    segment: (_, { code }, { db }) => repo.findSegmentByCode(db, code) ?? null,
    explainFilter: (_, { filter, clientId }, { db }) => explainFilterForClient(db, resolveClientFilter(db, filter), clientId),
  },
  Mutation: {
    createSegment: (_, { input }, { db }) => service.createSegment(db, input),
    updateSegment: (_, { code, input }, { db }) => service.updateSegment(db, code, input),
    deleteSegment: (_, { code }, { db }) => service.deleteSegment(db, code),
    addSegmentMembers: (_, { code, clientIds }, { db }) => service.addSegmentMembers(db, code, clientIds),
    removeSegmentMembers: (_, { code, clientIds }, { db }) => service.removeSegmentMembers(db, code, clientIds),
  },
  Segment: {
    id: (segment) => formatRowId(segment.id),
    filter: (segment) => (segment.filterJson === null ? null : JSON.parse(segment.filterJson)),
    size: (segment, _, { db, clientIndex }) => {
      const node = resolveSegment(db, segment);
      return clientIndex ? clientIndex.evaluate(node).size : countClients(db, compileClientFilter(node));
    },
    clients: (segment, { filter, ...page }, { db, clientIndex }) =>
      clientConnection(db, { ...page, filter: { kind: 'and', parts: [resolveSegment(db, segment), resolveClientFilter(db, filter)] } }, clientIndex),
    explain: (segment, { clientId }, { db }) => explainFilterForClient(db, resolveSegment(db, segment), clientId),
    createdAt: (segment) => new Date(segment.createdAt),
    updatedAt: (segment) => new Date(segment.updatedAt),
  },
  Client: {
    segments: (client, _, { loaders }) => loaders.segmentsByClientId.load(client.id),
  },
};
