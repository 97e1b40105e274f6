import { buildSchema } from '../src/schema';
import { documentFor } from './helpers/operations';
import { startTestServer, type TestServer } from './helpers/test-server';

/** API.md "Access": ADMIN defines, EDITOR writes clients, values and segments, VIEWER reads. */
const ADMIN_MUTATIONS = [
  'createRelationshipType', 'updateRelationshipType', 'deleteRelationshipType',
  'createPropertySet', 'updatePropertySet', 'deletePropertySet',
  'createProperty', 'updateProperty', 'deleteProperty',
  'addPropertyOption', 'updatePropertyOption', 'archivePropertyOption', 'unarchivePropertyOption', 'deletePropertyOption',
];
const EDITOR_MUTATIONS = [
  'createClient', 'updateClient', 'deleteClient', 'setClientProperty', 'addClientPropertyValues', 'removeClientPropertyValues',
  'createSegment', 'updateSegment', 'deleteSegment', 'addSegmentMembers', 'removeSegmentMembers', 'importClients', 'updateClients',
];

const schema = buildSchema();
const ENV_ADMIN_TOKEN = 'env-admin-token-0123456789abcdef';

let server: TestServer;
let tokens: Record<'VIEWER' | 'EDITOR' | 'ADMIN', string>;
beforeAll(async () => {
  server = await startTestServer({ adminToken: ENV_ADMIN_TOKEN });
  tokens = { VIEWER: server.tokenFor('VIEWER'), EDITOR: server.tokenFor('EDITOR'), ADMIN: server.tokenFor('ADMIN') };
});
afterAll(() => server.close());

const codeOf = (response: { errors?: Array<{ extensions?: { code?: string } }> }) => response.errors?.[0]?.extensions?.code ?? 'OK';

describe('roles against every mutation', () => {
  it('the matrix names every mutation of the schema', () => {
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual([...ADMIN_MUTATIONS, ...EDITOR_MUTATIONS].sort());
  });

  const cases = [
    ...ADMIN_MUTATIONS.map((name) => [name, 'ADMIN'] as const),
    ...EDITOR_MUTATIONS.map((name) => [name, 'EDITOR'] as const),
  ];
  it.each(cases)('%s needs %s', async (name, required) => {
    const { query, variables } = documentFor('mutation', schema.getMutationType()!.getFields()[name]);
    const allowed = required === 'ADMIN' ? ['ADMIN'] : ['EDITOR', 'ADMIN'];
    for (const role of ['VIEWER', 'EDITOR', 'ADMIN'] as const) {
      const code = codeOf(await server.request(query, variables, { token: tokens[role] }));
      if (allowed.includes(role)) expect({ role, code }).not.toMatchObject({ code: expect.stringMatching(/FORBIDDEN|UNAUTHENTICATED/) });
      else expect({ role, code }).toEqual({ role, code: 'FORBIDDEN' });
    }
    expect(codeOf(await server.request(query, variables, { token: null }))).toBe('UNAUTHENTICATED');
  });
});

describe('reading', () => {
  it('every query is open to every role, and to nobody without a valid token', async () => {
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      const { query, variables } = documentFor('query', field);
      for (const role of ['VIEWER', 'EDITOR', 'ADMIN'] as const) {
        expect({ field: field.name, role, code: codeOf(await server.request(query, variables, { token: tokens[role] })) }).not.toMatchObject({
          code: expect.stringMatching(/FORBIDDEN|UNAUTHENTICATED|INTERNAL_SERVER_ERROR/),
        });
      }
      expect(codeOf(await server.request(query, variables, { token: null }))).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 401 without a token, with a wrong one and with a revoked one, revealing nothing of the schema', async () => {
    const revoked = server.tokenFor('VIEWER', 'leaver');
    expect(codeOf(await server.request('{ relationshipTypes { code } }', {}, { token: revoked }))).toBe('OK');
    const { revokeTokens } = await import('../src/modules/auth/auth.service');
    revokeTokens(server.db, 'leaver');
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nope' }, { authorization: `Bearer ${revoked}` }, { authorization: tokens.ADMIN }, { authorization: `Basic ${tokens.ADMIN}` }]) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ clints { totalCount } }' }),
      });
      expect(response.status).toBe(401);
      const body = await response.text();
      expect(JSON.parse(body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body).not.toContain('Did you mean');
      expect(body).not.toContain('clients');
    }
  });

  it('accepts ADMIN_TOKEN as an admin token', async () => {
    const response = await server.request(`mutation { createPropertySet(input: { code: "env", name: "Env" }) { code } }`, {}, { token: ENV_ADMIN_TOKEN });
    expect(response.data).toEqual({ createPropertySet: { code: 'env' } });
  });

  it('gives authenticated callers field suggestions', async () => {
    const response = await server.request('{ clints { totalCount } }', {}, { token: tokens.VIEWER });
    expect(response.errors?.[0].message).toContain('Did you mean "clients"');
  });
});
