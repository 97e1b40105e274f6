import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { loadDemoData } from '../src/db/demo-data';
import { readExampleOperations } from '../src/graphiql';
import { buildSchema } from '../src/schema';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * The operations GraphiQL opens with (examples/*.graphql, read by the same function as the page)
 * run against the demo company and answer what their comments promise, so they never go stale.
 */

const examples = readExampleOperations();

const operations = examples.flatMap(({ file, document }) =>
  parse(document)
    .definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ file, document, name: operation.name?.value })),
);

interface Named {
  name: string;
}

/** What each example must show on the demo company, by operation name. */
const EXPECTED: Record<string, (data: any) => void> = {
  ClientCard(data) {
    const card = data.clientByExternalId;
    expect(card.name).toBe('Рога и копыта');
    expect(card.relationshipType.name).toBe('Наш клиент');
    expect(card.properties).toContainEqual({ property: { name: 'Используемый сервис' }, display: 'Сервис 1, Сервис 2' });
    expect(card.segments.map((segment: { code: string }) => segment.code)).toEqual(['vip_moscow', 'service_1_users']);
    expect(data.clients.nodes.map((client: Named) => client.name)).toEqual(['Рога и копыта']);
  },
  UsesService1NotService2(data) {
    expect(data.clients.totalCount).toBeGreaterThan(10);
    expect(data.clients.nodes).toHaveLength(10);
    for (const client of data.clients.nodes) {
      expect(client.property.display).toContain('Сервис 1');
      expect(client.property.display).not.toContain('Сервис 2');
      expect(client.relationshipType?.name).not.toBe('Клиент партнёра');
    }
  },
  FacetsByRegion(data) {
    const { totalCount, facets, relationshipTypeCounts } = data.clients;
    const [region, industry] = facets;
    expect(region.property.name).toBe('Регион');
    expect(industry.property.name).toBe('Отрасль');
    expect(region.buckets.find((bucket: { value: string }) => bucket.value === 'moscow')).toMatchObject({ option: { label: 'Москва' } });
    // Region holds one value per client, so its buckets and the missing ones add up to the whole set.
    const regionSum = region.buckets.reduce((sum: number, bucket: { count: number }) => sum + bucket.count, region.missing);
    expect(regionSum).toBe(totalCount);
    const ourClients = relationshipTypeCounts.find((entry: { relationshipType: Named | null }) => entry.relationshipType?.name === 'Наш клиент');
    expect(ourClients.count).toBe(totalCount);
  },
  CallListOfService1Users(data) {
    const callList = data.callList;
    expect(callList.totalCount).toBeGreaterThan(0);
    expect(callList.excludedCount).toBeGreaterThan(0);
    expect(callList.excluded.map((reason: { code: string }) => reason.code)).toContain('relationship_type:partner_client');
    expect(callList.nodes).toHaveLength(10);
    for (const entry of callList.nodes) {
      expect(entry.briefing[0]).toMatch(/^Тип отношений/);
      expect(entry.briefing.join('\n')).toMatch(/Используемый сервис: .*Сервис 1/);
    }
  },
  BulkUpdatePreview(data) {
    expect(data.clients.totalCount).toBeGreaterThan(0);
    expect(data.clients.nodes.length).toBeGreaterThan(0);
  },
};

/** An operation left commented out in an example: from a `# mutation …` or `# query …` line to the end of that comment. */
function commentedOutOperations(document: string): string[] {
  const found: string[] = [];
  let current: string[] | null = null;
  for (const line of document.split('\n')) {
    const comment = /^\s*#\s?(.*)$/.exec(line);
    if (!comment) {
      if (current) found.push(current.join('\n'));
      current = null;
    } else if (current) {
      current.push(comment[1]);
    } else if (/^(mutation|query)\b/.test(comment[1])) {
      current = [comment[1]];
    }
  }
  if (current) found.push(current.join('\n'));
  return found;
}

describe('the example operations GraphiQL opens with', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    loadDemoData(server.db);
  });

  afterAll(async () => {
    await server.close();
  });

  it('are read from examples/, one named operation a file (a tab runs it with one click) that this test knows what to expect of', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(operations.map((operation) => operation.file)).toEqual(examples.map((example) => example.file));
    for (const operation of operations) {
      expect(operation.name).toBeDefined();
      expect(Object.keys(EXPECTED)).toContain(operation.name);
    }
    expect(operations.map((operation) => operation.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(operations.map((operation) => [operation.name, operation.file, operation] as const))(
    '%s (%s) answers the demo company with data and no errors',
    async (name, _file, { document }) => {
      const response = await server.request(document, undefined, { token: server.tokenFor('VIEWER', 'analyst') });
      expect(response.errors).toBeUndefined();
      EXPECTED[name!](response.data);
    },
  );

  it('keeps the commented-out bulk update valid against the schema', () => {
    const commented = examples.flatMap(({ file, document }) => commentedOutOperations(document).map((text) => ({ file, text })));
    expect(commented.map(({ file }) => file)).toContain('05-bulk-update.graphql');
    const schema = buildSchema();
    for (const { text } of commented) {
      expect(validate(schema, parse(text)).map((error) => error.message)).toEqual([]);
    }
  });
});
