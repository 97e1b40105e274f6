import type { GraphQLContext } from '../../context';
import type { ClientRow } from '../../db/schema';
import { badInput } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { displayValue } from '../property/property-values';
import { formatRowId, parseRowId } from '../shared/ids';
import { resolveClientFilter } from '../filter/filter.resolve';
import { propertyFacets, relationshipTypeCounts } from './client-facets';
import { actorOf } from '../auth/auth.service';
import * as bulk from './client-bulk.service';
import { clientConnection, validatePageSize } from './client-page';
import { contactExclusions } from './contact';
import type { PropertyValueModel } from './client.models';
import * as repo from './client.repo';
import * as service from './client.service';

/** The values a client holds, one model per property, in set order then property order. */
export async function propertyValuesOf(context: GraphQLContext, clientId: number): Promise<PropertyValueModel[]> {
  const { loaders } = context;
  const rows = await loaders.valuesByClientId.load(clientId);
  const propertyIds = [...new Set(rows.map((row) => row.propertyId))];
  const [propertyRows, optionLists] = await Promise.all([
    loaders.propertyById.loadMany(propertyIds),
    loaders.optionsByPropertyId.loadMany(propertyIds),
  ]);
  const models = propertyIds.map((propertyId, i) => {
    const property = propertyRows[i];
    const options = optionLists[i];
    if (property instanceof Error) throw property;
    if (options instanceof Error) throw options;
    const valueKeys = rows.filter((row) => row.propertyId === propertyId).map((row) => row.valueKey);
    const chosen = property!.valueType === 'ENUM' ? options.filter((option) => valueKeys.includes(option.code)) : [];
    return { property: property!, valueKeys, options: chosen };
  });
  return models.sort((a, b) => a.property.setId - b.property.setId || a.property.id - b.property.id);
}

async function contactStatus(context: GraphQLContext, client: ClientRow) {
  const type = client.relationshipTypeId === null ? null : await context.loaders.relationshipTypeById.load(client.relationshipTypeId);
  const exclusions = contactExclusions(client, type);
  return { allowed: exclusions.length === 0, reason: exclusions.length === 0 ? null : exclusions.map((e) => e.reason).join('; ') };
}

export const clientResolvers: Resolvers = {
  Query: {
    client: (_, { id }, { loaders }) => {
      const rowId = parseRowId(id);
      return rowId === null ? null : loaders.clientById.load(rowId);
    },
    // Written externalIds are trimmed, so a lookup is too.
    clientByExternalId: (_, { externalId }, { db }) => repo.findClientByExternalId(db, externalId.trim()) ?? null,
    clients: (_, { filter, ...page }, { db, clientIndex }) =>
      clientConnection(db, { ...page, filter: resolveClientFilter(db, filter) }, clientIndex),
  },
  Mutation: {
    createClient: (_, { input }, { db, viewer }) => service.createClient(db, input, actorOf(viewer)),
    updateClient: (_, { id, input }, { db, viewer }) => service.updateClient(db, id, input, actorOf(viewer)),
    deleteClient: (_, { id }, { db }) => service.deleteClient(db, id),
    setClientProperty: (_, { clientId, code, values }, { db, viewer }) =>
      service.changeClientPropertyValues(db, clientId, code, values, 'set', actorOf(viewer)),
    addClientPropertyValues: (_, { clientId, code, values }, { db, viewer }) =>
      service.changeClientPropertyValues(db, clientId, code, values, 'add', actorOf(viewer)),
    removeClientPropertyValues: (_, { clientId, code, values }, { db, viewer }) =>
      service.changeClientPropertyValues(db, clientId, code, values, 'remove', actorOf(viewer)),
    importClients: (_, { rows, dryRun }, { db, viewer }) => bulk.importClients(db, rows, actorOf(viewer), dryRun ?? false),
    updateClients: (_, { filter, input }, { db, viewer }) => bulk.updateClients(db, filter, input, actorOf(viewer)),
  },
  Client: {
    id: (client) => formatRowId(client.id),
    relationshipType: (client, _, { loaders }) =>
      client.relationshipTypeId === null ? null : loaders.relationshipTypeById.load(client.relationshipTypeId),
    contact: (client, _, context) => contactStatus(context, client),
    properties: (client, _, context) => propertyValuesOf(context, client.id),
    property: async (client, { code }, context) => {
      const property = await context.loaders.propertyByCode.load(code);
      if (!property) throw badInput(`Unknown property "${code}"`, 'code');
      const values = await propertyValuesOf(context, client.id);
      return values.find((value) => value.property.id === property.id) ?? null;
    },
    history: (client, { first }, { loaders }) => loaders.historyByClientId(validatePageSize(first)).load(client.id),
    createdAt: (client) => new Date(client.createdAt),
    updatedAt: (client) => new Date(client.updatedAt),
  },
  ClientChange: {
    at: (change) => new Date(change.at),
    before: (change) => JSON.parse(change.beforeJson) as string[],
    after: (change) => JSON.parse(change.afterJson) as string[],
  },
  PropertyValue: {
    property: (model) => model.property,
    values: (model) => model.valueKeys,
    options: (model) => model.options,
    display: (model) =>
      model.valueKeys
        .map((key) => displayValue(model.property, key, model.options.find((option) => option.code === key)))
        .join(', '),
  },
  ClientConnection: {
    edges: (connection) => connection.edges,
    nodes: (connection) => connection.edges.map((edge) => edge.node),
    pageInfo: (connection) => ({
      hasNextPage: connection.hasNextPage,
      hasPreviousPage: false,
      startCursor: connection.edges[0]?.cursor ?? null,
      endCursor: connection.edges[connection.edges.length - 1]?.cursor ?? null,
    }),
    totalCount: (connection) => connection.countAll(),
    facets: (connection, { properties }) => propertyFacets(connection, properties),
    relationshipTypeCounts: (connection) => relationshipTypeCounts(connection),
  },
};
