import fs from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { isObjectType, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
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

/**
 * graphql-js 16 leaves a sibling field's promise unhandled when a non-null field throws synchronously
 * (several facets of a list of segments failing at once did it): an unhandled rejection that would
 * bring Node down. Resolvers that throw hand their error back as a rejected promise instead, which
 * the executor always awaits.
 */
function rejectInsteadOfThrowing(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        try {
          return resolve(source, args, context, info);
        } catch (error) {
          return Promise.reject(error);
        }
      };
    }
  }
  return schema;
}

/** The executable schema: SDL, resolvers, and a role check on every root field. */
export const buildSchema = (): GraphQLSchema =>
  rejectInsteadOfThrowing(guardRootFields(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never })));
