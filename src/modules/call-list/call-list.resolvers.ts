import type { GraphQLContext } from '../../context';
import type { ClientRow } from '../../db/schema';
import type { Resolvers } from '../../generated/graphql';
import { propertyValuesOf } from '../client/client.resolvers';
import { displayValue } from '../property/property-values';
import { callList } from './call-list.service';

/** What a caller must know: who the client is to us, then the properties marked for the briefing. */
async function briefing(context: GraphQLContext, client: ClientRow): Promise<string[]> {
  // Both loads start before either is awaited, so that every entry of the page joins the same batches.
  const [type, values] = await Promise.all([
    client.relationshipTypeId === null ? null : context.loaders.relationshipTypeById.load(client.relationshipTypeId),
    propertyValuesOf(context, client.id),
  ]);
  const lines = [type ? `Тип отношений: ${type.name}${type.briefing ? ` — ${type.briefing}` : ''}` : 'Тип отношений не указан'];
  for (const value of values) {
    if (!value.property.showInBriefing) continue;
    const shown = value.valueKeys.map((key) => displayValue(value.property, key, value.options.find((o) => o.code === key)));
    lines.push(`${value.property.name}: ${shown.join(', ')}`);
  }
  return lines;
}

export const callListResolvers: Resolvers = {
  Query: {
    callList: (_, args, { db, clientIndex }) => callList(db, args, clientIndex),
  },
  CallListConnection: {
    edges: ({ page }) => page.edges.map((edge) => ({ cursor: edge.cursor, node: { client: edge.node } })),
    nodes: ({ page }) => page.edges.map((edge) => ({ client: edge.node })),
    pageInfo: ({ page }) => ({
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor: page.edges[page.edges.length - 1]?.cursor ?? null,
    }),
    totalCount: ({ page }) => page.countAll(),
    excludedCount: ({ exclusions }) => exclusions().excludedCount,
    excluded: ({ exclusions }) => exclusions().excluded,
  },
  CallListEntry: {
    client: (entry) => entry.client,
    briefing: (entry, _, context) => briefing(context, entry.client),
  },
};
