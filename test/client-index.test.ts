import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { callList } from '../src/modules/call-list/call-list.service';
import { propertyFacets, relationshipTypeCounts } from '../src/modules/client/client-facets';
import { clientConnection } from '../src/modules/client/client-page';
import { resolveClientFilter } from '../src/modules/filter/filter.resolve';
import { createSegmentLoaders } from '../src/modules/segment/segment.loaders';
import { defineStory } from './helpers/factories';
import { createPopulation, seededRandom, SERVICE_POOL, TAG_POOL, NUMBER_POOL, type PopulationClient } from './helpers/population';
import { filterArbitrary, PROPERTY_TYPES } from './helpers/reference-filter';
import { startTestServer, type TestServer } from './helpers/test-server';

/*
 * The client index is derived data: after any sequence of writes, through any path, it must answer
 * exactly what SQL answers. Random writes are interleaved with random filters, and every answer of
 * the index (selection, count, facets, relationship-type counts) is compared with the SQL path's.
 */

let server: TestServer;
let dir: string;
let clients: PopulationClient[];
const CODES = Object.keys(PROPERTY_TYPES);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-index-'));
  server = await startTestServer({ dbPath: path.join(dir, 'crm.sqlite') });
  await defineStory(server);
  clients = await createPopulation(server, 120, 777);
  await server.gql(`mutation { createSegment(input: { code: "dyn", name: "Dyn", kind: DYNAMIC, filter: { property: { code: "used_service", anyOf: ["svc2"] } } }) { id } }`);
  await server.gql(`mutation($ids: [ID!]!) { createSegment(input: { code: "list", name: "List", kind: STATIC }) { id } addSegmentMembers(code: "list", clientIds: $ids) { id } }`, {
    ids: clients.slice(0, 40).map((c) => c.id),
  });
}, 60000);
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function compare(filter: unknown): void {
  const db = server.db;
  const node = resolveClientFilter(db, filter as never);
  const viaSql = clientConnection(db, { filter: node, first: 500 }, null);
  const viaIndex = clientConnection(db, { filter: node, first: 500 }, server.clientIndex);
  const ids = (c: typeof viaSql) => c.edges.map((e) => e.node.id);
  expect(ids(viaIndex)).toEqual(ids(viaSql));
  expect(viaIndex.countAll()).toBe(viaSql.countAll());
  expect(propertyFacets(viaIndex, CODES)).toEqual(propertyFacets(viaSql, CODES));
  expect(relationshipTypeCounts(viaIndex)).toEqual(relationshipTypeCounts(viaSql));
  const callsViaSql = callList(db, { filter: filter as never, first: 500 }, null);
  const callsViaIndex = callList(db, { filter: filter as never, first: 500 }, server.clientIndex);
  expect(callsViaIndex.exclusions()).toEqual(callsViaSql.exclusions());
  expect(callsViaIndex.page.edges.map((e) => e.node.id)).toEqual(callsViaSql.page.edges.map((e) => e.node.id));
}

/** Client.segments answers the same from the index as from SQL, for every client. */
async function compareSegmentMemberships(): Promise<void> {
  const ids = (server.db.$client.prepare('SELECT id FROM clients').pluck().all() as number[]);
  const viaIndex = await createSegmentLoaders(server.db, server.clientIndex).segmentsByClientId.loadMany(ids);
  const viaSql = await createSegmentLoaders(server.db, null).segmentsByClientId.loadMany(ids);
  expect(viaIndex).toEqual(viaSql);
}

/** One random write through the API, of any kind that changes what the index holds. */
async function randomWrite(random: () => number): Promise<void> {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const data = await server.gql(`{ clients(first: 500) { nodes { id } } }`);
  const ids: string[] = data.clients.nodes.map((n: any) => n.id);
  const id = pick(ids);
  switch (Math.floor(random() * 9)) {
    case 0:
      await server.gql(`mutation($id: ID!, $t: String) { updateClient(id: $id, input: { relationshipType: $t, doNotContact: ${random() < 0.5} }) { id } }`, {
        id,
        t: pick([null, 'our_client', 'prospect', 'partner_client', 'competitor']),
      });
      break;
    case 1:
      await server.gql(`mutation($id: ID!, $v: [String!]!) { setClientProperty(clientId: $id, code: "used_service", values: $v) { id } }`, {
        id,
        v: SERVICE_POOL.filter(() => random() < 0.4).filter((s) => s !== 'svc3'),
      });
      break;
    case 2:
      await server.gql(`mutation($id: ID!, $v: [String!]!) { addClientPropertyValues(clientId: $id, code: "tags", values: $v) { id } }`, { id, v: [pick(TAG_POOL)] });
      break;
    case 3:
      await server.gql(`mutation($id: ID!, $v: [String!]!) { removeClientPropertyValues(clientId: $id, code: "scores", values: $v) { id } }`, { id, v: [pick(NUMBER_POOL)] });
      break;
    case 4:
      await server.gql(`mutation($id: ID!) { deleteClient(id: $id) }`, { id });
      break;
    case 5:
      await server.gql(`mutation($rows: [ClientInput!]!) { importClients(rows: $rows) { created } }`, {
        rows: [{ name: `Импорт ${random()}`, relationshipType: 'prospect', properties: [{ code: 'revenue', values: [pick(NUMBER_POOL)] }, { code: 'vip', values: ['true'] }] }],
      });
      break;
    case 6:
      await server.gql(`mutation { updateClients(filter: { property: { code: "region", anyOf: ["${pick(['moscow', 'spb', 'kazan'])}"] } }, input: { addValues: [{ code: "tags", values: ["массово"] }], doNotContact: ${random() < 0.5} }) { changed } }`);
      break;
    case 7:
      await server.gql(`mutation($id: ID!) { updateClient(id: $id, input: { properties: [{ code: "revenue", values: [] }, { code: "contract_until", values: ["2030-01-0${1 + Math.floor(random() * 9)}"] }] }) { id } }`, { id });
      break;
    case 8: {
      // A type is created and deleted again, taking its clients along to another type.
      const code = `tmp${Math.floor(random() * 1e6)}`;
      await server.gql(`mutation { createRelationshipType(input: { code: "${code}", name: "Tmp", contactPolicy: DO_NOT_CONTACT }) { id } }`);
      await server.gql(`mutation($id: ID!) { updateClient(id: $id, input: { relationshipType: "${code}" }) { id } }`, { id });
      compare({ contactable: false });
      await server.gql(`mutation { deleteRelationshipType(code: "${code}", reassignTo: "partner") }`);
      break;
    }
  }
}

describe('the client index', () => {
  it('answers every filter, count and facet exactly as SQL does, through 60 rounds of random writes', async () => {
    // Buckets of two values: ranges cross many buckets, and writes split and empty them.
    server.clientIndex!.bucketSize = 2;
    const random = seededRandom(20261204);
    const filters = filterArbitrary(clients, ['dyn', 'list']);
    for (let round = 0; round < 60; round++) {
      await randomWrite(random);
      // Every other round, `exactly` on a multi-valued property is asked of SQLite instead of the bitmaps.
      server.clientIndex!.maxOtherValues = round % 2 ? 1024 : 0;
      for (const filter of fc.sample(filters, { numRuns: 8, seed: round })) compare(filter);
      if (round % 10 === 0) await compareSegmentMemberships();
    }
  }, 120000);

  it('pages a selection the same way whether SQLite walks the order or sorts a list of ids', async () => {
    const index = server.clientIndex!;
    const orders = [null, [{ field: 'NAME', direction: 'DESC' }], [{ field: 'CREATED_AT' }], [{ field: 'PROPERTY', property: 'revenue' }]];
    // A walk budget of a few rows forces the fall-back to a list half way through many walks.
    for (const budget of [0, 3, 1_000_000]) {
      index.walkBudget = budget;
      for (const [i, filter] of fc.sample(filterArbitrary(clients, ['dyn', 'list']), { numRuns: 40, seed: budget }).entries()) {
        const node = resolveClientFilter(server.db, filter);
        const orderBy = orders[i % orders.length] as never;
        let after: string | null = null;
        const viaIndex: number[] = [];
        const viaSql: number[] = [];
        for (let page = 0; page < 20; page++) {
          const a = clientConnection(server.db, { filter: node, orderBy, first: 7, after }, index);
          const b = clientConnection(server.db, { filter: node, orderBy, first: 7, after }, null);
          viaIndex.push(...a.edges.map((e) => e.node.id));
          viaSql.push(...b.edges.map((e) => e.node.id));
          expect(a.hasNextPage).toBe(b.hasNextPage);
          if (!a.hasNextPage) break;
          after = a.edges[a.edges.length - 1].cursor;
        }
        expect(viaIndex).toEqual(viaSql);
      }
    }
    index.walkBudget = 2000;
  });

  it('answers a value held by one client, then two, then one again, then none, with every operator', async () => {
    // A value held by one client is kept as its id, by two or more as a bitmap: each passage between
    // the two must keep every operator right.
    const tag = 'единственный-тег';
    const amount = '123456.789';
    const make = async (name: string) =>
      (await server.gql(`mutation($n: String!) { createClient(input: { name: $n }) { id } }`, { n: name })).createClient.id as string;
    const [a, b] = [await make('Один держатель А'), await make('Один держатель Б')];
    const give = (id: string) =>
      server.gql(`mutation($id: ID!, $t: [String!]!, $s: [String!]!) { addClientPropertyValues(clientId: $id, code: "tags", values: $t) { id } s: addClientPropertyValues(clientId: $id, code: "scores", values: $s) { id } }`, { id, t: [tag], s: [amount] });
    const take = (id: string) =>
      server.gql(`mutation($id: ID!, $t: [String!]!, $s: [String!]!) { removeClientPropertyValues(clientId: $id, code: "tags", values: $t) { id } s: removeClientPropertyValues(clientId: $id, code: "scores", values: $s) { id } }`, { id, t: [tag], s: [amount] });
    const filters = [
      { property: { code: 'tags', anyOf: [tag] } },
      { property: { code: 'tags', allOf: [tag] } },
      { property: { code: 'tags', exactly: [tag] } },
      { property: { code: 'tags', contains: 'единствен' } },
      { property: { code: 'tags', noneOf: [tag] } },
      { property: { code: 'scores', gte: amount, lte: amount } },
      { property: { code: 'scores', gt: '123456', lt: '123457' } },
      { property: { code: 'scores', exactly: [amount] } },
    ];
    const check = () => filters.forEach((filter) => compare(filter));
    for (const step of [() => give(a), () => give(b), () => take(a), () => give(a), () => take(b), () => take(a)]) {
      await step();
      check();
    }
  });

  it('keeps range buckets right when a client loses one of two values in the same bucket, or a bucket splits', async () => {
    const index = server.clientIndex!;
    index.bucketSize = 2;
    const { createClient: created } = await server.gql(`mutation { createClient(input: { name: "Диапазон", properties: [{ code: "scores", values: ["-1000", "-999"] }] }) { id } }`);
    const wide = { property: { code: 'scores', gte: '-1000', lte: '1000000000' } };
    compare(wide);
    await server.gql(`mutation($id: ID!) { removeClientPropertyValues(clientId: $id, code: "scores", values: ["-999"]) { id } }`, { id: created.id });
    compare(wide);
    compare({ property: { code: 'scores', lt: '-999' } });
    for (const value of ['-998', '-997.5', '-997', '-996']) {
      await server.gql(`mutation($id: ID!, $v: [String!]!) { addClientPropertyValues(clientId: $id, code: "scores", values: $v) { id } }`, { id: created.id, v: [value] });
      compare(wide);
      compare({ property: { code: 'scores', gt: '-998', lte: '-997' } });
    }
    await server.gql(`mutation($id: ID!) { setClientProperty(clientId: $id, code: "scores", values: []) { id } }`, { id: created.id });
    compare(wide);
  });

  it('pages in name order from memory exactly as SQL does, through renames, creations and deletions, cursors included', async () => {
    const index = server.clientIndex!;
    const random = seededRandom(4242);
    // Ties, case, Cyrillic and characters past U+FFFF (where UTF-16 order differs from SQLite's UTF-8 order).
    const NAMES = ['Альфа', 'альфа', 'Бета', 'Ёж', 'Еж', 'Zeta', 'zeta', 'Ω', '😀 Смайл', '\uFFFD Тильда', 'A', 'a b', 'Яблоко', '\uE000 Частный'];
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const filters = [{}, { property: { code: 'used_service', anyOf: ['svc2'] } }, { relationshipType: { in: ['our_client'] } }, { segment: 'list' }];
    const comparePaging = (first: number) => {
      for (const filter of filters) {
        const node = resolveClientFilter(server.db, filter as never);
        let after: string | null = null;
        const viaIndex: number[] = [];
        const viaSql: number[] = [];
        for (let page = 0; page < 200; page++) {
          const a = clientConnection(server.db, { filter: node, first, after }, index);
          const b = clientConnection(server.db, { filter: node, first, after }, null);
          viaIndex.push(...a.edges.map((e) => e.node.id));
          viaSql.push(...b.edges.map((e) => e.node.id));
          expect(a.edges.map((e) => e.cursor)).toEqual(b.edges.map((e) => e.cursor));
          expect(a.hasNextPage).toBe(b.hasNextPage);
          if (!a.hasNextPage) break;
          after = a.edges[a.edges.length - 1].cursor;
        }
        expect(viaIndex).toEqual(viaSql);
      }
    };
    // Re-read the order after a few unplaced clients, so that both merging and re-reading are exercised.
    index.minUnplacedBeforeReread = 5;
    for (let round = 0; round < 40; round++) {
      const { clients: listed } = await server.gql(`{ clients(first: 500) { nodes { id } } }`);
      const ids: string[] = listed.nodes.map((n: any) => n.id);
      for (let write = 0; write < 1 + Math.floor(random() * 4); write++) {
        const kind = Math.floor(random() * 4);
        if (kind === 0) await server.gql(`mutation($id: ID!, $n: String!) { updateClient(id: $id, input: { name: $n }) { id } }`, { id: pick(ids), n: pick(NAMES) });
        if (kind === 1) await server.gql(`mutation($n: String!) { createClient(input: { name: $n, relationshipType: "our_client" }) { id } }`, { n: pick(NAMES) });
        if (kind === 2) await server.gql(`mutation($id: ID!) { deleteClient(id: $id) }`, { id: pick(ids) });
        // A write that leaves the name as it is must not unplace the client.
        if (kind === 3) await server.gql(`mutation($id: ID!) { updateClient(id: $id, input: { doNotContact: true }) { id } }`, { id: pick(ids) });
      }
      // A cursor made before a rename or a deletion of its own client is paged by SQL; the rest from memory.
      const node = resolveClientFilter(server.db, {} as never);
      const before = clientConnection(server.db, { filter: node, first: 3 }, index);
      const anchor = before.edges[before.edges.length - 1];
      if (round % 3 === 0) await server.gql(`mutation($id: ID!, $n: String!) { updateClient(id: $id, input: { name: $n }) { id } }`, { id: String(anchor.node.id), n: pick(NAMES) });
      if (round % 3 === 1) await server.gql(`mutation($id: ID!) { deleteClient(id: $id) }`, { id: String(anchor.node.id) });
      const a = clientConnection(server.db, { filter: node, first: 5, after: anchor.cursor }, index);
      const b = clientConnection(server.db, { filter: node, first: 5, after: anchor.cursor }, null);
      expect(a.edges.map((e) => e.node.id)).toEqual(b.edges.map((e) => e.node.id));
      comparePaging(pick([1, 7, 50]));
    }
    // Placed and unplaced names either side of U+FFFF meet in one merge: SQLite orders U+FFFD before '😀', UTF-16 the other way.
    index.minUnplacedBeforeReread = 0;
    for (const n of ['\uFFFD один', '\uFFFD два']) await server.gql(`mutation($n: String!) { createClient(input: { name: $n }) { id } }`, { n });
    clientConnection(server.db, { filter: resolveClientFilter(server.db, {} as never), first: 1 }, index); // re-reads the order: both placed
    await server.gql(`mutation { createClient(input: { name: "😀 три" }) { id } }`);
    comparePaging(500);
    index.minUnplacedBeforeReread = 1000;
    // Another connection's rename is heard of (the counter moves on names too) and the index rebuilt.
    const other = new Database(path.join(dir, 'crm.sqlite'));
    other.prepare(`UPDATE clients SET name = 'Ааа снаружи', name_folded = 'ааа снаружи' WHERE id = (SELECT max(id) FROM clients)`).run();
    other.close();
    comparePaging(10);
  }, 120000);

  it('pages right when another connection writes while the index is being rebuilt, or deletes a client a page picked', async () => {
    const index = server.clientIndex!;
    const node = resolveClientFilter(server.db, {} as never);
    const samePages = () => {
      const a = clientConnection(server.db, { filter: node, first: 500 }, index);
      const b = clientConnection(server.db, { filter: node, first: 500 }, null);
      expect(a.edges.map((e) => e.node.id)).toEqual(b.edges.map((e) => e.node.id));
      expect(a.countAll()).toBe(b.countAll());
    };
    // A client created by another connection right after the rebuild read the name order.
    const other = new Database(path.join(dir, 'crm.sqlite'));
    const statements = (index as unknown as { statements: { idsByName: { all: () => unknown } } }).statements;
    const readOrder = statements.idsByName.all.bind(statements.idsByName);
    const spy = jest.spyOn(statements.idsByName, 'all').mockImplementationOnce(() => {
      const ids = readOrder();
      const now = Date.now();
      other
        .prepare(`INSERT INTO clients (name, name_folded, do_not_contact, created_at, updated_at) VALUES ('Аааа вклинился', 'аааа вклинился', 0, ?, ?)`)
        .run(now, now);
      return ids;
    });
    index.rebuild();
    spy.mockRestore();
    other.close();
    samePages();
    // A client deleted (by another process) between the index's answer and the read of its row.
    const pick = jest.spyOn(index, 'pageInNameOrder').mockImplementationOnce((selection, after, limit) => {
      const picked = index.pageInNameOrder(selection, after, limit)!;
      return { ...picked, placed: [987654321, ...picked.placed] };
    });
    const page = clientConnection(server.db, { filter: node, first: 5 }, index);
    pick.mockRestore();
    expect(page.edges.map((e) => e.node.id)).not.toContain(987654321);
    expect(page.edges.length).toBeGreaterThan(0);
  });

  it('does not rebuild for another connection\'s write that touches nothing it holds, such as a new token', async () => {
    const index = server.clientIndex!;
    const rebuild = jest.spyOn(index, 'rebuild');
    const other = new Database(path.join(dir, 'crm.sqlite'));
    other.prepare(`INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES ('cli', 'VIEWER', 'hash-of-nothing', 0)`).run();
    other.close();
    await server.gql(`{ clients(filter: { property: { code: "tags", exists: true } }) { totalCount } }`);
    expect(rebuild).not.toHaveBeenCalled();
    rebuild.mockRestore();
  });

  it('takes in what another connection wrote to the file, by rebuilding', async () => {
    const before = await server.gql(`{ clients(filter: { property: { code: "tags", anyOf: ["снаружи"] } }) { totalCount } }`);
    expect(before.clients.totalCount).toBe(0);
    const other = new Database(path.join(dir, 'crm.sqlite'));
    const property = other.prepare(`SELECT id FROM properties WHERE code = 'tags'`).pluck().get() as number;
    const client = other.prepare('SELECT id FROM clients LIMIT 1').pluck().get() as number;
    const rebuild = jest.spyOn(server.clientIndex!, 'rebuild');
    other.prepare(`INSERT INTO client_property_values (client_id, property_id, value_key, text_folded) VALUES (?, ?, 'снаружи', 'снаружи')`).run(client, property);
    other.close();
    const after = await server.gql(`{ clients(filter: { property: { code: "tags", anyOf: ["снаружи"] } }) { totalCount } }`);
    expect(after.clients.totalCount).toBe(1);
    expect(rebuild).toHaveBeenCalledTimes(1);
    rebuild.mockRestore();
    compare({ property: { code: 'tags', exists: true } });
  });
});
