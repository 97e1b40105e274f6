import { createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;

const CALL_LIST = `query($segment: String, $filter: ClientFilter, $first: Int, $after: String) {
  callList(segment: $segment, filter: $filter, first: $first, after: $after) {
    totalCount excludedCount
    excluded { code reason count }
    pageInfo { hasNextPage endCursor }
    edges { cursor node { client { name contact { allowed } } briefing } }
    nodes { client { name } }
  }
}`;

beforeAll(async () => {
  server = await startTestServer();
  await defineStory(server);
  await server.gql(`mutation { createRelationshipType(input: { code: "blacklist", name: "Чёрный список", contactPolicy: DO_NOT_CONTACT }) { id } }`);
  const clients: Array<[string, Record<string, unknown>]> = [
    ['Альфа', { relationshipType: 'our_client', properties: [{ code: 'used_service', values: ['svc2', 'svc1'] }, { code: 'vip', values: ['true'] }, { code: 'revenue', values: ['100'] }] }],
    ['Бета', { relationshipType: 'partner_client', properties: [{ code: 'used_service', values: ['svc1'] }] }],
    ['Гамма', { relationshipType: 'partner_client', doNotContact: true, properties: [{ code: 'used_service', values: ['svc1'] }] }],
    ['Дельта', { relationshipType: 'prospect', doNotContact: true, properties: [{ code: 'used_service', values: ['svc1'] }] }],
    ['Эпсилон', { properties: [{ code: 'used_service', values: ['svc1'] }] }],
    ['Жета', { relationshipType: 'blacklist' }],
    ['Зета', { relationshipType: 'competitor', properties: [{ code: 'vip', values: ['false'] }] }],
  ];
  for (const [name, input] of clients) await createClient(server, { name, ...input });
  await server.gql(`mutation { createSegment(input: { code: "svc1", name: "Сервис 1", kind: DYNAMIC, filter: { property: { code: "used_service", anyOf: ["svc1"] } } }) { id } }`);
});
afterAll(() => server.close());

describe('the call list', () => {
  it('holds the contactable clients of a segment, in name order, and says who was left out and why', async () => {
    const { callList } = await server.gql(CALL_LIST, { segment: 'svc1' });
    expect(callList.nodes.map((n: any) => n.client.name)).toEqual(['Альфа', 'Эпсилон']);
    expect(callList.edges.every((e: any) => e.node.client.contact.allowed)).toBe(true);
    expect(callList.totalCount).toBe(2);
    // Гамма is left out for two reasons: once in excludedCount, under both reasons in excluded.
    expect(callList.excludedCount).toBe(3);
    expect(callList.excluded).toEqual([
      { code: 'relationship_type:partner_client', reason: 'Тип отношений «Клиент партнёра»: не беспокоить', count: 2 },
      { code: 'do_not_contact', reason: 'Клиент просил не беспокоить', count: 2 },
    ]);
  });

  it('briefs the caller: the relationship type with its briefing, then the properties marked for it', async () => {
    const { callList } = await server.gql(CALL_LIST, { segment: 'svc1' });
    expect(callList.edges.map((e: any) => e.node.briefing)).toEqual([
      ['Тип отношений: Наш клиент — Работаем с ним: говорим на ином уровне', 'Используемый сервис: Сервис 1, Сервис 2', 'VIP: Да'],
      ['Тип отношений не указан', 'Используемый сервис: Сервис 1'],
    ]);
  });

  it('covers every client with neither segment nor filter, and combines segment and filter', async () => {
    const all = (await server.gql(CALL_LIST, {})).callList;
    expect(all.nodes.map((n: any) => n.client.name)).toEqual(['Альфа', 'Зета', 'Эпсилон']);
    expect(all.totalCount + all.excludedCount).toBe(7);
    expect(all.excluded.map((e: any) => [e.code, e.count])).toEqual([
      ['relationship_type:partner_client', 2],
      ['relationship_type:blacklist', 1],
      ['do_not_contact', 2],
    ]);
    const combined = (await server.gql(CALL_LIST, { segment: 'svc1', filter: { relationshipType: { isNull: true } } })).callList;
    expect(combined.nodes.map((n: any) => n.client.name)).toEqual(['Эпсилон']);
    expect(combined.excludedCount).toBe(0);
    expect(combined.excluded).toEqual([]);
  });

  it('pages like clients: keyset cursors, first checked', async () => {
    const first = (await server.gql(CALL_LIST, { first: 2 })).callList;
    expect(first.nodes.map((n: any) => n.client.name)).toEqual(['Альфа', 'Зета']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await server.gql(CALL_LIST, { first: 2, after: first.pageInfo.endCursor })).callList;
    expect(second.nodes.map((n: any) => n.client.name)).toEqual(['Эпсилон']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(onlyError(await server.request(CALL_LIST, { first: 501 })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('refuses an unknown segment and a bad filter', async () => {
    expect(onlyError(await server.request(CALL_LIST, { segment: 'nope' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'segment' });
    expect(onlyError(await server.request(CALL_LIST, { filter: { or: [] } })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.or' });
  });

  it('costs the same number of statements whatever the page size', async () => {
    for (const segment of [null, 'svc1']) {
      const small = await server.countStatements(() => server.gql(CALL_LIST, { segment, first: 1 }));
      const large = await server.countStatements(() => server.gql(CALL_LIST, { segment, first: 50 }));
      expect(large.result.callList.nodes.length).toBeGreaterThan(small.result.callList.nodes.length);
      expect(large.statements.length).toBe(small.statements.length);
    }
  });
});
