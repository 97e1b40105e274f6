import { loadDemoData } from '../src/db/demo-data';
import { startTestServer, type TestServer } from './helpers/test-server';

/** The seed's story, told by the demo company and read back only through GraphQL over HTTP. */

interface PropertyValueRead {
  property: { code: string; valueType: string };
  values: string[];
  options: { code: string; label: string }[];
  display: string;
}

interface ClientRead {
  id: string;
  externalId: string | null;
  name: string;
  manager: string | null;
  phone: string | null;
  email: string | null;
  doNotContact: boolean;
  relationshipType: { code: string; name: string } | null;
  contact: { allowed: boolean; reason: string | null };
  usedService: { values: string[]; display: string } | null;
  properties: PropertyValueRead[];
}

const CLIENT_FIELDS = `
  id externalId name manager phone email doNotContact
  relationshipType { code name }
  contact { allowed reason }
  usedService: property(code: "used_service") { values display }
  properties { property { code valueType } values options { code label } display }
`;

async function startDemoServer(): Promise<TestServer> {
  const server = await startTestServer();
  loadDemoData(server.db);
  return server;
}

/** Every client, page by page, as a script would read a segment. */
async function allClients(server: TestServer): Promise<ClientRead[]> {
  const clients: ClientRead[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { clients: { nodes: ClientRead[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
      await server.gql(
        `query($after: String) { clients(first: 500, after: $after) { nodes { ${CLIENT_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
    clients.push(...data.clients.nodes);
    if (!data.clients.pageInfo.hasNextPage) return clients;
    after = data.clients.pageInfo.endCursor;
  }
}

let server: TestServer;
let clients: ClientRead[];

beforeAll(async () => {
  server = await startDemoServer();
  clients = await allClients(server);
});
afterAll(() => server.close());

const valueOf = (client: ClientRead, code: string) => client.properties.find((value) => value.property.code === code);

describe('the demo company tells the seed\'s story', () => {
  it('has a few hundred clients', () => {
    expect(clients.length).toBeGreaterThanOrEqual(200);
    expect(new Set(clients.map((client) => client.id)).size).toBe(clients.length);
  });

  it('knows the partner\'s client as a relationship type nobody may call, with a briefing', async () => {
    const { relationshipTypes } = await server.gql(`{ relationshipTypes { code name contactPolicy briefing clientCount } }`);
    const partnerClient = relationshipTypes.find((type: { name: string }) => type.name === 'Клиент партнёра');
    expect(partnerClient).toMatchObject({ code: 'partner_client', contactPolicy: 'DO_NOT_CONTACT' });
    expect(partnerClient.briefing).toEqual(expect.stringMatching(/\S/));
    expect(partnerClient.clientCount).toBeGreaterThan(0);
    expect(partnerClient.clientCount).toBe(clients.filter((client) => client.relationshipType?.code === 'partner_client').length);
  });

  it('records used services as a multi-valued ENUM with «Сервис 1» and «Сервис 2»', async () => {
    const { property } = await server.gql(`{ property(code: "used_service") { valueType multiple options { code label } } }`);
    expect(property).toMatchObject({ valueType: 'ENUM', multiple: true });
    const codes = property.options.map((option: { code: string }) => option.code);
    expect(property.options).toEqual(
      expect.arrayContaining([
        { code: 'service_1', label: 'Сервис 1' },
        { code: 'service_2', label: 'Сервис 2' },
      ]),
    );
    expect(codes.indexOf('service_1')).toBeLessThan(codes.indexOf('service_2'));
  });

  it('has clients holding both services, whose card shows both labels in option order', () => {
    const both = clients.filter(
      (client) => client.usedService?.values.includes('service_1') && client.usedService.values.includes('service_2'),
    );
    expect(both.length).toBeGreaterThan(1);
    for (const client of both) {
      const labels = client.usedService!.display.split(', ');
      expect(labels).toContain('Сервис 1');
      expect(labels).toContain('Сервис 2');
      expect(labels.indexOf('Сервис 1')).toBeLessThan(labels.indexOf('Сервис 2'));
      // The card's list and the single-property read agree.
      const card = valueOf(client, 'used_service')!;
      expect(card.display).toBe(client.usedService!.display);
      expect(card.display).toBe(card.options.map((option) => option.label).join(', '));
      expect(card.values).toEqual(card.options.map((option) => option.code));
    }
  });

  it('says a partner\'s client may not be contacted, naming the relationship type', () => {
    const partnersClients = clients.filter((client) => client.relationshipType?.code === 'partner_client');
    expect(partnersClients.length).toBeGreaterThan(0);
    for (const client of partnersClients) {
      expect(client.contact.allowed).toBe(false);
      expect(client.contact.reason).toContain('Клиент партнёра');
    }
    const clientB = clients.find((client) => client.name === 'ИП Ёлкин А. В.');
    expect(clientB).toMatchObject({ relationshipType: { code: 'partner_client' }, contact: { allowed: false } });
  });

  it('shows «Рога и копыта» on a card that reads well in Russian', async () => {
    const listed = clients.find((client) => client.name === 'Рога и копыта');
    expect(listed).toBeDefined();
    const { client } = await server.gql(
      `query($id: ID!) { client(id: $id) {
        name relationshipType { name } contact { allowed reason }
        properties { property { code name } values display }
      } }`,
      { id: listed!.id },
    );
    expect(client).toMatchObject({ name: 'Рога и копыта', relationshipType: { name: 'Наш клиент' }, contact: { allowed: true, reason: null } });
    const display = Object.fromEntries(client.properties.map((value: { property: { code: string }; display: string }) => [value.property.code, value.display]));
    expect(display).toMatchObject({
      used_service: 'Сервис 1, Сервис 2',
      contract_until: '31.12.2026',
      vip: 'Да',
      region: 'Москва',
      industry: 'Оптовая торговля',
    });
    for (const value of client.properties) {
      expect(value.property.name).toMatch(/[А-Яа-яЁё]|VIP/);
      expect(value.display).not.toBe('');
    }
  });

  it('writes every value for people: Да/Нет, dates as DD.MM.YYYY, labels rather than codes', () => {
    const booleans = new Set<string>();
    for (const client of clients) {
      for (const value of client.properties) {
        switch (value.property.valueType) {
          case 'BOOLEAN':
            expect(value.display).toBe(value.values[0] === 'true' ? 'Да' : 'Нет');
            booleans.add(value.display);
            break;
          case 'DATE':
            expect(value.display).toBe(value.values.map((date) => date.split('-').reverse().join('.')).join(', '));
            expect(value.display).toMatch(/^\d{2}\.\d{2}\.\d{4}(, \d{2}\.\d{2}\.\d{4})*$/);
            break;
          case 'ENUM':
            expect(value.display).toBe(value.options.map((option) => option.label).join(', '));
            break;
          default:
            expect(value.display).toBe(value.values.join(', '));
        }
      }
    }
    expect([...booleans].sort()).toEqual(['Да', 'Нет']);
  });

  it('holds a value of every property value type', async () => {
    const { __type } = await server.gql(`{ __type(name: "PropertyValueType") { enumValues { name } } }`);
    const everyType = __type.enumValues.map((value: { name: string }) => value.name).sort();
    expect(everyType).toEqual(['BOOLEAN', 'DATE', 'ENUM', 'NUMBER', 'STRING']);
    const held = new Set(clients.flatMap((client) => client.properties.map((value) => value.property.valueType)));
    expect([...held].sort()).toEqual(everyType);
  });

  it('is the same company on every machine: two fresh servers hold the same clients and values', async () => {
    const snapshot = (list: ClientRead[]) =>
      list.map(({ name, externalId, manager, phone, email, doNotContact, relationshipType, properties }) => ({
        name,
        externalId,
        manager,
        phone,
        email,
        doNotContact,
        relationshipType: relationshipType?.code ?? null,
        properties: properties.map((value) => ({ code: value.property.code, values: value.values })),
      }));
    const first = await startDemoServer();
    const second = await startDemoServer();
    try {
      const [a, b] = [snapshot(await allClients(first)), snapshot(await allClients(second))];
      expect(a.length).toBe(clients.length);
      expect(b).toEqual(a);
      // The saved segments too, the STATIC snapshot's members included.
      const segments = `{ segments { code name description kind filter size clients(first: 500) { nodes { name } } } }`;
      const [segmentsA, segmentsB] = [await first.gql(segments), await second.gql(segments)];
      expect(segmentsA.segments.length).toBeGreaterThan(0);
      expect(segmentsB).toEqual(segmentsA);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

/** What the demo's saved segments should hold, read independently from the client list. */
const SEGMENT_MEMBERS: Record<string, { kind: 'DYNAMIC' | 'STATIC'; member: (client: ClientRead) => boolean }> = {
  offer_service_2: {
    kind: 'DYNAMIC',
    member: (client) => !!client.usedService?.values.includes('service_1') && !client.usedService.values.includes('service_2'),
  },
  vip_moscow: {
    kind: 'DYNAMIC',
    member: (client) => valueOf(client, 'vip')?.values[0] === 'true' && valueOf(client, 'region')?.values[0] === 'moscow',
  },
  partner_clients: { kind: 'DYNAMIC', member: (client) => client.relationshipType?.code === 'partner_client' },
  service_1_users: { kind: 'DYNAMIC', member: (client) => !!client.usedService?.values.includes('service_1') },
  new_year_campaign: {
    kind: 'STATIC',
    member: (client) => !!valueOf(client, 'tags')?.values.some((tag) => tag === 'Ёлка' || tag === 'новогодняя акция'),
  },
};

interface CallListEntryRead {
  client: {
    id: string;
    name: string;
    doNotContact: boolean;
    relationshipType: { code: string; name: string; briefing: string | null } | null;
    contact: { allowed: boolean };
    properties: { property: { code: string; name: string; showInBriefing: boolean }; values: string[]; display: string }[];
  };
  briefing: string[];
}

interface CallListPage {
  totalCount: number;
  excludedCount: number;
  excluded: { code: string; reason: string; count: number }[];
  nodes: CallListEntryRead[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const CALL_LIST_PAGE = `query($segment: String, $after: String) {
  callList(segment: $segment, first: 50, after: $after) {
    totalCount excludedCount excluded { code reason count }
    nodes {
      client {
        id name doNotContact
        relationshipType { code name briefing }
        contact { allowed }
        properties { property { code name showInBriefing } values display }
      }
      briefing
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Every page of a segment's call list, 50 at a time, as a manager's tool would read it. */
async function wholeCallList(segment: string): Promise<{ pages: CallListPage[]; entries: CallListEntryRead[] }> {
  const pages: CallListPage[] = [];
  let after: string | null = null;
  for (;;) {
    const { callList }: { callList: CallListPage } = await server.gql(CALL_LIST_PAGE, { segment, after });
    pages.push(callList);
    if (!callList.pageInfo.hasNextPage) return { pages, entries: pages.flatMap((page) => page.nodes) };
    after = callList.pageInfo.endCursor;
  }
}

describe('the demo company\'s saved segments and call list', () => {
  const byName = (name: string) => {
    const found = clients.find((client) => client.name === name);
    expect(found).toBeDefined();
    return found!;
  };

  it('lists the story\'s segments, none empty, each holding exactly the clients its definition says', async () => {
    const { segments } = await server.gql(`{ segments { code name description kind size filter } }`);
    expect(segments.map((segment: { code: string }) => segment.code)).toEqual(Object.keys(SEGMENT_MEMBERS));
    for (const segment of segments) {
      const expected = SEGMENT_MEMBERS[segment.code];
      expect(segment.kind).toBe(expected.kind);
      expect(segment.name).toMatch(/[А-Яа-яЁё]/);
      expect(segment.description).toMatch(/[А-Яа-яЁё]/);
      expect(segment.filter === null).toBe(segment.kind === 'STATIC');
      expect(segment.size).toBeGreaterThan(0);
      expect(segment.size).toBe(clients.filter(expected.member).length);
    }
    // The STATIC campaign is a snapshot taken with the tags filter: Ёлка-Маркет is in it.
    const { segment } = await server.gql(
      `{ segment(code: "new_year_campaign") { kind filter clients(first: 500) { totalCount nodes { id } } } }`,
    );
    expect(segment).toMatchObject({ kind: 'STATIC', filter: null });
    expect(segment.clients.nodes.map((node: { id: string }) => node.id)).toContain(byName('Ёлка-Маркет').id);
  });

  it('leaves every partner\'s client and every client who asked not to be called out of the Service 1 call list, and says why', async () => {
    const members = clients.filter(SEGMENT_MEMBERS.service_1_users.member);
    const partnersClients = members.filter((client) => client.relationshipType?.code === 'partner_client');
    const askedNot = members.filter((client) => client.doNotContact);
    // The story needs both kinds of exclusion in this segment.
    expect(partnersClients.length).toBeGreaterThan(0);
    expect(askedNot.length).toBeGreaterThan(0);

    const { segment } = await server.gql(`{ segment(code: "service_1_users") { size } }`);
    const { pages, entries } = await wholeCallList('service_1_users');
    const [first] = pages;
    expect(first.excludedCount + first.totalCount).toBe(segment.size);
    expect(first.excludedCount).toBe(members.filter((client) => !client.contact.allowed).length);
    expect(first.excluded).toEqual(
      expect.arrayContaining([
        { code: 'relationship_type:partner_client', reason: 'Тип отношений «Клиент партнёра»: не беспокоить', count: partnersClients.length },
        { code: 'do_not_contact', reason: 'Клиент просил не беспокоить', count: askedNot.length },
      ]),
    );
    for (const reason of first.excluded) expect(reason.count).toBeGreaterThan(0);
    // Every page agrees on the counts.
    for (const page of pages) {
      expect(page).toMatchObject({ totalCount: first.totalCount, excludedCount: first.excludedCount, excluded: first.excluded });
    }

    // Paging through shows every contactable member once, in name order, and nobody else.
    expect(pages.length).toBeGreaterThan(1);
    expect(entries).toHaveLength(first.totalCount);
    expect(new Set(entries.map((entry) => entry.client.id)).size).toBe(entries.length);
    for (const entry of entries) {
      expect(entry.client.contact.allowed).toBe(true);
      expect(entry.client.doNotContact).toBe(false);
      expect(entry.client.relationshipType?.code).not.toBe('partner_client');
    }
    const expectedIds = members.filter((client) => client.contact.allowed).map((client) => client.id);
    expect(entries.map((entry) => entry.client.id)).toEqual(expectedIds);
  });

  it('briefs each call: the relationship type first, then the briefing properties the client holds, in words rather than codes', async () => {
    const { properties } = await server.gql(`{ properties { code valueType showInBriefing options(includeArchived: true) { code } } }`);
    const codes: string[] = properties.flatMap((property: { code: string; options: { code: string }[] }) => [
      property.code,
      ...property.options.map((option) => option.code),
    ]);
    const word = (code: string) => new RegExp(`(^|[^A-Za-z0-9_])${code.replace(/[-]/g, '\\-')}([^A-Za-z0-9_]|$)`);

    const { entries } = await wholeCallList('service_1_users');
    expect(entries.length).toBeGreaterThan(0);
    for (const { client, briefing } of entries) {
      const type = client.relationshipType;
      expect(briefing[0]).toBe(type ? `Тип отношений: ${type.name}${type.briefing ? ` — ${type.briefing}` : ''}` : 'Тип отношений не указан');
      const services = client.properties.find((value) => value.property.code === 'used_service');
      expect(services).toBeDefined();
      expect(briefing).toContain(`Используемый сервис: ${services!.display}`);
      expect(services!.display).toContain('Сервис 1');
      // The rest are exactly the client's properties marked for the briefing, in card order.
      expect(briefing.slice(1)).toEqual(
        client.properties.filter((value) => value.property.showInBriefing).map((value) => `${value.property.name}: ${value.display}`),
      );
      for (const line of briefing) {
        expect(line).not.toMatch(/\b(true|false)\b/);
        for (const code of codes) expect(line).not.toMatch(word(code));
      }
    }
    // «Рога и копыта» is briefed as the seed's Client A: both services, VIP.
    const clientA = entries.find((entry) => entry.client.name === 'Рога и копыта');
    expect(clientA?.briefing).toEqual([
      'Тип отношений: Наш клиент — Уже работает с нами: говорите о сервисах, которыми пользуется, не предлагайте их заново.',
      'Используемый сервис: Сервис 1, Сервис 2',
      'VIP: Да',
      'Отрасль: Оптовая торговля',
    ]);
  });

  it('explains why a partner\'s client belongs to «Клиенты партнёров», in words', async () => {
    const clientB = byName('ИП Ёлкин А. В.');
    const { segment } = await server.gql(
      `query($id: ID!) { segment(code: "partner_clients") { explain(clientId: $id) { matches reason parts { matches reason parts { reason } } } } }`,
      { id: clientB.id },
    );
    expect(segment.explain.matches).toBe(true);
    expect(segment.explain.reason).toContain('Клиенты партнёров');
    expect(segment.explain.reason).toContain('входит');
    expect(segment.explain.reason).not.toContain('не входит');
    expect(segment.explain.parts).toHaveLength(1);
    expect(segment.explain.parts[0]).toMatchObject({ matches: true, parts: [] });
    expect(segment.explain.parts[0].reason).toContain('Тип отношений = Клиент партнёра');
    expect(segment.explain.parts[0].reason).toMatch(/: да$/);

    // And why «Рога и копыта», our own client, does not.
    const { segment: other } = await server.gql(
      `query($id: ID!) { segment(code: "partner_clients") { explain(clientId: $id) { matches reason parts { matches reason } } } }`,
      { id: byName('Рога и копыта').id },
    );
    expect(other.explain.matches).toBe(false);
    expect(other.explain.reason).toContain('не входит');
    expect(other.explain.parts[0]).toMatchObject({ matches: false });
    expect(other.explain.parts[0].reason).toContain('Тип отношений = Наш клиент');
    expect(other.explain.parts[0].reason).toMatch(/: нет$/);
  });

  it('lists on «Рога и копыта»\'s card the segments it belongs to, and each segment agrees', async () => {
    const clientA = byName('Рога и копыта');
    const expected = Object.keys(SEGMENT_MEMBERS).filter((code) => SEGMENT_MEMBERS[code].member(clientA));
    expect(expected).toEqual(['vip_moscow', 'service_1_users']);
    const { client } = await server.gql(
      `query($id: ID!) { client(id: $id) { segments { code name kind } } }`,
      { id: clientA.id },
    );
    expect(client.segments).toEqual([
      { code: 'vip_moscow', name: 'VIP-клиенты в Москве', kind: 'DYNAMIC' },
      { code: 'service_1_users', name: 'Пользователи Сервиса 1', kind: 'DYNAMIC' },
    ]);
    for (const code of Object.keys(SEGMENT_MEMBERS)) {
      const { segment } = await server.gql(
        `query($code: String!, $id: ID!) { segment(code: $code) { explain(clientId: $id) { matches } } }`,
        { code, id: clientA.id },
      );
      expect(segment.explain.matches).toBe(expected.includes(code));
    }
  });
});
