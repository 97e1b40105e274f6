import { createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
  await defineStory(server);
});
afterEach(() => server.close());

const rowCount = (table: string) => (server.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('relationship types', () => {
  it('lists, reads, updates and counts clients', async () => {
    await createClient(server, { name: 'A', relationshipType: 'partner_client' });
    await createClient(server, { name: 'B', relationshipType: 'partner_client' });
    const data = await server.gql(`{
      relationshipTypes { code clientCount }
      relationshipType(code: "partner_client") { id code name description contactPolicy briefing clientCount }
      missing: relationshipType(code: "nope") { id }
    }`);
    expect(data.relationshipTypes.map((t: any) => t.code)).toEqual(['our_client', 'prospect', 'partner', 'partner_client', 'competitor']);
    expect(data.relationshipType).toMatchObject({
      name: 'Клиент партнёра',
      contactPolicy: 'DO_NOT_CONTACT',
      briefing: 'Клиент нашего партнёра: не беспокоим',
      description: null,
      clientCount: 2,
    });
    expect(data.missing).toBeNull();
    const updated = await server.gql(
      `mutation { updateRelationshipType(code: "competitor", input: { name: "Конкурент (прямой)", contactPolicy: DO_NOT_CONTACT, description: "Не звонить" }) { code name contactPolicy description briefing } }`,
    );
    expect(updated.updateRelationshipType).toEqual({
      code: 'competitor',
      name: 'Конкурент (прямой)',
      contactPolicy: 'DO_NOT_CONTACT',
      description: 'Не звонить',
      briefing: null,
    });
  });

  it('refuses bad input, duplicates and unknown codes with the right codes', async () => {
    const cases: Array<[string, string, string]> = [
      [`createRelationshipType(input: { code: "our_client", name: "X" }) { id }`, 'CONFLICT', 'input.code'],
      [`createRelationshipType(input: { code: "has space", name: "X" }) { id }`, 'BAD_USER_INPUT', 'input.code'],
      [`createRelationshipType(input: { code: "ok", name: " " }) { id }`, 'BAD_USER_INPUT', 'input.name'],
      [`updateRelationshipType(code: "nope", input: { name: "X" }) { id }`, 'NOT_FOUND', 'code'],
      [`updateRelationshipType(code: "partner", input: { name: null }) { id }`, 'BAD_USER_INPUT', 'input.name'],
      [`deleteRelationshipType(code: "nope")`, 'NOT_FOUND', 'code'],
    ];
    for (const [mutation, code, field] of cases) {
      const error = onlyError(await server.request(`mutation { ${mutation} }`));
      expect({ mutation, ...error.extensions }).toMatchObject({ mutation, code, field });
    }
    expect(rowCount('relationship_types')).toBe(5);
  });

  it('deletes a type in use only with reassignTo, moving its clients', async () => {
    const client = await createClient(server, { name: 'A', relationshipType: 'competitor' });
    const refused = onlyError(await server.request(`mutation { deleteRelationshipType(code: "competitor") }`));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', field: 'code' });
    expect(refused.message).toContain('reassignTo');
    const self = onlyError(await server.request(`mutation { deleteRelationshipType(code: "competitor", reassignTo: "competitor") }`));
    expect(self.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reassignTo' });
    const unknown = onlyError(await server.request(`mutation { deleteRelationshipType(code: "competitor", reassignTo: "nope") }`));
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reassignTo' });
    expect(rowCount('relationship_types')).toBe(5);

    await server.gql(`mutation { deleteRelationshipType(code: "competitor", reassignTo: "partner") }`);
    const read = await server.gql(`query($id: ID!) { client(id: $id) { relationshipType { code } updatedAt } }`, { id: client.id });
    expect(read.client.relationshipType.code).toBe('partner');
    expect(Date.parse(read.client.updatedAt)).toBeGreaterThan(Date.parse(client.updatedAt));
    expect((await server.gql(`mutation { deleteRelationshipType(code: "prospect") }`)).deleteRelationshipType).toBe(true);
    expect(rowCount('relationship_types')).toBe(3);
  });
});

describe('property sets and properties', () => {
  it('reads sets with their properties, and properties with their set and options', async () => {
    const data = await server.gql(`{
      propertySets { code name properties { code } }
      properties { code valueType multiple showInBriefing set { code } }
      property(code: "used_service") { name options { code label archived } }
      missing: property(code: "nope") { id }
    }`);
    expect(data.propertySets).toEqual([
      { code: 'services', name: 'Сервисы', properties: [{ code: 'used_service' }] },
      {
        code: 'profile',
        name: 'Профиль клиента',
        properties: ['region', 'revenue', 'contract_until', 'vip', 'industry', 'tags', 'scores', 'visits'].map((code) => ({ code })),
      },
    ]);
    expect(data.properties[0]).toEqual({ code: 'used_service', valueType: 'ENUM', multiple: true, showInBriefing: true, set: { code: 'services' } });
    expect(data.property.options).toEqual([
      { code: 'svc1', label: 'Сервис 1', archived: false },
      { code: 'svc2', label: 'Сервис 2', archived: false },
      { code: 'svc3', label: 'Сервис 3', archived: false },
    ]);
    expect(data.missing).toBeNull();
  });

  it('refuses bad property definitions', async () => {
    const cases: Array<[string, string, string]> = [
      [`createProperty(input: { set: "profile", code: "region", name: "X", valueType: STRING }) { id }`, 'CONFLICT', 'input.code'],
      [`createProperty(input: { set: "nope", code: "x", name: "X", valueType: STRING }) { id }`, 'BAD_USER_INPUT', 'input.set'],
      [`createProperty(input: { set: "profile", code: "x", name: "X", valueType: ENUM }) { id }`, 'BAD_USER_INPUT', 'input.options'],
      [`createProperty(input: { set: "profile", code: "x", name: "X", valueType: NUMBER, options: [{ code: "a", label: "A" }] }) { id }`, 'BAD_USER_INPUT', 'input.options'],
      [`createProperty(input: { set: "profile", code: "x", name: "X", valueType: ENUM, options: [{ code: "a", label: "A" }, { code: "a", label: "B" }] }) { id }`, 'BAD_USER_INPUT', 'input.options.1.code'],
      [`createProperty(input: { set: "profile", code: "x", name: "X", valueType: ENUM, options: [{ code: "a", label: "" }] }) { id }`, 'BAD_USER_INPUT', 'input.options.0.label'],
      [`createPropertySet(input: { code: "profile", name: "X" }) { id }`, 'CONFLICT', 'input.code'],
      [`updatePropertySet(code: "nope", input: { name: "X" }) { id }`, 'NOT_FOUND', 'code'],
      [`deletePropertySet(code: "profile")`, 'CONFLICT', 'code'],
      [`updateProperty(code: "nope", input: { name: "X" }) { id }`, 'NOT_FOUND', 'code'],
      [`updateProperty(code: "vip", input: { set: "nope" }) { id }`, 'BAD_USER_INPUT', 'input.set'],
      [`addPropertyOption(property: "vip", option: { code: "a", label: "A" }) { id }`, 'BAD_USER_INPUT', 'property'],
      [`addPropertyOption(property: "region", option: { code: "spb", label: "A" }) { id }`, 'CONFLICT', 'option.code'],
      [`updatePropertyOption(property: "region", option: "nope", label: "A") { id }`, 'NOT_FOUND', 'option'],
      [`deletePropertyOption(property: "nope", option: "spb")`, 'NOT_FOUND', 'property'],
    ];
    for (const [mutation, code, field] of cases) {
      const error = onlyError(await server.request(`mutation { ${mutation} }`));
      expect({ mutation, ...error.extensions }).toMatchObject({ mutation, code, field });
    }
    expect(rowCount('properties')).toBe(9);
    expect(rowCount('property_options')).toBe(6);
  });

  it('never changes a code or a value type: the patch has no such fields', async () => {
    const response = await server.request(`mutation { updateProperty(code: "vip", input: { valueType: STRING }) { id } }`);
    expect(onlyError(response).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('updates a property, moves it between sets, and guards turning multiple off', async () => {
    await server.gql(`mutation { createPropertySet(input: { code: "extra", name: "Прочее", description: "Разное" }) { id } }`);
    const moved = await server.gql(`mutation { updateProperty(code: "industry", input: { name: "Вид деятельности", set: "extra", showInBriefing: true }) { name showInBriefing set { code description } } }`);
    expect(moved.updateProperty).toEqual({ name: 'Вид деятельности', showInBriefing: true, set: { code: 'extra', description: 'Разное' } });

    const client = await createClient(server, { name: 'A', properties: [{ code: 'tags', values: ['a', 'b'] }] });
    const refused = onlyError(await server.request(`mutation { updateProperty(code: "tags", input: { multiple: false }) { id } }`));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.multiple' });
    await server.gql(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "tags", values: ["a"]) { id } }`, { id: client.id });
    expect((await server.gql(`mutation { updateProperty(code: "tags", input: { multiple: false }) { multiple } }`)).updateProperty.multiple).toBe(false);
    const single = onlyError(
      await server.request(`mutation($id: ID!) { addClientPropertyValues(clientId: $id, code: "tags", values: ["b"]) { id } }`, { id: client.id }),
    );
    expect(single.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('deletes a property or an option only while no client holds it', async () => {
    const client = await createClient(server, { name: 'A', properties: [{ code: 'region', values: ['spb'] }, { code: 'vip', values: ['true'] }] });
    const inUse = onlyError(await server.request(`mutation { deleteProperty(code: "vip") }`));
    expect(inUse.extensions).toMatchObject({ code: 'CONFLICT', field: 'code' });
    const optionInUse = onlyError(await server.request(`mutation { deletePropertyOption(property: "region", option: "spb") }`));
    expect(optionInUse.extensions).toMatchObject({ code: 'CONFLICT', field: 'option' });
    expect(optionInUse.message).toContain('archive');

    expect((await server.gql(`mutation { deletePropertyOption(property: "region", option: "kazan") }`)).deletePropertyOption).toBe(true);
    await server.gql(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "vip", values: []) { id } }`, { id: client.id });
    expect((await server.gql(`mutation { deleteProperty(code: "vip") }`)).deleteProperty).toBe(true);
    expect((await server.gql(`{ property(code: "vip") { id } }`)).property).toBeNull();
  });

  it('adds, relabels, archives and unarchives options; archived ones are hidden unless asked for', async () => {
    const added = await server.gql(`mutation { addPropertyOption(property: "region", option: { code: "nsk", label: "Новосибирск" }) { code label archived } }`);
    expect(added.addPropertyOption).toEqual({ code: 'nsk', label: 'Новосибирск', archived: false });
    await server.gql(`mutation { updatePropertyOption(property: "region", option: "spb", label: "Санкт‑Петербург") { id } }`);
    const archived = await server.gql(`mutation { archivePropertyOption(property: "region", option: "kazan") { archived } }`);
    expect(archived.archivePropertyOption.archived).toBe(true);
    const read = await server.gql(`{ property(code: "region") { active: options { code } all: options(includeArchived: true) { code label archived } } }`);
    expect(read.property.active.map((o: any) => o.code)).toEqual(['moscow', 'spb', 'nsk']);
    expect(read.property.all).toEqual([
      { code: 'moscow', label: 'Москва', archived: false },
      { code: 'spb', label: 'Санкт‑Петербург', archived: false },
      { code: 'kazan', label: 'Казань', archived: true },
      { code: 'nsk', label: 'Новосибирск', archived: false },
    ]);
    const back = await server.gql(`mutation { unarchivePropertyOption(property: "region", option: "kazan") { archived } }`);
    expect(back.unarchivePropertyOption.archived).toBe(false);
  });

  it('deletes an empty property set', async () => {
    await server.gql(`mutation { createPropertySet(input: { code: "empty", name: "Пусто" }) { id } }`);
    const updated = await server.gql(`mutation { updatePropertySet(code: "empty", input: { name: "Пустой набор", description: "x" }) { name description } }`);
    expect(updated.updatePropertySet).toEqual({ name: 'Пустой набор', description: 'x' });
    expect((await server.gql(`mutation { deletePropertySet(code: "empty") }`)).deletePropertySet).toBe(true);
    expect(rowCount('property_sets')).toBe(2);
  });
});
