import type { TestServer } from './test-server';
import { createClient } from './factories';

/** The benchmark's seeded generator, so that a population is the same on every run. */
export { seededRandom } from '../../bench/generate-population';
import { seededRandom } from '../../bench/generate-population';

export const NAME_POOL = [
  'Рога и копыта', 'РОГА и Копыта', 'рогатка', 'Ёлка', 'елка-палка', 'ЁЖИК', 'Ежевика', 'Alpha', 'alpha beta', 'ALPHA%',
  'under_score', 'underXscore', '100% кожа', 'Берёза', 'БЕРЕЗА', 'Zeta', 'Ёж и ёлка', 'ООО «Вектор»', 'Вектор плюс', 'vector',
];
export const MANAGER_POOL = [null, 'ivanova', 'Ivanov', 'petrov', 'Пётр', 'петр', 'a_b', 'a%b'];
export const EXTERNAL_POOL = [null, null, '1C-0001', '1c-0002', 'EXT_1', 'ext%2', 'Ё-1'];
export const TYPE_POOL = [null, 'our_client', 'prospect', 'partner', 'partner_client', 'competitor'];
export const SERVICE_POOL = ['svc1', 'svc2', 'svc3'];
export const REGION_POOL = ['moscow', 'spb', 'kazan'];
export const NUMBER_POOL = ['-5', '0', '0.5', '9', '10', '99.99', '1000', '1500000', '250000.5'];
export const DATE_POOL = ['2024-01-31', '2024-02-29', '2025-01-01', '2025-06-15', '2025-12-31', '2026-03-01'];
export const STRING_POOL = ['Розница', 'розница', 'ИТ', 'Производство', 'Ёлочные игрушки', 'елочные', 'a%b', 'x_y', 'Строй'];
export const TAG_POOL = ['ключевой', 'Ключевой', 'тендер', 'ёмкий', 'емкий', 'vip', 'VIP', '50%'];

export interface PopulationClient {
  id: string;
  name: string;
  manager: string | null;
  externalId: string | null;
  doNotContact: boolean;
  relationshipType: { code: string; contactPolicy: string } | null;
  values: Record<string, string[]>;
  createdAt: string;
  updatedAt: string;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function some<T>(random: () => number, items: readonly T[], max: number): T[] {
  const count = Math.floor(random() * (max + 1));
  return [...new Set(Array.from({ length: count }, () => pick(random, items)))];
}

/**
 * Clients with random types and values of every value type (some with none at all), written through
 * the API; one option is archived afterwards, so filters meet an archived option that clients hold.
 */
export async function createPopulation(server: TestServer, size: number, seed: number): Promise<PopulationClient[]> {
  const random = seededRandom(seed);
  for (let i = 0; i < size; i++) {
    const maybe = (values: string[]) => (random() < 0.3 ? [] : values);
    const properties = [
      { code: 'used_service', values: maybe(some(random, SERVICE_POOL, 3)) },
      { code: 'region', values: maybe([pick(random, REGION_POOL)]) },
      { code: 'revenue', values: maybe([pick(random, NUMBER_POOL)]) },
      { code: 'contract_until', values: maybe([pick(random, DATE_POOL)]) },
      { code: 'vip', values: maybe([pick(random, ['true', 'false'])]) },
      { code: 'industry', values: maybe([pick(random, STRING_POOL)]) },
      { code: 'tags', values: maybe(some(random, TAG_POOL, 3)) },
      { code: 'scores', values: maybe(some(random, NUMBER_POOL, 3)) },
      { code: 'visits', values: maybe(some(random, DATE_POOL, 3)) },
    ].filter((p) => p.values.length > 0);
    const externalId = pick(random, EXTERNAL_POOL);
    await createClient(server, {
      name: pick(random, NAME_POOL),
      manager: pick(random, MANAGER_POOL),
      externalId: externalId === null ? null : `${externalId}-${i}`,
      doNotContact: random() < 0.15,
      relationshipType: pick(random, TYPE_POOL),
      properties,
    });
  }
  await server.gql(`mutation { archivePropertyOption(property: "used_service", option: "svc3") { id } }`);
  return readPopulation(server);
}

export async function readPopulation(server: TestServer): Promise<PopulationClient[]> {
  const clients: PopulationClient[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await server.gql(
      `query($after: String) { clients(first: 500, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id name manager externalId doNotContact relationshipType { code contactPolicy }
                properties { property { code } values } createdAt updatedAt }
      } }`,
      { after },
    );
    for (const node of data.clients.nodes) {
      const values: Record<string, string[]> = {};
      for (const p of node.properties) values[p.property.code] = p.values;
      clients.push({ ...node, values });
    }
    if (!data.clients.pageInfo.hasNextPage) return clients;
    after = data.clients.pageInfo.endCursor;
  }
}
