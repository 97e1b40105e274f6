import { CLIENT_FIELDS, createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
  await defineStory(server);
});
afterEach(() => server.close());

const clientCount = () => (server.db.$client.prepare('select count(*) as n from clients').get() as { n: number }).n;
const valueCount = () => (server.db.$client.prepare('select count(*) as n from client_property_values').get() as { n: number }).n;

describe('creating and reading a client', () => {
  it('keeps every field and value in canonical form, and reads the card back', async () => {
    const created = await createClient(server, {
      name: '  ООО «Рога и копыта» ',
      externalId: '1C-0001',
      manager: 'ivanova',
      phone: '+7 (495) 123-45-67',
      email: 'info@roga.ru',
      relationshipType: 'our_client',
      properties: [
        { code: 'used_service', values: ['svc2', 'svc1', 'svc2'] },
        { code: 'revenue', values: ['1.5e6'] },
        { code: 'contract_until', values: ['2025-12-31'] },
        { code: 'vip', values: ['TRUE'] },
        { code: 'tags', values: ['ключевой', ' тендер '] },
        { code: 'scores', values: ['10', '9', '250000.50'] },
      ],
    });
    expect(created).toMatchObject({
      name: 'ООО «Рога и копыта»',
      externalId: '1C-0001',
      manager: 'ivanova',
      doNotContact: false,
      relationshipType: { code: 'our_client', name: 'Наш клиент', contactPolicy: 'ALLOWED' },
      contact: { allowed: true, reason: null },
    });
    expect(created.properties).toEqual([
      {
        property: { code: 'used_service' },
        values: ['svc1', 'svc2'],
        options: [
          { code: 'svc1', label: 'Сервис 1' },
          { code: 'svc2', label: 'Сервис 2' },
        ],
        display: 'Сервис 1, Сервис 2',
      },
      { property: { code: 'revenue' }, values: ['1500000'], options: [], display: '1500000' },
      { property: { code: 'contract_until' }, values: ['2025-12-31'], options: [], display: '31.12.2025' },
      { property: { code: 'vip' }, values: ['true'], options: [], display: 'Да' },
      { property: { code: 'tags' }, values: ['ключевой', 'тендер'], options: [], display: 'ключевой, тендер' },
      { property: { code: 'scores' }, values: ['9', '10', '250000.5'], options: [], display: '9, 10, 250000.5' },
    ]);
    expect(created.createdAt).toBe(created.updatedAt);
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);

    const read = await server.gql(`query($id: ID!) { client(id: $id) { ${CLIENT_FIELDS} } }`, { id: created.id });
    expect(read.client).toEqual(created);
    const byExternal = await server.gql(`{ clientByExternalId(externalId: "1C-0001") { id } }`);
    expect(byExternal.clientByExternalId.id).toBe(created.id);
    const one = await server.gql(`query($id: ID!) { client(id: $id) { property(code: "revenue") { values } none: property(code: "region") { values } } }`, {
      id: created.id,
    });
    expect(one.client).toEqual({ property: { values: ['1500000'] }, none: null });
  });

  it('answers null for ids that name no client, whatever their shape', async () => {
    for (const id of ['999', 'abc', '-1', '1.5', '', '0', '99999999999999999999']) {
      const data = await server.gql(`query($id: ID!) { client(id: $id) { id } }`, { id });
      expect(data.client).toBeNull();
    }
    expect((await server.gql(`{ clientByExternalId(externalId: "nope") { id } }`)).clientByExternalId).toBeNull();
  });

  it('says a partner\'s client may not be contacted, and why', async () => {
    const client = await createClient(server, { name: 'Клиент партнёра', relationshipType: 'partner_client', doNotContact: true });
    expect(client.contact.allowed).toBe(false);
    expect(client.contact.reason).toContain('Клиент партнёра');
    expect(client.contact.reason).toContain('просил');
    const none = await createClient(server, { name: 'Без типа' });
    expect(none).toMatchObject({ relationshipType: null, contact: { allowed: true, reason: null }, properties: [] });
  });
});

describe('bad client input is refused, naming the field, and nothing is written', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['empty name', { name: '   ' }, 'BAD_USER_INPUT', 'input.name'],
    ['unknown relationship type', { name: 'A', relationshipType: 'friend' }, 'BAD_USER_INPUT', 'input.relationshipType'],
    ['bad email', { name: 'A', email: 'not-an-email' }, 'BAD_USER_INPUT', 'input.email'],
    ['unknown property', { name: 'A', properties: [{ code: 'colour', values: ['red'] }] }, 'BAD_USER_INPUT', 'input.properties.0.code'],
    ['unknown option', { name: 'A', properties: [{ code: 'used_service', values: ['svc1', 'svc9'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['number that is no number', { name: 'A', properties: [{ code: 'revenue', values: ['много'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['number with too many digits', { name: 'A', properties: [{ code: 'revenue', values: ['1234567890.123456'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['date that is no calendar date', { name: 'A', properties: [{ code: 'contract_until', values: ['2025-02-30'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['date in another format', { name: 'A', properties: [{ code: 'contract_until', values: ['31.12.2025'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['boolean that is no boolean', { name: 'A', properties: [{ code: 'vip', values: ['да'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['empty string value', { name: 'A', properties: [{ code: 'industry', values: [' '] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['two values of a single-valued property', { name: 'A', properties: [{ code: 'region', values: ['moscow', 'spb'] }] }, 'BAD_USER_INPUT', 'input.properties.0.values'],
    ['the same property twice', { name: 'A', properties: [{ code: 'vip', values: ['true'] }, { code: 'vip', values: ['false'] }] }, 'BAD_USER_INPUT', 'input.properties.1.code'],
  ];
  it.each(cases)('%s', async (_, input, code, field) => {
    const response = await server.request(`mutation($input: ClientInput!) { createClient(input: $input) { id } }`, { input });
    const error = onlyError(response);
    expect(error.extensions).toMatchObject({ code, field });
    expect(response.data).toBeNull();
    expect(clientCount()).toBe(0);
    expect(valueCount()).toBe(0);
  });

  it('quotes the offending value in the message', async () => {
    const error = onlyError(
      await server.request(`mutation { createClient(input: { name: "A", properties: [{ code: "used_service", values: ["svc9"] }] }) { id } }`),
    );
    expect(error.message).toContain('"svc9"');
    expect(error.message).toContain('svc1');
  });

  it('refuses a duplicate externalId as a conflict', async () => {
    await createClient(server, { name: 'A', externalId: 'X-1' });
    const error = onlyError(await server.request(`mutation { createClient(input: { name: "B", externalId: "X-1" }) { id } }`));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.externalId' });
    expect(clientCount()).toBe(1);
  });

  it('writes nothing of an update when one of its values is wrong', async () => {
    const client = await createClient(server, { name: 'A', properties: [{ code: 'region', values: ['moscow'] }] });
    const response = await server.request(
      `mutation($id: ID!) { updateClient(id: $id, input: { name: "B", properties: [{ code: "region", values: ["spb"] }, { code: "revenue", values: ["x"] }] }) { id } }`,
      { id: client.id },
    );
    expect(onlyError(response).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.properties.1.values' });
    const read = await server.gql(`query($id: ID!) { client(id: $id) { ${CLIENT_FIELDS} } }`, { id: client.id });
    expect(read.client).toEqual(client);
  });

  it('answers NOT_FOUND for a client that does not exist', async () => {
    for (const mutation of [
      `updateClient(id: "777", input: { name: "B" }) { id }`,
      `deleteClient(id: "777")`,
      `setClientProperty(clientId: "777", code: "vip", values: ["true"]) { id }`,
      `addClientPropertyValues(clientId: "777", code: "tags", values: ["a"]) { id }`,
      `removeClientPropertyValues(clientId: "777", code: "tags", values: ["a"]) { id }`,
    ]) {
      expect(onlyError(await server.request(`mutation { ${mutation} }`)).extensions?.code).toBe('NOT_FOUND');
    }
  });
});

describe('updating a client', () => {
  it('changes only the fields given, clears with null, replaces only the properties named', async () => {
    const client = await createClient(server, {
      name: 'A',
      manager: 'petrov',
      phone: '+7 900 000-00-00',
      relationshipType: 'prospect',
      properties: [
        { code: 'used_service', values: ['svc1'] },
        { code: 'region', values: ['moscow'] },
      ],
    });
    const { updateClient } = await server.gql(
      `mutation($id: ID!, $input: ClientPatch!) { updateClient(id: $id, input: $input) { ${CLIENT_FIELDS} } }`,
      { id: client.id, input: { manager: null, relationshipType: 'our_client', properties: [{ code: 'used_service', values: ['svc1', 'svc2'] }] } },
    );
    expect(updateClient).toMatchObject({ name: 'A', manager: null, phone: '+7 900 000-00-00', relationshipType: { code: 'our_client' } });
    expect(updateClient.properties.map((p: any) => [p.property.code, p.values])).toEqual([
      ['used_service', ['svc1', 'svc2']],
      ['region', ['moscow']],
    ]);
    expect(Date.parse(updateClient.updatedAt)).toBeGreaterThan(Date.parse(client.updatedAt));
    expect(updateClient.createdAt).toBe(client.createdAt);

    const cleared = await server.gql(
      `mutation($id: ID!) { updateClient(id: $id, input: { relationshipType: null, properties: [{ code: "region", values: [] }] }) { relationshipType { code } properties { property { code } } } }`,
      { id: client.id },
    );
    expect(cleared.updateClient).toEqual({ relationshipType: null, properties: [{ property: { code: 'used_service' } }] });
  });

  it('does not move updatedAt when nothing changes', async () => {
    const client = await createClient(server, { name: 'A', manager: 'petrov', properties: [{ code: 'tags', values: ['x'] }] });
    const same = await server.gql(
      `mutation($id: ID!) {
        a: updateClient(id: $id, input: { name: "A", manager: "petrov", properties: [{ code: "tags", values: ["x"] }] }) { updatedAt }
        b: addClientPropertyValues(clientId: $id, code: "tags", values: ["x"]) { updatedAt }
        c: removeClientPropertyValues(clientId: $id, code: "tags", values: ["y"]) { updatedAt }
        d: setClientProperty(clientId: $id, code: "tags", values: ["x", "x"]) { updatedAt }
      }`,
      { id: client.id },
    );
    for (const key of ['a', 'b', 'c', 'd']) expect(same[key].updatedAt).toBe(client.updatedAt);
  });

  it('sets, adds and removes values of one property', async () => {
    const client = await createClient(server, { name: 'A' });
    const run = async (mutation: string, values: string[], code = 'used_service') =>
      (
        await server.gql(`mutation($id: ID!, $code: String!, $values: [String!]!) { r: ${mutation}(clientId: $id, code: $code, values: $values) { property(code: $code) { values } } }`, {
          id: client.id,
          code,
          values,
        })
      ).r.property?.values ?? null;
    expect(await run('addClientPropertyValues', ['svc2'])).toEqual(['svc2']);
    expect(await run('addClientPropertyValues', ['svc1', 'svc2'])).toEqual(['svc1', 'svc2']);
    expect(await run('removeClientPropertyValues', ['svc2', 'svc3'])).toEqual(['svc1']);
    expect(await run('setClientProperty', ['svc3'])).toEqual(['svc3']);
    expect(await run('setClientProperty', [])).toBeNull();
    expect(await run('addClientPropertyValues', ['moscow'], 'region')).toEqual(['moscow']);
    const error = onlyError(
      await server.request(`mutation($id: ID!) { addClientPropertyValues(clientId: $id, code: "region", values: ["spb"]) { id } }`, { id: client.id }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values' });
    expect(await run('setClientProperty', ['spb'], 'region')).toEqual(['spb']);
    const unknown = onlyError(
      await server.request(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "nope", values: ["x"]) { id } }`, { id: client.id }),
    );
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
  });

  it('keeps an archived option a client holds, but never writes it as a new value', async () => {
    const holder = await createClient(server, { name: 'Holder', properties: [{ code: 'used_service', values: ['svc1', 'svc3'] }] });
    const other = await createClient(server, { name: 'Other' });
    await server.gql(`mutation { archivePropertyOption(property: "used_service", option: "svc3") { archived } }`);
    const kept = await server.gql(
      `mutation($id: ID!) { setClientProperty(clientId: $id, code: "used_service", values: ["svc3", "svc2"]) { property(code: "used_service") { values } } }`,
      { id: holder.id },
    );
    expect(kept.setClientProperty.property.values).toEqual(['svc2', 'svc3']);
    const refused = onlyError(
      await server.request(`mutation($id: ID!) { addClientPropertyValues(clientId: $id, code: "used_service", values: ["svc3"]) { id } }`, { id: other.id }),
    );
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values' });
    expect(refused.message).toContain('archived');
  });

  it('deletes a client permanently, with its values', async () => {
    const client = await createClient(server, { name: 'A', properties: [{ code: 'tags', values: ['x', 'y'] }] });
    expect((await server.gql(`mutation($id: ID!) { deleteClient(id: $id) }`, { id: client.id })).deleteClient).toBe(true);
    expect((await server.gql(`query($id: ID!) { client(id: $id) { id } }`, { id: client.id })).client).toBeNull();
    expect(valueCount()).toBe(0);
  });
});

describe('HTTP edge', () => {
  it('answers a body that is not JSON, or too large, as JSON without a stack trace', async () => {
    const bad = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const badBody = await bad.text();
    expect(JSON.parse(badBody).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(badBody).not.toMatch(/node_modules|at \w+ \(/);

    const huge = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ clients { totalCount } }', variables: { pad: 'x'.repeat(11 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
    const hugeBody = await huge.text();
    expect(JSON.parse(hugeBody).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(hugeBody).not.toMatch(/node_modules/);
  });

  it('finds a client by externalId written with surrounding spaces', async () => {
    const client = await createClient(server, { name: 'A', externalId: ' X-9 ' });
    expect(client.externalId).toBe('X-9');
    expect((await server.gql(`{ clientByExternalId(externalId: " X-9") { id } }`)).clientByExternalId.id).toBe(client.id);
  });
});
