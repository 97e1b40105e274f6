import { createClient, defineStory } from './helpers/factories';
import { onlyError, startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
const ids: Record<string, string> = {};

const SEGMENT = `id code name description kind filter size createdAt updatedAt`;

async function createSegment(input: Record<string, unknown>) {
  return (await server.gql(`mutation($input: SegmentInput!) { createSegment(input: $input) { ${SEGMENT} } }`, { input })).createSegment;
}

async function members(code: string, filter?: unknown): Promise<string[]> {
  const data = await server.gql(`query($code: String!, $filter: ClientFilter) { segment(code: $code) { clients(filter: $filter, first: 500) { nodes { name } } } }`, {
    code,
    filter,
  });
  return data.segment.clients.nodes.map((n: any) => n.name);
}

beforeEach(async () => {
  server = await startTestServer();
  await defineStory(server);
  const add = async (name: string, input: Record<string, unknown>) => {
    ids[name] = (await createClient(server, { name, ...input })).id;
  };
  await add('Альфа', { relationshipType: 'our_client', properties: [{ code: 'used_service', values: ['svc1'] }, { code: 'region', values: ['moscow'] }, { code: 'vip', values: ['true'] }] });
  await add('Бета', { relationshipType: 'our_client', properties: [{ code: 'used_service', values: ['svc1', 'svc2'] }, { code: 'region', values: ['spb'] }] });
  await add('Гамма', { relationshipType: 'partner_client', properties: [{ code: 'used_service', values: ['svc1'] }, { code: 'region', values: ['moscow'] }] });
  await add('Дельта', { relationshipType: 'prospect', doNotContact: true, properties: [{ code: 'used_service', values: ['svc1'] }] });
  await add('Эпсилон', {});
});
afterEach(() => server.close());

describe('DYNAMIC segments', () => {
  it('are saved filters, evaluated when read, returned as given', async () => {
    const filter = { property: { code: 'used_service', anyOf: ['svc1'], noneOf: ['svc2'] } };
    const segment = await createSegment({ code: 'offer_svc2', name: 'Предложить Сервис 2', kind: 'DYNAMIC', filter });
    expect(segment).toMatchObject({ code: 'offer_svc2', kind: 'DYNAMIC', filter, size: 3, description: null });
    expect(await members('offer_svc2')).toEqual(['Альфа', 'Гамма', 'Дельта']);
    await server.gql(`mutation($id: ID!) { addClientPropertyValues(clientId: $id, code: "used_service", values: ["svc2"]) { id } }`, { id: ids['Альфа'] });
    expect(await members('offer_svc2')).toEqual(['Гамма', 'Дельта']);
    expect(await members('offer_svc2', { relationshipType: { in: ['partner_client'] } })).toEqual(['Гамма']);
    const listed = await server.gql(`{ segments { code size } segment(code: "offer_svc2") { size } missing: segment(code: "nope") { id } }`);
    expect(listed).toEqual({ segments: [{ code: 'offer_svc2', size: 2 }], segment: { size: 2 }, missing: null });
  });

  it('combine with everything through segment: in filters, and may use one another', async () => {
    await createSegment({ code: 'svc1', name: 'Сервис 1', kind: 'DYNAMIC', filter: { property: { code: 'used_service', anyOf: ['svc1'] } } });
    await createSegment({ code: 'svc1_moscow', name: 'Сервис 1 в Москве', kind: 'DYNAMIC', filter: { segment: 'svc1', property: { code: 'region', anyOf: ['moscow'] } } });
    expect(await members('svc1_moscow')).toEqual(['Альфа', 'Гамма']);
    const data = await server.gql(`{ clients(filter: { not: { segment: "svc1_moscow" } }) { nodes { name } } }`);
    expect(data.clients.nodes.map((n: any) => n.name)).toEqual(['Бета', 'Дельта', 'Эпсилон']);
    const changed = await server.gql(`mutation { updateSegment(code: "svc1", input: { filter: { property: { code: "used_service", allOf: ["svc1", "svc2"] } } }) { size } }`);
    expect(changed.updateSegment.size).toBe(1);
    expect(await members('svc1_moscow')).toEqual([]);
  });

  it('refuses a filter that would not run, checked as at read time', async () => {
    const cases: Array<[unknown, string]> = [
      [{ property: { code: 'colour', exists: true } }, 'input.filter.property.code'],
      [{ property: { code: 'region', gt: 'moscow' } }, 'input.filter.property.gt'],
      [{ and: [] }, 'input.filter.and'],
      [{ segment: 'nope' }, 'input.filter.segment'],
    ];
    for (const [filter, field] of cases) {
      const error = onlyError(await server.request(`mutation($input: SegmentInput!) { createSegment(input: $input) { id } }`, {
        input: { code: 'bad', name: 'Плохой', kind: 'DYNAMIC', filter },
      }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const missing = onlyError(await server.request(`mutation { createSegment(input: { code: "x", name: "X", kind: DYNAMIC }) { id } }`));
    expect(missing.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter' });
    expect((await server.gql(`{ segments { id } }`)).segments).toEqual([]);
  });

  it('refuses a segment that would refer to itself, directly or through others', async () => {
    await createSegment({ code: 'a', name: 'A', kind: 'DYNAMIC', filter: { contactable: true } });
    await createSegment({ code: 'b', name: 'B', kind: 'DYNAMIC', filter: { segment: 'a' } });
    await createSegment({ code: 'c', name: 'C', kind: 'DYNAMIC', filter: { or: [{ segment: 'b' }, { ids: ['1'] }] } });
    for (const [code, filter, field] of [
      ['a', { segment: 'a' }, 'input.filter.segment'],
      ['a', { not: { segment: 'c' } }, 'input.filter.not.segment'],
      ['b', { and: [{ segment: 'c' }] }, 'input.filter.and.0.segment'],
    ] as const) {
      const error = onlyError(await server.request(`mutation($code: String!, $filter: ClientFilter) { updateSegment(code: $code, input: { filter: $filter }) { id } }`, { code, filter }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(error.message).toContain('refer to itself');
    }
    const self = onlyError(await server.request(`mutation { createSegment(input: { code: "d", name: "D", kind: DYNAMIC, filter: { segment: "d" } }) { id } }`));
    expect(self.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter.segment' });
    expect(self.message).toContain('refer to itself');
    expect((await server.gql(`{ segment(code: "a") { filter } }`)).segment.filter).toEqual({ contactable: true });
  });
});

describe('STATIC segments', () => {
  it('are lists of members, added and removed; a filter at creation is a snapshot', async () => {
    const segment = await createSegment({ code: 'campaign', name: 'Акция', kind: 'STATIC', filter: { property: { code: 'region', anyOf: ['moscow'] } } });
    expect(segment).toMatchObject({ kind: 'STATIC', filter: null, size: 2 });
    // A snapshot: a client moving to Moscow later does not join.
    await server.gql(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "region", values: ["moscow"]) { id } }`, { id: ids['Бета'] });
    expect(await members('campaign')).toEqual(['Альфа', 'Гамма']);
    const added = await server.gql(`mutation($ids: [ID!]!) { addSegmentMembers(code: "campaign", clientIds: $ids) { size } }`, { ids: [ids['Эпсилон'], ids['Альфа']] });
    expect(added.addSegmentMembers.size).toBe(3);
    const removed = await server.gql(`mutation($ids: [ID!]!) { removeSegmentMembers(code: "campaign", clientIds: $ids) { size } }`, { ids: [ids['Гамма'], ids['Бета'], '999'] });
    expect(removed.removeSegmentMembers.size).toBe(2);
    expect(await members('campaign')).toEqual(['Альфа', 'Эпсилон']);
    await server.gql(`mutation($id: ID!) { deleteClient(id: $id) }`, { id: ids['Эпсилон'] });
    expect(await members('campaign')).toEqual(['Альфа']);
    const inFilter = await server.gql(`{ clients(filter: { segment: "campaign" }) { totalCount } }`);
    expect(inFilter.clients.totalCount).toBe(1);
  });

  it('refuses unknown clients, empty lists, and filters on update', async () => {
    await createSegment({ code: 'list', name: 'Список', kind: 'STATIC' });
    const unknown = onlyError(await server.request(`mutation($ids: [ID!]!) { addSegmentMembers(code: "list", clientIds: $ids) { size } }`, { ids: [ids['Альфа'], '999', 'x'] }));
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clientIds' });
    expect(unknown.message).toContain('"999"');
    expect((await server.gql(`{ segment(code: "list") { size } }`)).segment.size).toBe(0);
    const empty = onlyError(await server.request(`mutation { addSegmentMembers(code: "list", clientIds: []) { size } }`));
    expect(empty.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clientIds' });
    const filter = onlyError(await server.request(`mutation { updateSegment(code: "list", input: { filter: { contactable: true } }) { id } }`));
    expect(filter.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter' });
    await createSegment({ code: 'dyn', name: 'Dyn', kind: 'DYNAMIC', filter: { contactable: true } });
    const dynamic = onlyError(await server.request(`mutation($ids: [ID!]!) { addSegmentMembers(code: "dyn", clientIds: $ids) { size } }`, { ids: [ids['Альфа']] }));
    expect(dynamic.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    const notFound = onlyError(await server.request(`mutation { removeSegmentMembers(code: "nope", clientIds: ["1"]) { size } }`));
    expect(notFound.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'code' });
  });
});

describe('segment lifecycle', () => {
  it('updates names, refuses duplicates, deletes', async () => {
    await createSegment({ code: 's', name: 'S', kind: 'STATIC' });
    const dup = onlyError(await server.request(`mutation { createSegment(input: { code: "s", name: "S2", kind: STATIC }) { id } }`));
    expect(dup.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    const updated = await server.gql(`mutation { updateSegment(code: "s", input: { name: "Новое имя", description: "Описание" }) { name description } }`);
    expect(updated.updateSegment).toEqual({ name: 'Новое имя', description: 'Описание' });
    expect((await server.gql(`mutation { deleteSegment(code: "s") }`)).deleteSegment).toBe(true);
    expect(onlyError(await server.request(`mutation { deleteSegment(code: "s") }`)).extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses to delete what a saved segment names, naming the segments, even with reassignTo', async () => {
    await createSegment({ code: 'base', name: 'База', kind: 'STATIC' });
    await createSegment({
      code: 'story',
      name: 'История',
      kind: 'DYNAMIC',
      filter: { or: [{ relationshipType: { notIn: ['competitor'] } }, { property: { code: 'used_service', noneOf: ['svc3'] } }, { segment: 'base' }] },
    });
    const cases: Array<[string, string]> = [
      ['deleteRelationshipType(code: "competitor", reassignTo: "partner")', 'code'],
      ['deleteRelationshipType(code: "competitor")', 'code'],
      ['deletePropertyOption(property: "used_service", option: "svc3")', 'option'],
      ['deleteProperty(code: "used_service")', 'code'],
      ['deleteSegment(code: "base")', 'code'],
    ];
    for (const [mutation, field] of cases) {
      const error = onlyError(await server.request(`mutation { ${mutation} }`));
      expect({ mutation, ...error.extensions }).toMatchObject({ mutation, code: 'CONFLICT', field, segments: ['story'] });
      expect(error.message).toContain('"story"');
    }
    // Archiving is allowed, and the segment keeps working.
    await server.gql(`mutation { archivePropertyOption(property: "used_service", option: "svc3") { archived } }`);
    expect((await server.gql(`{ segment(code: "story") { size } }`)).segment.size).toBe(5);
    // Options and types no segment names can still go.
    expect((await server.gql(`mutation { deleteRelationshipType(code: "partner") }`)).deleteRelationshipType).toBe(true);
  });
});

describe('Client.segments', () => {
  it('lists every segment a client belongs to now, at a constant cost per page', async () => {
    await createSegment({ code: 'svc1', name: 'Сервис 1', kind: 'DYNAMIC', filter: { property: { code: 'used_service', anyOf: ['svc1'] } } });
    await createSegment({ code: 'moscow', name: 'Москва', kind: 'DYNAMIC', filter: { property: { code: 'region', anyOf: ['moscow'] } } });
    await createSegment({ code: 'list', name: 'Список', kind: 'STATIC' });
    await server.gql(`mutation($ids: [ID!]!) { addSegmentMembers(code: "list", clientIds: $ids) { id } }`, { ids: [ids['Эпсилон']] });
    const query = `query($first: Int) { clients(first: $first) { nodes { name segments { code } } } }`;
    const small = await server.countStatements(() => server.gql(query, { first: 2 }));
    const large = await server.countStatements(() => server.gql(query, { first: 5 }));
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.result.clients.nodes.map((n: any) => [n.name, n.segments.map((s: any) => s.code)])).toEqual([
      ['Альфа', ['svc1', 'moscow']],
      ['Бета', ['svc1']],
      ['Гамма', ['svc1', 'moscow']],
      ['Дельта', ['svc1']],
      ['Эпсилон', ['list']],
    ]);
  });
});

describe('explanations', () => {
  it('mirror the filter, name what the client holds, and give the verdict', async () => {
    const data = await server.gql(
      `query($id: ID!) { explainFilter(clientId: $id, filter: {
        property: { code: "used_service", anyOf: ["svc1"] }
        relationshipType: { notIn: ["partner_client"] }
        or: [{ name: { startsWith: "бет" } }, { contactable: false }]
      }) { matches reason parts { matches reason parts { matches reason } } } }`,
      { id: ids['Гамма'] },
    );
    const explanation = data.explainFilter;
    expect(explanation.matches).toBe(false);
    expect(explanation.reason).toContain('нет');
    const reasons = explanation.parts.map((p: any) => p.reason);
    expect(reasons).toContain('Хотя бы одно условие (or): да');
    expect(reasons).toContain('Тип отношений = Клиент партнёра; notIn [partner_client]: нет');
    expect(reasons).toContain('Используемый сервис = Сервис 1; anyOf [svc1]: да');
    const or = explanation.parts.find((p: any) => p.reason.startsWith('Хотя бы'));
    expect(or.parts.map((p: any) => p.reason)).toEqual([
      'Название = «Гамма»; startsWith «бет»: нет',
      'Связаться нельзя: Тип отношений «Клиент партнёра»: не беспокоить; contactable: false: да',
    ]);
  });

  it('explain a segment, through the segments it uses', async () => {
    await createSegment({ code: 'svc1', name: 'Сервис 1', kind: 'DYNAMIC', filter: { property: { code: 'used_service', anyOf: ['svc1'] } } });
    await createSegment({ code: 'svc1_vip', name: 'VIP с Сервисом 1', kind: 'DYNAMIC', filter: { segment: 'svc1', property: { code: 'vip', anyOf: ['true'] } } });
    const data = await server.gql(`query($a: ID!, $b: ID!) { segment(code: "svc1_vip") {
      yes: explain(clientId: $a) { matches reason parts { reason parts { reason parts { reason } } } }
      no: explain(clientId: $b) { matches parts { parts { reason parts { reason } } } }
    } }`, { a: ids['Альфа'], b: ids['Эпсилон'] });
    expect(data.segment.yes.matches).toBe(true);
    expect(data.segment.yes.reason).toBe('Сегмент «VIP с Сервисом 1» (svc1_vip): входит');
    expect(JSON.stringify(data.segment.yes)).toContain('VIP = Да; anyOf [true]: да');
    expect(data.segment.no.matches).toBe(false);
    expect(JSON.stringify(data.segment.no)).toContain('Используемый сервис: нет значения; anyOf [svc1]: нет');
    const missing = onlyError(await server.request(`{ explainFilter(filter: {}, clientId: "999") { matches } }`));
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'clientId' });
  });
});
