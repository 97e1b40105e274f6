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
    } finally {
      await first.close();
      await second.close();
    }
  });
});
