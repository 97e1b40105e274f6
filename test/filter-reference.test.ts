import fc from 'fast-check';
import { defineStory } from './helpers/factories';
import { createPopulation, type PopulationClient } from './helpers/population';
import { filterArbitrary, PROPERTY_TYPES, referenceMatches } from './helpers/reference-filter';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
let clients: PopulationClient[];

beforeAll(async () => {
  server = await startTestServer();
  await defineStory(server);
  clients = await createPopulation(server, 160, 20261204);
}, 60000);
afterAll(() => server.close());

const FILTERED = `query($filter: ClientFilter) {
  clients(filter: $filter, first: 500) { totalCount nodes { id } }
}`;

async function matchingIds(filter: unknown): Promise<{ ids: string[]; total: number }> {
  const data = await server.gql(FILTERED, { filter });
  return { ids: data.clients.nodes.map((n: any) => n.id).sort(), total: data.clients.totalCount };
}

describe('ClientFilter against a reference evaluator', () => {
  it('matches the same clients as the reference, and F with not F splits all clients, on 1,000 random filters', async () => {
    const all = clients.map((c) => c.id).sort();
    await fc.assert(
      fc.asyncProperty(filterArbitrary(clients), async (filter) => {
        const expected = clients.filter((c) => referenceMatches(filter, c)).map((c) => c.id).sort();
        const matched = await matchingIds(filter);
        expect(matched.ids).toEqual(expected);
        expect(matched.total).toBe(expected.length);
        const complement = await matchingIds({ not: filter });
        expect(complement.total + matched.total).toBe(all.length);
        expect([...complement.ids, ...matched.ids].sort()).toEqual(all);
      }),
      { numRuns: 1000 },
    );
  }, 240000);

  it('counts facets and relationship types inside the filtered set exactly, on 150 random filters', async () => {
    const codes = Object.keys(PROPERTY_TYPES);
    const typeCodes = ['our_client', 'prospect', 'partner', 'partner_client', 'competitor'];
    await fc.assert(
      fc.asyncProperty(filterArbitrary(clients), async (filter) => {
        const selected = clients.filter((c) => referenceMatches(filter, c));
        const data = await server.gql(
          `query($filter: ClientFilter, $codes: [String!]!) { clients(filter: $filter, first: 1) {
            facets(properties: $codes) { property { code } missing buckets { value count option { code } } }
            relationshipTypeCounts { relationshipType { code } count }
          } }`,
          { filter, codes },
        );
        for (const facet of data.clients.facets) {
          const code = facet.property.code;
          const held = selected.map((c) => c.values[code] ?? []);
          expect(facet.missing).toBe(held.filter((v) => v.length === 0).length);
          for (const bucket of facet.buckets) {
            expect({ code, value: bucket.value, count: bucket.count }).toEqual({
              code,
              value: bucket.value,
              count: held.filter((v) => v.includes(bucket.value)).length,
            });
          }
          const { type, pool } = PROPERTY_TYPES[code];
          const present = [...new Set(held.flat())];
          if (type === 'ENUM') {
            // Active options in option order, zero counts included; the archived svc3 only when held.
            const listed = facet.buckets.map((b: any) => b.value);
            const expectedList = pool.filter((v) => v !== 'svc3' || present.includes('svc3'));
            expect(listed).toEqual(expectedList);
            expect(facet.buckets.every((b: any) => b.option?.code === b.value)).toBe(true);
          } else if (type === 'BOOLEAN') {
            expect(facet.buckets.map((b: any) => b.value)).toEqual(['true', 'false']);
          } else {
            expect(facet.buckets.map((b: any) => b.value).sort()).toEqual(present.sort());
            const counts = facet.buckets.map((b: any) => b.count);
            expect(counts).toEqual([...counts].sort((a, b) => b - a));
          }
        }
        const typeCounts = data.clients.relationshipTypeCounts.map((r: any) => [r.relationshipType?.code ?? null, r.count]);
        expect(typeCounts).toEqual([
          ...typeCodes.map((code) => [code, selected.filter((c) => c.relationshipType?.code === code).length]),
          [null, selected.filter((c) => c.relationshipType === null).length],
        ]);
      }),
      { numRuns: 150 },
    );
  }, 120000);
});
