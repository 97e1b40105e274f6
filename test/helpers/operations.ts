import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';

/** A value of an input type that passes GraphQL's own coercion (it need not make sense to the API). */
export function sampleInputValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleInputValue(type.ofType);
  if (isListType(type)) return [sampleInputValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = sampleInputValue(field.type);
    }
    return value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return '2025-01-01T00:00:00.000Z';
      case 'Date':
        return '2025-01-01';
      case 'JSON':
        return {};
      default:
        return 'x';
    }
  }
  return null;
}

/** A document calling one root field with all its arguments as variables, selecting __typename. */
export function documentFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    variables[arg.name] = sampleInputValue(arg.type);
    declarations.push(`$${arg.name}: ${arg.type.toString()}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) ? ' { __typename }' : '';
  const header = declarations.length > 0 ? `(${declarations.join(', ')})` : '';
  const call = args.length > 0 ? `(${args.join(', ')})` : '';
  return { query: `${operation}${header} { ${field.name}${call}${selection} }`, variables };
}
