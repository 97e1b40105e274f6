import fc from 'fast-check';
import { defineStory } from './helpers/factories';
import { createPopulation, type PopulationClient } from './helpers/population';
import { filterArbitrary, PROPERTY_TYPES, referenceMatches, type ReferenceSegments } from './helpers/reference-filter';
import { startTestServer, type TestServer } from './helpers/test-server';

let server: TestServer;
let clients: PopulationClient[];
const segments: ReferenceSegments = {};

beforeAll(async () => {
  server = await startTestServer();
  await defineStory(server);
  clients = await createPopulation(server, 160, 20261204);
  // Saved segments, so that generated filters also meet `segment:` of both kinds and of segments in segments.
  segments.svc1_or_untyped = { filter: { or: [{ property: { code: 'used_service', anyOf: ['svc1'] } }, { relationshipType: { isNull: true } }] } };
  segments.contactable_svc1 = { filter: { contactable: true, segment: 'svc1_or_untyped' } };
  segments.every_third = { members: clients.filter((_, i) => i % 3 === 0).map((c) => c.id) };
  for (const [code, { filter }] of Object.entries(segments)) {
    await server.gql(`mutation($input: SegmentInput!) { createSegment(input: $input) { id } }`, {
      input: { code, name: code, kind: filter ? 'DYNAMIC' : 'STATIC', filter },
    });
  }
  await server.gql(`mutation($ids: [ID!]!) { addSegmentMembers(code: "every_third", clientIds: $ids) { id } }`, { ids: segments.every_third.members });
}, 60000);

const SEGMENT_CODES = ['svc1_or_untyped', 'contactable_svc1', 'every_third'];
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
      fc.asyncProperty(filterArbitrary(clients, SEGMENT_CODES), async (filter) => {
        const expected = clients.filter((c) => referenceMatches(filter, c, segments)).map((c) => c.id).sort();
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
      fc.asyncProperty(filterArbitrary(clients, SEGMENT_CODES), async (filter) => {
        const selected = clients.filter((c) => referenceMatches(filter, c, segments));
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

  it('pages through every filtered set in every order without skipping or repeating, on 100 random filters', async () => {
    const fold = (text: string) => Buffer.from(text.toLowerCase().replace(/ё/g, 'е'));
    const regionRank = (v: string) => ['moscow', 'spb', 'kazan'].indexOf(v);
    const orders: Array<{ order: unknown; key: (c: PopulationClient) => number | string | Buffer | null; desc: boolean }> = [
      { order: null, key: (c) => fold(c.name), desc: false },
      { order: [{ field: 'NAME', direction: 'DESC' }], key: (c) => fold(c.name), desc: true },
      { order: [{ field: 'PROPERTY', property: 'revenue' }], key: (c) => (c.values.revenue ? Number(c.values.revenue[0]) : null), desc: false },
      { order: [{ field: 'PROPERTY', property: 'revenue', direction: 'DESC' }], key: (c) => (c.values.revenue ? Number(c.values.revenue[0]) : null), desc: true },
      { order: [{ field: 'PROPERTY', property: 'region', direction: 'DESC' }], key: (c) => (c.values.region ? regionRank(c.values.region[0]) : null), desc: true },
      { order: [{ field: 'PROPERTY', property: 'contract_until' }], key: (c) => c.values.contract_until?.[0] ?? null, desc: false },
      { order: [{ field: 'CREATED_AT', direction: 'DESC' }], key: (c) => Date.parse(c.createdAt), desc: true },
    ];
    const compareKeys = (a: any, b: any) => (Buffer.isBuffer(a) ? Buffer.compare(a, b) : a < b ? -1 : a > b ? 1 : 0);
    await fc.assert(
      fc.asyncProperty(filterArbitrary(clients, SEGMENT_CODES), fc.constantFrom(...orders), fc.integer({ min: 1, max: 40 }), async (filter, { order, key, desc }, first) => {
        const expected = clients
          .filter((c) => referenceMatches(filter, c, segments))
          .sort((a, b) => {
            const [ka, kb] = [key(a), key(b)];
            if (ka === null || kb === null) return ka === kb ? Number(a.id) - Number(b.id) : ka === null ? 1 : -1;
            const c = compareKeys(ka, kb);
            return (desc ? -c : c) || Number(a.id) - Number(b.id);
          })
          .map((c) => c.id);
        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const data: any = await server.gql(
            `query($filter: ClientFilter, $order: [ClientOrder!], $first: Int, $after: String) {
              clients(filter: $filter, orderBy: $order, first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } }
            }`,
            { filter, order, first, after },
          );
          seen.push(...data.clients.nodes.map((n: any) => n.id));
          if (!data.clients.pageInfo.hasNextPage) break;
          after = data.clients.pageInfo.endCursor;
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  }, 120000);

  it('explains every verdict as the SQL filter decides it, on 600 random filter-client pairs', async () => {
    await fc.assert(
      fc.asyncProperty(filterArbitrary(clients, SEGMENT_CODES), fc.constantFrom(...clients), async (filter, client) => {
        const data = await server.gql(
          `query($filter: ClientFilter!, $id: ID!) {
            explainFilter(filter: $filter, clientId: $id) { matches reason }
            clients(filter: { and: [{ ids: [$id] }, $filter] }) { totalCount }
          }`,
          { filter, id: client.id },
        );
        expect(data.explainFilter.matches).toBe(data.clients.totalCount === 1);
        expect(data.explainFilter.matches).toBe(referenceMatches(filter, client, segments));
        expect(data.explainFilter.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 600 },
    );
  }, 120000);
});
