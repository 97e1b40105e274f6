import type { TestServer } from './test-server';

export const CLIENT_FIELDS = `
  id externalId name manager phone email doNotContact
  relationshipType { code name contactPolicy }
  contact { allowed reason }
  properties { property { code } values options { code label } display }
  createdAt updatedAt
`;

/** The seed's story as definitions: relationship types, two property sets, a property of every type. */
export async function defineStory(server: TestServer): Promise<void> {
  const types = [
    { code: 'our_client', name: 'Наш клиент', briefing: 'Работаем с ним: говорим на ином уровне' },
    { code: 'prospect', name: 'Потенциальный клиент' },
    { code: 'partner', name: 'Партнёр' },
    {
      code: 'partner_client',
      name: 'Клиент партнёра',
      contactPolicy: 'DO_NOT_CONTACT',
      briefing: 'Клиент нашего партнёра: не беспокоим',
    },
    { code: 'competitor', name: 'Конкурент' },
  ];
  for (const input of types) {
    await server.gql(`mutation($input: RelationshipTypeInput!) { createRelationshipType(input: $input) { id } }`, { input });
  }
  for (const input of [
    { code: 'services', name: 'Сервисы' },
    { code: 'profile', name: 'Профиль клиента' },
  ]) {
    await server.gql(`mutation($input: PropertySetInput!) { createPropertySet(input: $input) { id } }`, { input });
  }
  const propertyInputs = [
    {
      set: 'services',
      code: 'used_service',
      name: 'Используемый сервис',
      valueType: 'ENUM',
      multiple: true,
      showInBriefing: true,
      options: [
        { code: 'svc1', label: 'Сервис 1' },
        { code: 'svc2', label: 'Сервис 2' },
        { code: 'svc3', label: 'Сервис 3' },
      ],
    },
    {
      set: 'profile',
      code: 'region',
      name: 'Регион',
      valueType: 'ENUM',
      options: [
        { code: 'moscow', label: 'Москва' },
        { code: 'spb', label: 'Санкт-Петербург' },
        { code: 'kazan', label: 'Казань' },
      ],
    },
    { set: 'profile', code: 'revenue', name: 'Годовая выручка', valueType: 'NUMBER' },
    { set: 'profile', code: 'contract_until', name: 'Договор до', valueType: 'DATE' },
    { set: 'profile', code: 'vip', name: 'VIP', valueType: 'BOOLEAN', showInBriefing: true },
    { set: 'profile', code: 'industry', name: 'Отрасль', valueType: 'STRING' },
    { set: 'profile', code: 'tags', name: 'Метки', valueType: 'STRING', multiple: true },
    { set: 'profile', code: 'scores', name: 'Оценки', valueType: 'NUMBER', multiple: true },
    { set: 'profile', code: 'visits', name: 'Визиты', valueType: 'DATE', multiple: true },
  ];
  for (const input of propertyInputs) {
    await server.gql(`mutation($input: PropertyInput!) { createProperty(input: $input) { id } }`, { input });
  }
}

export interface ClientInputLike {
  name: string;
  externalId?: string | null;
  manager?: string | null;
  phone?: string | null;
  email?: string | null;
  doNotContact?: boolean;
  relationshipType?: string | null;
  properties?: Array<{ code: string; values: string[] }>;
}

export async function createClient(server: TestServer, input: ClientInputLike): Promise<any> {
  const data = await server.gql(`mutation($input: ClientInput!) { createClient(input: $input) { ${CLIENT_FIELDS} } }`, { input });
  return data.createClient;
}
