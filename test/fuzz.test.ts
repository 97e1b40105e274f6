import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { loadDemoData } from '../src/db/demo-data';
import { buildSchema } from '../src/schema';
import { seededRandom } from './helpers/population';
import { startTestServer, type TestServer } from './helpers/test-server';

/*
 * Operations generated from the schema itself: valid and invalid variables, wrong types, huge and
 * negative numbers, odd Unicode, deep and wide selections. Whatever comes in, the server answers with
 * a deliberate error or data: never INTERNAL_SERVER_ERROR, never an internal detail, and it lives on.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const OPERATIONS = 2000;
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;

const STRINGS = [
  '', ' ', 'x', 'svc1', 'service_1', 'our_client', 'partner_client', 'used_service', 'region', 'moscow', 'annual_revenue', 'vip', 'tags',
  'contract_until', 'offer_service_2', 'Рога и копыта', 'рога', 'Ёлка', '%', '_', '%_%', "'; drop table clients; --", '\u0000', '\u202e',
  '😀👍🏽', 'e\u0301', '\uFEFF', 'a'.repeat(3000), '1e400', '-0', '1e3', '2025-02-30', '2025-12-31', 'true', 'FALSE', '99999999999999999999',
  '{"a":1}', 'NaN', '\n\t', 'ⅰⅱⅲ', 'İstanbul', 'ß',
];
const INTS = [0, -1, 1, 2, 50, 499, 500, 501, 2147483647, -2147483648];
const IDS = ['1', '2', '3', '50', '299', '300', '999999', 'abc', '-1', '', '1.5', '0x1', '１'];
const WRONG = [null, 42, -3.5, true, 'text', [], {}, [1, 'a'], { nested: { deep: [null] } }, 1e308, -1e308];

function value(type: GraphQLInputType, depth: number): unknown {
  if (chance(0.04)) return pick(WRONG);
  if (isNonNullType(type)) return value(type.ofType, depth);
  if (chance(0.03)) return null;
  if (isListType(type)) {
    const length = pick([0, 1, 1, 2, 3]);
    return Array.from({ length }, () => value(type.ofType, depth + 1));
  }
  if (isEnumType(type)) return chance(0.95) ? pick(type.getValues()).value : 'NOT_A_VALUE';
  if (isInputObjectType(type)) {
    const result: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const required = isNonNullType(field.type);
      if (depth > 4 && !required) continue;
      if (required ? chance(0.95) : chance(0.25)) result[field.name] = value(field.type, depth + 1);
    }
    if (chance(0.03)) result.unknownField = 'x';
    return result;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return pick(INTS);
      case 'Float':
        return random() * 1e6 - 5e5;
      case 'Boolean':
        return chance(0.5);
      case 'ID':
        return pick(IDS);
      case 'DateTime':
        return pick(['2025-01-01T00:00:00Z', '2026-12-31T23:59:59.999+03:00', 'nope', '', '0000-00-00T00:00:00Z']);
      case 'Date':
        return pick(['2025-01-01', '2025-02-30', 'x']);
      case 'JSON':
        return pick([{}, { a: [1, 2] }, 'x', 1]);
      default:
        return pick(STRINGS);
    }
  }
  return null;
}

interface Built {
  variables: Record<string, unknown>;
  declarations: string[];
}

function argumentsFor(field: GraphQLField<unknown, unknown>, built: Built): string {
  const args: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) && chance(0.5)) continue;
    if (isNonNullType(arg.type) && chance(0.02)) continue; // a required argument left out
    const name = `v${built.declarations.length}`;
    built.declarations.push(`$${name}: ${arg.type.toString()}`);
    built.variables[name] = value(arg.type, 0);
    args.push(`${arg.name}: $${name}`);
  }
  return args.length > 0 ? `(${args.join(', ')})` : '';
}

function selection(type: GraphQLObjectType, depth: number, maxDepth: number, built: Built): string {
  const fields = Object.values(type.getFields());
  const width = depth >= maxDepth ? 1 : 1 + Math.floor(random() * Math.min(5, fields.length));
  const chosen = Array.from({ length: width }, () => pick(fields));
  return chosen
    .map((field, i) => {
      const alias = chance(0.1) ? `a${depth}_${i}: ` : '';
      const named = getNamedType(field.type);
      const args = argumentsFor(field, built);
      if (isObjectType(named) || isInterfaceType(named)) {
        if (depth >= maxDepth) return `${alias}${field.name}${args} { __typename }`;
        return `${alias}${field.name}${args} { ${selection(named as GraphQLObjectType, depth + 1, maxDepth, built)} }`;
      }
      return `${alias}${field.name}${args}`;
    })
    .join(' ');
}

function operation(schema: ReturnType<typeof buildSchema>): { query: string; variables: Record<string, unknown> } {
  const mutation = chance(0.35);
  const root = mutation ? schema.getMutationType()! : schema.getQueryType()!;
  const built: Built = { variables: {}, declarations: [] };
  const maxDepth = pick([1, 2, 3, 4, 6, 9, 14]);
  const body = selection(root, 1, maxDepth, built);
  const header = built.declarations.length > 0 ? `(${built.declarations.join(', ')})` : '';
  return { query: `${mutation ? 'mutation' : 'query'}${header} { ${body} }`, variables: built.variables };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  loadDemoData(server.db);
});
afterAll(() => server.close());

describe(`fuzzing with operations built from the schema (FUZZ_SEED=${SEED})`, () => {
  it(`answers ${OPERATIONS} generated operations without an internal error or a leak, and stays alive`, async () => {
    const schema = buildSchema();
    const tokens = [server.adminToken, server.tokenFor('EDITOR'), server.tokenFor('VIEWER')];
    const seen = new Map<string, number>();
    for (let i = 0; i < OPERATIONS; i++) {
      const { query, variables } = operation(schema);
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pick(tokens)}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      const context = `operation ${i} (FUZZ_SEED=${SEED}): ${query.slice(0, 400)} ${JSON.stringify(variables).slice(0, 400)} → ${response.status} ${text.slice(0, 600)}`;
      if (![200, 400, 403].includes(response.status)) throw new Error(`unexpected status: ${context}`);
      if (text.includes('INTERNAL_SERVER_ERROR')) throw new Error(`internal error: ${context}`);
      if (/node_modules|\.ts:\d|at \w+ \(|SQLITE|select "/.test(text)) throw new Error(`leaked internals: ${context}`);
      const body = JSON.parse(text);
      for (const error of body.errors ?? []) seen.set(error.extensions?.code, (seen.get(error.extensions?.code) ?? 0) + 1);
      if (!body.errors) seen.set('OK', (seen.get('OK') ?? 0) + 1);
    }
    // The generator reaches both sides: data and every kind of refusal.
    expect(seen.get('OK')).toBeGreaterThan(50);
    expect(seen.get('BAD_USER_INPUT')).toBeGreaterThan(50);
    expect(seen.get('GRAPHQL_VALIDATION_FAILED')).toBeGreaterThan(10);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await server.gql('{ relationshipTypes { code } }')).relationshipTypes.length).toBeGreaterThan(0);
  }, 180000);
});
