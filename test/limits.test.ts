import { LIMITS } from '../src/limits';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function post(query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function stillServing() {
  const { status, body } = await post('{ relationshipTypes { code } }');
  expect(status).toBe(200);
  expect(body.data).toEqual({ relationshipTypes: [] });
}

describe('limits on a document', () => {
  it('refuses a document nested deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < LIMITS.maxDepth; i++) selection = `segments { clients(first: 1) { nodes { ${selection} } } }`;
    const { status, body } = await post(`{ clients(first: 1) { nodes { ${selection} } } }`);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toMatch(/depth/i);
    await stillServing();
  });

  it('refuses too many aliases', async () => {
    const fields = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: relationshipTypes { code }`).join(' ');
    const { status, body } = await post(`{ ${fields} }`);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toMatch(/alias/i);
    await stillServing();
  });

  it('refuses a document of too many tokens', async () => {
    const fields = Array.from({ length: LIMITS.maxTokens }, () => '__typename').join(' ');
    const { status, body } = await post(`{ ${fields} }`);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toMatch(/tokens/);
    await stillServing();
  });

  it('refuses an operation whose pages multiply beyond the cost limit', async () => {
    const { status, body } = await post(`{ clients(first: 500) { nodes { segments { clients(first: 500) { totalCount nodes { id name } } } } } }`);
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', maxCost: LIMITS.maxCost });
    expect(body.errors[0].message).toMatch(/costly/);
    // Variables count too.
    const viaVariables = await post(`query($n: Int) { clients(first: $n) { nodes { segments { clients(first: $n) { totalCount } } } } }`, { n: 500 });
    expect(viaVariables.status).toBe(400);
    await stillServing();
  });

  it('estimates a remembered document again for every page size its variables ask', async () => {
    // The estimate is remembered per document and per value of the variables that reach a page
    // size: the same text must still be refused when only a variable makes it too costly.
    const query = `query($n: Int, $id: ID!) { client(id: $id) { id } clients(first: $n) { nodes { segments { clients(first: $n) { totalCount } } } } }`;
    const statuses: number[] = [];
    for (const n of [2, 500, 2, 500, 3]) statuses.push((await post(query, { n, id: String(n) })).status);
    expect(statuses).toEqual([200, 400, 200, 400, 200]);
    // A variable that no page size reads changes nothing, however it varies.
    for (const id of ['1', '2', 'x']) expect((await post(query, { n: 500, id })).status).toBe(400);
    // Left out, a variable takes its default (500 here); given as null, the page is the default 50 at
    // each level; the estimate tells the two apart, whichever came first.
    const withDefault = `query($n: Int = 500) { clients(first: $n) { nodes { segments { clients(first: $n) { totalCount } } } } }`;
    expect((await post(withDefault, { n: null })).status).toBe(200);
    expect((await post(withDefault, {})).status).toBe(400);
    // `first: null` is a page of 50, and three nested pages of 50 are counted as such.
    const nulls = `query($n: Int) { clients(first: $n) { nodes { segments { clients(first: $n) { nodes { segments { clients(first: $n) { totalCount } } } } } } } }`;
    expect((await post(nulls, { n: null })).status).toBe(400);
    // @include and @skip decide what counts, so their variables are part of what is remembered.
    const included = `query($big: Boolean!) { clients(first: 500) { nodes { segments @include(if: $big) { clients(first: 500) { totalCount } } } } }`;
    expect((await post(included, { big: false })).status).toBe(200);
    expect((await post(included, { big: true })).status).toBe(400);
    await stillServing();
  });

  it('answers a page size over the maximum as BAD_USER_INPUT naming first, not as a cost refusal', async () => {
    const { body } = await post(`{ clients(first: 100000) { nodes { id } } }`);
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('lets a large but reasonable page through', async () => {
    const { status } = await post(`{ clients(first: 500) {
      totalCount nodes { id externalId name manager phone email doNotContact createdAt updatedAt
        relationshipType { code name contactPolicy briefing clientCount } contact { allowed reason }
        properties { values display options { code label } property { code name valueType multiple set { code name } } }
        segments { code name } } } }`);
    expect(status).toBe(200);
  });
});

describe('unexpected errors', () => {
  it('are logged with their cause and a request id, and reach the caller masked, with that id', async () => {
    const sqlite = server.db.$client;
    const prepare = sqlite.prepare;
    sqlite.prepare = ((source: string) => {
      if (source.includes('from "relationship_types"')) throw new Error(`disk I/O error near "${source}" in /var/lib/secret.sqlite`);
      return prepare.call(sqlite, source);
    }) as typeof sqlite.prepare;
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
        body: JSON.stringify({ query: '{ relationshipTypes { code } }' }),
      });
      const text = await response.text();
      const error = JSON.parse(text).errors[0];
      expect(error).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(error.extensions.requestId).toBe(response.headers.get('x-request-id'));
      expect(text).not.toMatch(/select|secret|disk|\.ts|at /i);
      const logged = server.logs.find((line) => line.includes(error.extensions.requestId));
      expect(logged).toContain('disk I/O error');
    } finally {
      sqlite.prepare = prepare;
    }
    await stillServing();
  });
});
