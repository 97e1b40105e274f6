import { createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  await defineStory(server);
  const add = async (key: string, input: Parameters<typeof createClient>[1]) => {
    ids[key] = (await createClient(server, input)).id;
  };
  await add('roga', { name: 'Рога и копыта', manager: 'Иванова', externalId: '1C-001', relationshipType: 'our_client', properties: [
    { code: 'used_service', values: ['svc1', 'svc2'] }, { code: 'revenue', values: ['1000'] }, { code: 'scores', values: ['5', '20'] },
    { code: 'tags', values: ['Ключевой', 'тендер'] }, { code: 'contract_until', values: ['2025-12-31'] }, { code: 'vip', values: ['true'] },
  ] });
  await add('yolka', { name: 'Ёлка', manager: 'petrov', relationshipType: 'partner_client', properties: [
    { code: 'used_service', values: ['svc1'] }, { code: 'revenue', values: ['9'] }, { code: 'scores', values: ['12'] }, { code: 'industry', values: ['Ёлочные игрушки'] },
  ] });
  await add('percent', { name: '100% кожа_натуральная', relationshipType: 'competitor', doNotContact: true, properties: [
    { code: 'used_service', values: ['svc3'] }, { code: 'revenue', values: ['10'] }, { code: 'industry', values: ['50% скидка'] },
  ] });
  await add('bare', { name: 'Без всего' });
  await add('latin', { name: 'ALPHA beta', relationshipType: 'prospect', doNotContact: true, properties: [{ code: 'region', values: ['spb'] }] });
  await server.gql(`mutation { archivePropertyOption(property: "used_service", option: "svc3") { id } }`);
});
afterAll(() => server.close());

async function names(filter: unknown): Promise<string[]> {
  const data = await server.gql(`query($filter: ClientFilter) { clients(filter: $filter, first: 500) { nodes { name } } }`, { filter });
  return data.clients.nodes.map((n: any) => n.name);
}

async function keys(filter: unknown): Promise<string[]> {
  const data = await server.gql(`query($filter: ClientFilter) { clients(filter: $filter, first: 500) { nodes { id } } }`, { filter });
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return data.clients.nodes.map((n: any) => byId[n.id]).sort();
}

describe('rule 1: fields of one filter and operators of one condition are joined by AND', () => {
  it('joins fields', async () => {
    expect(await keys({ relationshipType: { in: ['our_client', 'partner_client'] }, property: { code: 'revenue', gt: '9' } })).toEqual(['roga']);
  });
  it('joins operators', async () => {
    expect(await keys({ property: { code: 'used_service', anyOf: ['svc1'], noneOf: ['svc2'] } })).toEqual(['yolka']);
    expect(await keys({ name: { startsWith: 'рога', contains: 'копыт' } })).toEqual(['roga']);
  });
  it('matches every client with an empty filter', async () => {
    expect(await keys({})).toHaveLength(5);
    expect(await keys(null)).toHaveLength(5);
  });
});

describe('rule 2: not is the exact complement, and no client is lost', () => {
  it('keeps clients with no relationship type in notIn', async () => {
    expect(await keys({ relationshipType: { notIn: ['our_client', 'partner_client'] } })).toEqual(['bare', 'latin', 'percent']);
    expect(await keys({ relationshipType: { isNull: true } })).toEqual(['bare']);
    expect(await keys({ not: { relationshipType: { in: ['our_client'] } } })).toEqual(['bare', 'latin', 'percent', 'yolka']);
  });
  it('keeps clients with no value in noneOf and in not', async () => {
    expect(await keys({ property: { code: 'used_service', noneOf: ['svc1'] } })).toEqual(['bare', 'latin', 'percent']);
    expect(await keys({ not: { property: { code: 'revenue', gt: '9' } } })).toEqual(['bare', 'latin', 'yolka']);
    expect(await keys({ not: { manager: { contains: 'ИВАН' } } })).toEqual(['bare', 'latin', 'percent', 'yolka']);
    expect(await keys({ property: { code: 'industry', exists: false } })).toEqual(['bare', 'latin', 'roga']);
  });
});

describe('rule 3 and precise meanings: text matching', () => {
  it('ignores case in Cyrillic and Latin, and reads ё as е', async () => {
    expect(await names({ name: { startsWith: 'рога' } })).toEqual(['Рога и копыта']);
    expect(await names({ name: { equals: 'РОГА И КОПЫТА' } })).toEqual(['Рога и копыта']);
    expect(await names({ name: { equals: 'елка' } })).toEqual(['Ёлка']);
    expect(await names({ name: { startsWith: 'ЁЛ' } })).toEqual(['Ёлка']);
    expect(await names({ name: { contains: 'BETA' } })).toEqual(['ALPHA beta']);
    expect(await names({ manager: { equals: 'ИВАНОВА' } })).toEqual(['Рога и копыта']);
    expect(await names({ externalId: { startsWith: '1c-' } })).toEqual(['Рога и копыта']);
    expect(await names({ property: { code: 'industry', contains: 'елочные' } })).toEqual(['Ёлка']);
  });
  it('compares the whole text with equals and the start with startsWith', async () => {
    expect(await names({ name: { equals: 'рога' } })).toEqual([]);
    expect(await names({ name: { startsWith: 'копыта' } })).toEqual([]);
  });
  it('treats % and _ as plain characters', async () => {
    expect(await names({ name: { contains: '%' } })).toEqual(['100% кожа_натуральная']);
    expect(await names({ name: { contains: '_' } })).toEqual(['100% кожа_натуральная']);
    expect(await names({ name: { startsWith: '100%' } })).toEqual(['100% кожа_натуральная']);
    expect(await names({ name: { startsWith: '1_0' } })).toEqual([]);
    expect(await names({ property: { code: 'industry', contains: '%' } })).toEqual(['100% кожа_натуральная']);
  });
  it('compares STRING values exactly in anyOf, and ignores case only in contains', async () => {
    expect(await names({ property: { code: 'tags', anyOf: ['ключевой'] } })).toEqual([]);
    expect(await names({ property: { code: 'tags', anyOf: ['Ключевой'] } })).toEqual(['Рога и копыта']);
    expect(await names({ property: { code: 'tags', contains: 'КЛЮЧ' } })).toEqual(['Рога и копыта']);
  });
});

describe('property operators', () => {
  it('anyOf, allOf, noneOf, exactly and exists', async () => {
    expect(await keys({ property: { code: 'used_service', anyOf: ['svc1', 'svc3'] } })).toEqual(['percent', 'roga', 'yolka']);
    expect(await keys({ property: { code: 'used_service', allOf: ['svc1', 'svc2'] } })).toEqual(['roga']);
    expect(await keys({ property: { code: 'used_service', exactly: ['svc1'] } })).toEqual(['yolka']);
    expect(await keys({ property: { code: 'used_service', exactly: ['svc2', 'svc1', 'svc2'] } })).toEqual(['roga']);
    expect(await keys({ property: { code: 'used_service', exists: true } })).toEqual(['percent', 'roga', 'yolka']);
  });
  it('compares numbers as numbers and parses filter values like written values', async () => {
    expect(await keys({ property: { code: 'revenue', gt: '9' } })).toEqual(['percent', 'roga']);
    expect(await keys({ property: { code: 'revenue', anyOf: ['1e3'] } })).toEqual(['roga']);
    expect(await keys({ property: { code: 'revenue', anyOf: ['1000.0'] } })).toEqual(['roga']);
    expect(await keys({ property: { code: 'revenue', gte: '9', lte: '10' } })).toEqual(['percent', 'yolka']);
  });
  it('on a multi-valued property, holds when one value satisfies every comparison', async () => {
    // roga holds 5 and 20: neither lies in (6, 19), although each bound alone is met by one of them.
    expect(await keys({ property: { code: 'scores', gt: '6', lt: '19' } })).toEqual(['yolka']);
    expect(await keys({ and: [{ property: { code: 'scores', gt: '6' } }, { property: { code: 'scores', lt: '19' } }] })).toEqual(['roga', 'yolka']);
  });
  it('compares dates as dates', async () => {
    expect(await keys({ property: { code: 'contract_until', gte: '2025-12-31' } })).toEqual(['roga']);
    expect(await keys({ property: { code: 'contract_until', lt: '2025-12-31' } })).toEqual([]);
  });
  it('keeps an archived option valid in filters, with its clients', async () => {
    expect(await keys({ property: { code: 'used_service', anyOf: ['svc3'] } })).toEqual(['percent']);
  });
  it('matches booleans written in any case', async () => {
    expect(await keys({ property: { code: 'vip', anyOf: ['TRUE'] } })).toEqual(['roga']);
  });
});

describe('other conditions', () => {
  it('contactable holds exactly when contact is allowed', async () => {
    expect(await keys({ contactable: true })).toEqual(['bare', 'roga']);
    expect(await keys({ contactable: false })).toEqual(['latin', 'percent', 'yolka']);
    const data = await server.gql(`{ clients(first: 500) { nodes { id contact { allowed } } } }`);
    const allowed = data.clients.nodes.filter((n: any) => n.contact.allowed).map((n: any) => n.id).sort();
    expect(allowed).toEqual([ids.bare, ids.roga].sort());
  });
  it('ids that do not exist simply match nothing', async () => {
    expect(await keys({ ids: [ids.roga, '999999', 'not-an-id'] })).toEqual(['roga']);
    expect(await keys({ ids: ['999999'] })).toEqual([]);
  });
  it('time ranges include from and exclude to', async () => {
    const data = await server.gql(`query($id: ID!) { client(id: $id) { createdAt } }`, { id: ids.yolka });
    const at = data.client.createdAt;
    expect(await keys({ ids: [ids.yolka], createdAt: { from: at } })).toEqual(['yolka']);
    expect(await keys({ ids: [ids.yolka], createdAt: { to: at } })).toEqual([]);
    expect(await keys({ ids: [ids.yolka], createdAt: { from: at, to: new Date(Date.parse(at) + 1).toISOString() } })).toEqual(['yolka']);
  });
  it('combines or and nested not to any depth', async () => {
    const filter = { or: [{ name: { startsWith: 'ёл' } }, { not: { not: { property: { code: 'region', exists: true } } } }] };
    expect(await keys(filter)).toEqual(['latin', 'yolka']);
  });
});

describe('rule 4: mistakes are BAD_USER_INPUT errors naming the culprit and its path', () => {
  const cases: Array<[string, unknown, string, string | null]> = [
    ['an unknown property', { and: [{}, { property: { code: 'colour', exists: true } }] }, 'filter.and.1.property.code', 'colour'],
    ['an unknown option', { and: [{}, { property: { code: 'used_service', anyOf: ['svc1', 'svc9'] } }] }, 'filter.and.1.property.anyOf', 'svc9'],
    ['an unknown relationship type', { or: [{ relationshipType: { notIn: ['friend'] } }] }, 'filter.or.0.relationshipType.notIn', 'friend'],
    ['gt on ENUM', { property: { code: 'region', gt: 'moscow' } }, 'filter.property.gt', 'ENUM'],
    ['contains on NUMBER', { property: { code: 'revenue', contains: '1' } }, 'filter.property.contains', 'NUMBER'],
    ['a date that is no date', { property: { code: 'contract_until', gte: '2025-02-30' } }, 'filter.property.gte', '2025-02-30'],
    ['a number that is no number', { not: { property: { code: 'revenue', lt: 'десять' } } }, 'filter.not.property.lt', 'десять'],
    ['a boolean that is no boolean', { property: { code: 'vip', anyOf: ['да'] } }, 'filter.property.anyOf', 'да'],
    ['an empty anyOf', { property: { code: 'used_service', anyOf: [] } }, 'filter.property.anyOf', null],
    ['an empty in', { relationshipType: { in: [] } }, 'filter.relationshipType.in', null],
    ['an empty and', { and: [] }, 'filter.and', null],
    ['an empty or', { not: { or: [] } }, 'filter.not.or', null],
    ['empty ids', { ids: [] }, 'filter.ids', null],
    ['a property condition with no operator', { property: { code: 'vip' } }, 'filter.property', null],
    ['a text condition with no operator', { name: {} }, 'filter.name', null],
    ['a relationship type condition with no operator', { relationshipType: {} }, 'filter.relationshipType', null],
    ['an empty time range', { createdAt: {} }, 'filter.createdAt', null],
  ];
  it.each(cases)('%s', async (_, filter, field, quoted) => {
    const error = onlyError(await server.request(`query($filter: ClientFilter) { clients(filter: $filter) { nodes { id } } }`, { filter }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    if (quoted) expect(error.message).toContain(quoted);
  });

  it('refuses a filter nested too deep', async () => {
    let filter: any = { name: { contains: 'a' } };
    for (let i = 0; i < 40; i++) filter = { not: filter };
    const error = onlyError(await server.request(`query($filter: ClientFilter) { clients(filter: $filter) { nodes { id } } }`, { filter }));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses facets of an unknown property or of none', async () => {
    for (const [properties, quoted] of [[['region', 'nope'], 'nope'], [[], 'empty']] as const) {
      const error = onlyError(await server.request(`query($p: [String!]!) { clients { facets(properties: $p) { missing } } }`, { p: properties }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'properties' });
      expect(error.message).toContain(quoted);
    }
  });
});

describe('facets', () => {
  it('counts values inside the filtered set, lists every active option and a held archived one', async () => {
    const data = await server.gql(`{ clients(filter: { or: [{ name: { contains: "а" } }, { name: { startsWith: "без" } }] }) {
      totalCount
      facets(properties: ["used_service", "vip", "revenue"]) { property { code } missing buckets { value count option { label } } }
      relationshipTypeCounts { relationshipType { code } count }
    } }`);
    expect(data.clients.totalCount).toBe(4);
    expect(data.clients.facets).toEqual([
      {
        property: { code: 'used_service' },
        missing: 1,
        buckets: [
          { value: 'svc1', count: 2, option: { label: 'Сервис 1' } },
          { value: 'svc2', count: 1, option: { label: 'Сервис 2' } },
          { value: 'svc3', count: 1, option: { label: 'Сервис 3' } },
        ],
      },
      { property: { code: 'vip' }, missing: 3, buckets: [{ value: 'true', count: 1, option: null }, { value: 'false', count: 0, option: null }] },
      {
        property: { code: 'revenue' },
        missing: 1,
        buckets: [
          { value: '9', count: 1, option: null },
          { value: '10', count: 1, option: null },
          { value: '1000', count: 1, option: null },
        ],
      },
    ]);
    expect(data.clients.relationshipTypeCounts).toEqual([
      { relationshipType: { code: 'our_client' }, count: 1 },
      { relationshipType: { code: 'prospect' }, count: 0 },
      { relationshipType: { code: 'partner' }, count: 0 },
      { relationshipType: { code: 'partner_client' }, count: 1 },
      { relationshipType: { code: 'competitor' }, count: 1 },
      { relationshipType: null, count: 1 },
    ]);
  });

  it('leaves out an archived option nobody in the set holds', async () => {
    const data = await server.gql(`{ clients(filter: { name: { startsWith: "рога" } }) { facets(properties: ["used_service"]) { buckets { value count } } } }`);
    expect(data.clients.facets[0].buckets).toEqual([
      { value: 'svc1', count: 1 },
      { value: 'svc2', count: 1 },
    ]);
  });
});
