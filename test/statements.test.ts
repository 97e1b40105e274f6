import { createClient, defineStory } from './helpers/factories';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await defineStory(server);
  const types = ['our_client', 'prospect', 'partner', 'partner_client', 'competitor', null];
  for (let i = 0; i < 120; i++) {
    await createClient(server, {
      name: `Клиент ${String(i).padStart(3, '0')}`,
      relationshipType: types[i % types.length],
      properties: [
        { code: 'used_service', values: i % 2 ? ['svc1', 'svc2'] : ['svc3'] },
        { code: 'region', values: [['moscow', 'spb', 'kazan'][i % 3]] },
        { code: 'revenue', values: [String(i * 1000)] },
        { code: 'tags', values: [`t${i % 7}`, `u${i % 5}`] },
      ],
    });
  }
});
afterAll(() => server.close());

const PAGE = `query($first: Int!) {
  clients(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name contact { allowed reason }
      relationshipType { code name clientCount }
      properties { values display options { code label } property { code name valueType set { code name } options { code } } }
      revenue: property(code: "revenue") { values }
    } }
  }
}`;

describe('a page of clients with everything on their cards', () => {
  it('costs the same small number of SQL statements whatever the page size', async () => {
    const small = await server.countStatements(() => server.gql(PAGE, { first: 10 }));
    const large = await server.countStatements(() => server.gql(PAGE, { first: 100 }));
    expect(small.result.clients.edges).toHaveLength(10);
    expect(large.result.clients.edges).toHaveLength(100);
    expect(large.result.clients.edges[99].node.properties).toHaveLength(4);
    expect(large.statements.length).toBe(small.statements.length);
    // token, page, count, relationship types, their client counts, values, properties, options, sets, property by code
    expect(large.statements.length).toBeLessThanOrEqual(10);
  });

  it('does not count the clients unless totalCount is asked for', async () => {
    const { statements } = await server.countStatements(() => server.gql(`{ clients(first: 5) { nodes { id } } }`));
    // The token; the page's clients placed in name order, read by id; the clients created since the
    // index read that order (all of them here), paged by SQL and merged in.
    expect(statements).toHaveLength(3);
    expect(statements.some((source) => /count\(/i.test(source))).toBe(false);
  });
});

describe('a filtered page with its count and aggregates', () => {
  const FILTERED = `query($first: Int!) {
    clients(first: $first, filter: { or: [{ relationshipType: { notIn: ["competitor"] } }, { property: { code: "used_service", anyOf: ["svc1"] } }], not: { name: { contains: "999" } } }) {
      totalCount
      facets(properties: ["used_service", "region"]) { property { code name } missing buckets { value count option { label } } }
      relationshipTypeCounts { relationshipType { code } count }
      nodes { id name relationshipType { code } properties { values property { code } } }
    }
  }`;

  it('costs the same number of statements whatever the page size', async () => {
    const small = await server.countStatements(() => server.gql(FILTERED, { first: 5 }));
    const large = await server.countStatements(() => server.gql(FILTERED, { first: 100 }));
    expect(large.result.clients.nodes).toHaveLength(100);
    expect(large.statements.length).toBe(small.statements.length);
    // token 1, filter validation 3, page 1, count 1, facets 1 + 3 per facet, type counts 2, card loaders 3
    expect(large.statements.length).toBeLessThanOrEqual(19);
  });
});
