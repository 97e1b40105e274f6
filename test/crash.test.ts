import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { seededRandom } from './helpers/population';

/*
 * A writer records every mutation the server acknowledged; the server is killed with SIGKILL at
 * random moments and restarted. Every acknowledged write must be there afterwards, no mutation may
 * be half-applied, and the database must pass its integrity check.
 */

const ROOT = path.resolve(__dirname, '..');
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const KILLS = 10;

interface RunningServer {
  child: ChildProcess;
  url: string;
}

function startServer(dbPath: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', DB_PATH: dbPath, DEMO_DATA: 'false', ADMIN_TOKEN, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}/graphql` });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!/"port":/.test(output)) reject(new Error(`server exited (${code}): ${output}`));
    });
  });
}

async function gql(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** What a client created by the writer holds: its values are a function of its number. */
const valuesFor = (n: number) => ({
  services: ['svc1', 'svc2', 'svc3'].filter((_, i) => (n >> i) & 1 || i === 0),
  tags: Array.from({ length: 1 + (n % 4) }, (_, i) => `tag-${n}-${i}`),
  score: String(n * 7),
});

describe('durability', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-crash-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged write through ${KILLS} SIGKILLs, with no half-applied mutation`, async () => {
    const dbPath = path.join(dir, 'crm.sqlite');
    const random = seededRandom(4242);
    let server = await startServer(dbPath);
    await gql(server.url, `mutation {
      createRelationshipType(input: { code: "a", name: "A" }) { id }
      b: createRelationshipType(input: { code: "b", name: "B" }) { id }
      createPropertySet(input: { code: "s", name: "S" }) { id }
      p1: createProperty(input: { set: "s", code: "svc", name: "Svc", valueType: ENUM, multiple: true, options: [{ code: "svc1", label: "1" }, { code: "svc2", label: "2" }, { code: "svc3", label: "3" }] }) { id }
      p2: createProperty(input: { set: "s", code: "tags", name: "Tags", valueType: STRING, multiple: true }) { id }
      p3: createProperty(input: { set: "s", code: "score", name: "Score", valueType: NUMBER }) { id }
    }`);
    const acknowledged = new Set<number>();
    let next = 0;
    for (let round = 0; round < KILLS; round++) {
      const deadline = Date.now() + 100 + random() * 400;
      const writers = Array.from({ length: 4 }, async () => {
        while (Date.now() < deadline) {
          const n = next++;
          const { services, tags, score } = valuesFor(n);
          try {
            await gql(server.url, `mutation($input: ClientInput!) { createClient(input: $input) { id } }`, {
              input: {
                name: `Клиент ${n}`,
                externalId: `c-${n}`,
                relationshipType: n % 2 ? 'a' : 'b',
                properties: [
                  { code: 'svc', values: services },
                  { code: 'tags', values: tags },
                  { code: 'score', values: [score] },
                ],
              },
            });
            acknowledged.add(n);
          } catch {
            return; // the server died under this request: it was never acknowledged
          }
        }
      });
      // Kill while the writers are in full flight.
      await new Promise((resolve) => setTimeout(resolve, deadline - Date.now() - 20));
      await killed(server.child);
      await Promise.all(writers);
      server = await startServer(dbPath);
    }

    // Every acknowledged client is there, whole.
    const stored = new Map<string, any>();
    let after: string | null = null;
    for (;;) {
      const data: any = await gql(server.url, `query($after: String) { clients(first: 500, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { externalId name relationshipType { code } properties { property { code } values } }
      } }`, { after });
      for (const node of data.clients.nodes) stored.set(node.externalId, node);
      if (!data.clients.pageInfo.hasNextPage) break;
      after = data.clients.pageInfo.endCursor;
    }
    expect(acknowledged.size).toBeGreaterThan(KILLS * 5);
    for (const n of acknowledged) expect(stored.has(`c-${n}`)).toBe(true);
    // Whatever was committed, acknowledged or not, is complete: all its values or none of it.
    for (const [externalId, client] of stored) {
      const n = Number(externalId.slice(2));
      const { services, tags, score } = valuesFor(n);
      const values = Object.fromEntries(client.properties.map((p: any) => [p.property.code, p.values]));
      expect({ externalId, values }).toEqual({ externalId, values: { svc: services, tags: [...tags].sort(), score: [score] } });
      expect(client.relationshipType.code).toBe(n % 2 ? 'a' : 'b');
    }
    await killed(server.child);
    const db = new Database(dbPath);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  }, 180000);
});
