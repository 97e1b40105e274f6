import { createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';
import { foldText } from '../src/modules/shared/text';

let server: TestServer;

const NAMES = ['Ёлка', 'елово', 'Ель', 'ежевика', 'Рога и копыта', 'рога', 'Alpha', 'alpha', 'beta', 'Zeta', '1С-Бит', 'Яблоко', 'ёжик', 'Ежик'];

async function allPages(order: unknown, pageSize: number, fields = 'id name'): Promise<any[]> {
  const seen: any[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await server.gql(
      `query($order: [ClientOrder!], $first: Int, $after: String) { clients(orderBy: $order, first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${fields} } } }`,
      { order, first: pageSize, after },
    );
    seen.push(...data.clients.nodes);
    if (!data.clients.pageInfo.hasNextPage) return seen;
    after = data.clients.pageInfo.endCursor;
  }
}

const byteCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

beforeEach(async () => {
  server = await startTestServer();
  await defineStory(server);
  for (const [i, name] of NAMES.entries()) {
    await createClient(server, {
      name,
      properties: [
        ...(i % 3 === 0 ? [] : [{ code: 'revenue', values: [String((i * 37) % 11)] }]),
        ...(i % 4 === 0 ? [] : [{ code: 'region', values: [['kazan', 'moscow', 'spb'][i % 3]] }]),
        ...(i % 5 === 0 ? [] : [{ code: 'contract_until', values: [`2025-0${1 + (i % 9)}-1${i % 10}`] }]),
      ],
    });
  }
});
afterEach(() => server.close());

describe('ordering', () => {
  it('orders by name with case folded and ё read as е, Latin before Cyrillic, ties by id', async () => {
    const names = (await allPages(null, 4)).map((c) => c.name);
    const expected = NAMES.map((name, i) => ({ name, i }))
      .sort((a, b) => byteCompare(foldText(a.name), foldText(b.name)) || a.i - b.i)
      .map((c) => c.name);
    expect(names).toEqual(expected);
    expect(names.slice(0, 5)).toEqual(['1С-Бит', 'Alpha', 'alpha', 'beta', 'Zeta']);
    const desc = await allPages([{ field: 'NAME', direction: 'DESC' }], 3);
    const descNames = desc.map((c) => c.name);
    // Ties (same folded name) stay in id order, since every order ends in id ascending.
    expect(descNames.filter((n) => ['Ежик', 'ёжик'].includes(n))).toEqual(['ёжик', 'Ежик']);
  });

  it('orders by a property value, with clients lacking one last in either direction', async () => {
    for (const [code, direction] of [
      ['revenue', 'ASC'],
      ['revenue', 'DESC'],
      ['region', 'ASC'],
      ['region', 'DESC'],
      ['contract_until', 'DESC'],
    ] as const) {
      const rows = await allPages([{ field: 'PROPERTY', property: code, direction }], 4, `id property(code: "${code}") { values }`);
      expect(rows).toHaveLength(NAMES.length);
      const values = rows.map((row) => row.property?.values[0] ?? null);
      const present = values.filter((v) => v !== null);
      expect(values.slice(present.length).every((v) => v === null)).toBe(true);
      const rank = (v: string) => (code === 'revenue' ? Number(v) : code === 'region' ? ['moscow', 'spb', 'kazan'].indexOf(v) : v);
      const sorted = [...present].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
      expect(present).toEqual(direction === 'ASC' ? sorted : sorted.reverse());
    }
  });

  it('orders by creation and update time', async () => {
    const created = await allPages([{ field: 'CREATED_AT', direction: 'DESC' }], 5, 'id createdAt');
    const expected = [...created].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || Number(a.id) - Number(b.id));
    expect(created).toEqual(expected);
    const first = (await allPages([{ field: 'CREATED_AT' }], 50, 'id'))[0];
    await server.gql(`mutation($id: ID!) { updateClient(id: $id, input: { phone: "1" }) { id } }`, { id: first.id });
    const updated = await allPages([{ field: 'UPDATED_AT', direction: 'DESC' }], 5, 'id');
    expect(updated[0].id).toBe(first.id);
  });

  it('refuses orders that cannot be total or make no sense', async () => {
    const cases: Array<[unknown, string]> = [
      [[], 'orderBy'],
      [[{ field: 'PROPERTY' }], 'orderBy.0.property'],
      [[{ field: 'PROPERTY', property: 'nope' }], 'orderBy.0.property'],
      [[{ field: 'NAME' }, { field: 'PROPERTY', property: 'tags' }], 'orderBy.1.property'],
      [[{ field: 'NAME', property: 'revenue' }], 'orderBy.0.property'],
    ];
    for (const [order, field] of cases) {
      const error = onlyError(await server.request(`query($order: [ClientOrder!]) { clients(orderBy: $order) { nodes { id } } }`, { order }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('paging', () => {
  it('defaults to 50 and refuses first outside 1..500, naming first', async () => {
    for (let i = 0; i < 40; i++) await createClient(server, { name: `Z ${i}` });
    const page = await server.gql(`{ clients { nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`);
    expect(page.clients.nodes).toHaveLength(50);
    expect(page.clients.totalCount).toBe(54);
    expect(page.clients.pageInfo.hasNextPage).toBe(true);
    for (const first of [0, -1, 501, 100000]) {
      const error = onlyError(await server.request(`query($first: Int) { clients(first: $first) { nodes { id } } }`, { first }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(error.message).toContain(String(first));
    }
    expect((await server.gql(`{ clients(first: 500) { nodes { id } } }`)).clients.nodes).toHaveLength(54);
  });

  it('refuses a cursor that is not one, or was made for another order', async () => {
    const page = await server.gql(`{ clients(first: 2) { pageInfo { endCursor } } }`);
    for (const [after, order] of [
      ['garbage', null],
      [Buffer.from('[1,2]').toString('base64url'), null],
      [page.clients.pageInfo.endCursor, [{ field: 'CREATED_AT' }]],
    ]) {
      const error = onlyError(
        await server.request(`query($after: String, $order: [ClientOrder!]) { clients(after: $after, orderBy: $order) { nodes { id } } }`, { after, order }),
      );
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it.each([
    ['name', null],
    ['a property, descending', [{ field: 'PROPERTY', property: 'revenue', direction: 'DESC' }]],
    ['creation time, descending', [{ field: 'CREATED_AT', direction: 'DESC' }]],
  ])('never skips or repeats a client when clients are added and deleted between pages (order by %s)', async (_, order) => {
    const before = (await allPages(order, 500, 'id')).map((c) => c.id);
    const seen: string[] = [];
    const deleted = new Set<string>();
    let after: string | null = null;
    for (let round = 0; ; round++) {
      const data: any = await server.gql(
        `query($order: [ClientOrder!], $after: String) { clients(orderBy: $order, first: 3, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }`,
        { order, after },
      );
      seen.push(...data.clients.nodes.map((n: any) => n.id));
      if (!data.clients.pageInfo.hasNextPage) break;
      after = data.clients.pageInfo.endCursor;
      // Delete the cursor's own client and another one ahead, and add a newcomer, before the next page.
      const last = data.clients.nodes[data.clients.nodes.length - 1].id;
      const ahead = before.find((id) => !seen.includes(id) && !deleted.has(id));
      for (const id of [last, ahead].filter(Boolean) as string[]) {
        await server.gql(`mutation($id: ID!) { deleteClient(id: $id) }`, { id });
        deleted.add(id);
      }
      await createClient(server, { name: `Новый ${round}`, properties: [{ code: 'revenue', values: ['5'] }] });
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Every client that existed throughout was seen exactly once.
    for (const id of before.filter((id) => !deleted.has(id))) expect(seen).toContain(id);
  });
});
