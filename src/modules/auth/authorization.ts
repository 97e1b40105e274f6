import { getDirectiveValues, GraphQLDirective, GraphQLNonNull, GraphQLEnumType, DirectiveLocation, type GraphQLSchema, type GraphQLFieldResolver, defaultFieldResolver } from 'graphql';
import type { GraphQLContext } from '../../context';
import type { Role } from '../../db/schema';
import { assertRole } from './auth.service';

const authDirective = new GraphQLDirective({
  name: 'auth',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: { requires: { type: new GraphQLNonNull(new GraphQLEnumType({ name: 'Role', values: { VIEWER: {}, EDITOR: {}, ADMIN: {} } })) } },
});

/**
 * Every root field checks the caller's role before it runs: Query fields need VIEWER, and every
 * Mutation field names its role with @auth in the SDL (a mutation without one stops the server at
 * start, so none can slip through unguarded).
 */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const [rootType, fallback] of [
    [schema.getQueryType(), 'VIEWER'],
    [schema.getMutationType(), null],
  ] as const) {
    if (!rootType) continue;
    for (const field of Object.values(rootType.getFields())) {
      const declared = field.astNode ? (getDirectiveValues(authDirective, field.astNode)?.requires as Role | undefined) : undefined;
      const required = declared ?? fallback;
      if (!required) throw new Error(`${rootType.name}.${field.name} declares no @auth(requires: ROLE)`);
      const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        assertRole(context.viewer, required, `${rootType.name}.${field.name}`);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
