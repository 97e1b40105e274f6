import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDemoData } from '../src/db/demo-data';
import { startTestServer, type TestServer } from './helpers/test-server';

/*
 * 16 concurrent callers on loopback, readers and writers mixed, for a bounded time, against a
 * database file: zero errors, and no SQLITE_BUSY reaching anyone.
 */

const CALLERS = 16;
const DURATION_MS = 3000;

let server: TestServer;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-load-'));
  server = await startTestServer({ dbPath: path.join(dir, 'crm.sqlite') });
  loadDemoData(server.db);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const READS = [
  `{ clients(first: 50, filter: { property: { code: "used_service", anyOf: ["service_1"] } }) { totalCount facets(properties: ["region"]) { missing } nodes { name properties { display } } } }`,
  `{ callList(segment: "service_1_users", first: 20) { totalCount excludedCount nodes { briefing } } }`,
  `{ segments { code size } relationshipTypes { code clientCount } }`,
  `{ clients(first: 20, filter: { name: { startsWith: "ооо" } }, orderBy: [{ field: UPDATED_AT, direction: DESC }]) { nodes { id segments { code } } } }`,
];

describe('under load', () => {
  it(`serves ${CALLERS} concurrent readers and writers without an error`, async () => {
    const tokens = [server.adminToken, server.tokenFor('EDITOR'), server.tokenFor('VIEWER')];
    const deadline = Date.now() + DURATION_MS;
    const failures: string[] = [];
    let done = 0;
    const caller = async (index: number) => {
      const writer = index % 4 === 0;
      for (let i = 0; Date.now() < deadline; i++) {
        const query = writer
          ? `mutation($input: ClientInput!) { createClient(input: $input) { id } }`
          : READS[(index + i) % READS.length];
        const variables = writer
          ? { input: { name: `Нагрузка ${index}-${i}`, relationshipType: 'prospect', properties: [{ code: 'used_service', values: ['service_1'] }] } }
          : undefined;
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${writer ? tokens[1] : tokens[(index + i) % 3]}` },
          body: JSON.stringify({ query, variables }),
        });
        const text = await response.text();
        if (response.status !== 200 || text.includes('"errors"') || /BUSY|locked/i.test(text)) failures.push(`${response.status} ${text.slice(0, 300)}`);
        done++;
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, (_, i) => caller(i)));
    expect(failures).toEqual([]);
    expect(done).toBeGreaterThan(CALLERS * 5);
  }, 30000);
});
