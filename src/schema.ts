import fs from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';
import type { Resolvers } from './generated/graphql';
import { callListResolvers } from './modules/call-list/call-list.resolvers';
import { clientResolvers } from './modules/client/client.resolvers';
import { propertyResolvers } from './modules/property/property.resolvers';
import { guardRootFields } from './modules/auth/authorization';
import { relationshipTypeResolvers } from './modules/relationship-type/relationship-type.resolvers';
import { segmentResolvers } from './modules/segment/segment.resolvers';

export const SCHEMA_FOLDER = path.resolve(__dirname, '../schema');

/** The SDL files, base first: it declares Query and Mutation, the others extend them. */
export function loadTypeDefs(folder = SCHEMA_FOLDER): DocumentNode[] {
  const files = fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  return files.map((file) => parse(fs.readFileSync(path.join(folder, file), 'utf8')));
}

function mergeResolvers(...parts: Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [typeName, fields] of Object.entries(part)) {
      merged[typeName] = { ...(merged[typeName] ?? {}), ...(fields as Record<string, unknown>) };
    }
  }
  return merged as Resolvers;
}

export const resolvers: Resolvers = mergeResolvers(
  { DateTime: DateTimeResolver, Date: LocalDateResolver, JSON: JSONResolver },
  relationshipTypeResolvers,
  propertyResolvers,
  clientResolvers,
  segmentResolvers,
  callListResolvers,
);

/** The executable schema: SDL, resolvers, and a role check on every root field. */
export const buildSchema = (): GraphQLSchema => guardRootFields(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never }));
