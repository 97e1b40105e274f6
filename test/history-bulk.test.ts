import { createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
let editor: string;

const HISTORY = `query($id: ID!) { client(id: $id) { updatedAt history { at actor field before after } } }`;
const history = async (id: string) => (await server.gql(HISTORY, { id })).client.history as any[];
const fieldsOf = (entries: any[]) => entries.map((e) => [e.field, e.before, e.after]);

beforeEach(async () => {
  server = await startTestServer();
  await defineStory(server);
  editor = server.tokenFor('EDITOR', 'ivanova');
});
afterEach(() => server.close());

describe('history', () => {
  it('records creation and every change of every kind, newest first, with the actor', async () => {
    const { createClient: client } = await server.gql(
      `mutation { createClient(input: { name: "Рога", manager: "petrov", relationshipType: "prospect", properties: [{ code: "used_service", values: ["svc1"] }] }) { id } }`,
      {},
      { token: editor },
    );
    const as = { token: editor };
    await server.gql(`mutation($id: ID!) { updateClient(id: $id, input: { name: "Рога и копыта", manager: null, phone: "+7 1", email: "a@b.ru", doNotContact: true, relationshipType: "our_client" }) { id } }`, { id: client.id }, as);
    await server.gql(`mutation($id: ID!) { addClientPropertyValues(clientId: $id, code: "used_service", values: ["svc3", "svc2"]) { id } }`, { id: client.id }, as);
    await server.gql(`mutation($id: ID!) { removeClientPropertyValues(clientId: $id, code: "used_service", values: ["svc1"]) { id } }`, { id: client.id }, as);
    await server.gql(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "revenue", values: ["1e3"]) { id } }`, { id: client.id }, as);
    // Nothing changes: nothing is recorded.
    await server.gql(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "revenue", values: ["1000.0"]) { id } }`, { id: client.id }, as);
    await server.gql(`mutation($id: ID!) { removeClientPropertyValues(clientId: $id, code: "used_service", values: ["svc1"]) { id } }`, { id: client.id }, as);
    await server.gql(`mutation { deleteRelationshipType(code: "our_client", reassignTo: "partner") }`);

    const entries = await history(client.id);
    expect(fieldsOf(entries)).toEqual([
      ['relationshipType', ['our_client'], ['partner']],
      ['property:revenue', [], ['1000']],
      ['property:used_service', ['svc1', 'svc2', 'svc3'], ['svc2', 'svc3']],
      ['property:used_service', ['svc1'], ['svc1', 'svc2', 'svc3']],
      ['name', ['Рога'], ['Рога и копыта']],
      ['manager', ['petrov'], []],
      ['phone', [], ['+7 1']],
      ['email', [], ['a@b.ru']],
      ['doNotContact', ['false'], ['true']],
      ['relationshipType', ['prospect'], ['our_client']],
      ['created', [], ['Рога']],
    ]);
    expect(entries[0].actor).toBe('test-admin');
    expect(entries.slice(1).every((e: any) => e.actor === 'ivanova')).toBe(true);
    const times = entries.map((e: any) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const { client: read } = await server.gql(HISTORY, { id: client.id });
    expect(read.updatedAt).toBe(entries[0].at);
    expect((await server.gql(`query($id: ID!) { client(id: $id) { history(first: 2) { field } } }`, { id: client.id })).client.history).toHaveLength(2);
    expect(onlyError(await server.request(`query($id: ID!) { client(id: $id) { history(first: 0) { field } } }`, { id: client.id })).extensions?.field).toBe('first');
  });

  it('costs the same statements for a page of clients whatever its size', async () => {
    for (let i = 0; i < 30; i++) await createClient(server, { name: `C${i}` });
    const query = `query($first: Int) { clients(first: $first) { nodes { history(first: 5) { field actor } } } }`;
    const small = await server.countStatements(() => server.gql(query, { first: 3 }));
    const large = await server.countStatements(() => server.gql(query, { first: 30 }));
    expect(large.statements.length).toBe(small.statements.length);
  });
});

describe('importClients', () => {
  it('creates new clients, updates known ones by externalId with only the fields given, and records history', async () => {
    const known = await createClient(server, { name: 'Старый', externalId: 'EXT-1', manager: 'petrov', phone: '1', doNotContact: true, properties: [{ code: 'tags', values: ['a'] }, { code: 'vip', values: ['true'] }] });
    const result = await server.gql(
      `mutation($rows: [ClientInput!]!) { importClients(rows: $rows) { created updated errors { row field message } } }`,
      {
        rows: [
          { externalId: 'EXT-1', name: 'Старый клиент', manager: 'ivanova', properties: [{ code: 'tags', values: ['b', 'c'] }] },
          { externalId: 'EXT-2', name: 'Новый', relationshipType: 'partner', properties: [{ code: 'used_service', values: ['svc1', 'svc2'] }] },
          { name: 'Без кода' },
          { name: 'Без кода' },
        ],
      },
      { token: editor },
    );
    expect(result.importClients).toEqual({ created: 3, updated: 1, errors: [] });
    const read = await server.gql(`{ clientByExternalId(externalId: "EXT-1") { name manager phone doNotContact properties { property { code } values } history { field actor } } }`);
    expect(read.clientByExternalId).toMatchObject({ name: 'Старый клиент', manager: 'ivanova', phone: '1', doNotContact: true });
    expect(read.clientByExternalId.properties.map((p: any) => [p.property.code, p.values])).toEqual([
      ['vip', ['true']],
      ['tags', ['b', 'c']],
    ]);
    expect(read.clientByExternalId.history.map((h: any) => h.field).sort()).toEqual(['created', 'manager', 'name', 'property:tags']);
    expect(read.clientByExternalId.history.filter((h: any) => h.field !== 'created').every((h: any) => h.actor === 'ivanova')).toBe(true);
    expect(known.id).toBeDefined();
    expect((await server.gql(`{ clients { totalCount } }`)).clients.totalCount).toBe(4);
  });

  it('is all or nothing, and reports every bad row at once', async () => {
    await createClient(server, { name: 'Есть', externalId: 'EXT-1' });
    const result = await server.gql(
      `mutation($rows: [ClientInput!]!) { importClients(rows: $rows) { created updated errors { row field message } } }`,
      {
        rows: [
          { externalId: 'EXT-1', name: 'Хороший' },
          { name: ' ' },
          { name: 'Плохой тип', relationshipType: 'friend' },
          { name: 'Хороший 2' },
          { name: 'Плохое значение', properties: [{ code: 'revenue', values: ['много'] }] },
          { externalId: 'EXT-9', name: 'Первый' },
          { externalId: 'EXT-9', name: 'Второй с тем же кодом' },
          { name: 'Плохая почта', email: 'nope' },
        ],
      },
    );
    expect(result.importClients.created).toBe(0);
    expect(result.importClients.updated).toBe(0);
    expect(result.importClients.errors.map((e: any) => [e.row, e.field])).toEqual([
      [1, 'name'],
      [2, 'relationshipType'],
      [4, 'properties.0.values'],
      [6, 'externalId'],
      [7, 'email'],
    ]);
    expect(result.importClients.errors[1].message).toContain('"friend"');
    const after = await server.gql(`{ clients { totalCount nodes { name } } }`);
    expect(after.clients).toEqual({ totalCount: 1, nodes: [{ name: 'Есть' }] });
  });

  it('imports 10,000 rows in one call', async () => {
    const rows = Array.from({ length: 10000 }, (_, i) => ({
      externalId: `BULK-${i}`,
      name: `Клиент ${i}`,
      relationshipType: i % 2 ? 'our_client' : 'prospect',
      properties: [{ code: 'used_service', values: i % 3 ? ['svc1'] : ['svc1', 'svc2'] }, { code: 'revenue', values: [String(i)] }],
    }));
    const result = await server.gql(`mutation($rows: [ClientInput!]!) { importClients(rows: $rows) { created updated errors { row } } }`, { rows });
    expect(result.importClients).toEqual({ created: 10000, updated: 0, errors: [] });
    const check = await server.gql(`{ clients(filter: { property: { code: "used_service", allOf: ["svc1", "svc2"] } }) { totalCount } }`);
    expect(check.clients.totalCount).toBe(3334);
  }, 60000);

  it('refuses an empty list', async () => {
    const error = onlyError(await server.request(`mutation { importClients(rows: []) { created } }`));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows' });
  });
});

describe('updateClients', () => {
  it('changes every matching client in one go, counting matched and changed, with history', async () => {
    const a = await createClient(server, { name: 'A', relationshipType: 'prospect', properties: [{ code: 'used_service', values: ['svc1'] }] });
    const b = await createClient(server, { name: 'B', relationshipType: 'our_client', properties: [{ code: 'used_service', values: ['svc1', 'svc2'] }] });
    await createClient(server, { name: 'C', relationshipType: 'prospect' });
    const result = await server.gql(
      `mutation { updateClients(filter: { property: { code: "used_service", anyOf: ["svc1"] } }, input: { relationshipType: "our_client", addValues: [{ code: "used_service", values: ["svc2"] }], manager: "ivanova" }) { matched changed } }`,
      {},
      { token: editor },
    );
    expect(result.updateClients).toEqual({ matched: 2, changed: 2 });
    const again = await server.gql(
      `mutation { updateClients(filter: { property: { code: "used_service", anyOf: ["svc1"] } }, input: { relationshipType: "our_client", addValues: [{ code: "used_service", values: ["svc2"] }] }) { matched changed } }`,
    );
    expect(again.updateClients).toEqual({ matched: 2, changed: 0 });
    expect(fieldsOf(await history(a.id))).toEqual([
      ['manager', [], ['ivanova']],
      ['relationshipType', ['prospect'], ['our_client']],
      ['property:used_service', ['svc1'], ['svc1', 'svc2']],
      ['created', [], ['A']],
    ]);
    expect(fieldsOf(await history(b.id)).map((f) => f[0]).sort()).toEqual(['created', 'manager']);
    const removed = await server.gql(
      `mutation { updateClients(filter: {}, input: { removeValues: [{ code: "used_service", values: ["svc1"] }], setValues: [{ code: "vip", values: ["true"] }] }) { matched changed } }`,
    );
    expect(removed.updateClients).toEqual({ matched: 3, changed: 3 });
    const read = await server.gql(`{ clients { nodes { name properties { property { code } values } } } }`);
    expect(read.clients.nodes.map((n: any) => [n.name, n.properties.map((p: any) => `${p.property.code}=${p.values.join('+')}`)])).toEqual([
      ['A', ['used_service=svc2', 'vip=true']],
      ['B', ['used_service=svc2', 'vip=true']],
      ['C', ['vip=true']],
    ]);
  });

  it('refuses a bad change before writing anything', async () => {
    await createClient(server, { name: 'A', properties: [{ code: 'region', values: ['spb'] }] });
    const cases: Array<[string, string]> = [
      [`{ relationshipType: "friend" }`, 'input.relationshipType'],
      [`{ setValues: [{ code: "region", values: ["moscow", "spb"] }] }`, 'input.setValues.0.values'],
      [`{ addValues: [{ code: "region", values: ["moscow"] }] }`, 'input.addValues.0.code'],
      [`{ setValues: [{ code: "nope", values: ["x"] }] }`, 'input.setValues.0.code'],
      [`{ setValues: [{ code: "vip", values: ["true"] }], removeValues: [{ code: "vip", values: ["true"] }] }`, 'input.removeValues.0.code'],
      [`{}`, 'input'],
    ];
    for (const [input, field] of cases) {
      const error = onlyError(await server.request(`mutation { updateClients(filter: {}, input: ${input}) { matched } }`));
      expect({ input, ...error.extensions }).toMatchObject({ input, code: 'BAD_USER_INPUT', field });
    }
    const filterError = onlyError(await server.request(`mutation { updateClients(filter: { or: [] }, input: { doNotContact: true }) { matched } }`));
    expect(filterError.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.or' });
    const read = await server.gql(`{ clients { nodes { doNotContact property(code: "region") { values } } } }`);
    expect(read.clients.nodes).toEqual([{ doNotContact: false, property: { values: ['spb'] } }]);
  });
});
