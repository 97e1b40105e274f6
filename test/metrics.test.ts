import type { AddressInfo } from 'node:net';
import { readConfig } from '../src/config';
import { closeDatabase, migrateDatabase, openDatabase, type Connection } from '../src/db/connection';
import { silentLogger } from '../src/logger';
import { createToken } from '../src/modules/auth/auth.service';
import { createApp, type App } from '../src/server';

/* GET /metrics serves the benchmark (bench/run.ts): it exists only when asked for, and only for ADMIN. */

const ADMIN_TOKEN = 'metrics-test-admin-token-0123456789';

interface Running {
  url: string;
  db: Connection;
  close(): Promise<void>;
}

async function start(metrics: boolean | undefined): Promise<Running> {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  const { httpServer, apollo }: App = await createApp({ db, logger: silentLogger(), adminToken: ADMIN_TOKEN, metrics });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    async close() {
      await apollo.stop();
      closeDatabase(db);
    },
  };
}

const getMetrics = (server: Running, token: string | null, query = '') =>
  fetch(`${server.url}/metrics${query}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

describe('METRICS in the configuration', () => {
  it('is off unless set, and parsed like the other switches', () => {
    expect(readConfig({}).metrics).toBe(false);
    expect(readConfig({ METRICS: 'true' }).metrics).toBe(true);
    expect(readConfig({ METRICS: 'off' }).metrics).toBe(false);
    expect(() => readConfig({ METRICS: 'maybe' })).toThrow(/METRICS must be true or false/);
  });
});

describe('without METRICS', () => {
  it('has no /metrics route, not even for ADMIN', async () => {
    for (const metrics of [undefined, false]) {
      const server = await start(metrics);
      try {
        expect((await getMetrics(server, ADMIN_TOKEN)).status).toBe(404);
      } finally {
        await server.close();
      }
    }
  });
});

describe('with METRICS', () => {
  let server: Running;
  beforeAll(async () => {
    server = await start(true);
  });
  afterAll(() => server.close());

  it('answers ADMIN only', async () => {
    expect((await getMetrics(server, null)).status).toBe(401);
    expect((await getMetrics(server, 'not-a-token')).status).toBe(401);
    const viewer = await getMetrics(server, createToken(server.db, 'metrics-viewer', 'VIEWER').token);
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await getMetrics(server, createToken(server.db, 'metrics-editor', 'EDITOR').token)).status).toBe(403);
    expect((await getMetrics(server, createToken(server.db, 'metrics-admin', 'ADMIN').token)).status).toBe(200);
  });

  it('reports memory, event-loop delay and a statement counter that moves with the SQL a request runs', async () => {
    const read = async (query = '') => (await (await getMetrics(server, ADMIN_TOKEN, query)).json()) as any;
    const before = await read('?reset=1');
    expect(before).toEqual({
      rssBytes: expect.any(Number),
      heapUsedBytes: expect.any(Number),
      eventLoopDelay: { p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) },
      sqlStatements: expect.any(Number),
    });
    expect(before.rssBytes).toBeGreaterThan(before.heapUsedBytes);

    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: '{ relationshipTypes { code } }' }),
    });
    expect(((await response.json()) as any).errors).toBeUndefined();
    const afterQuery = await read();
    expect(afterQuery.sqlStatements).toBeGreaterThan(before.sqlStatements);

    // Reading the metrics costs no statement of its own.
    expect((await read()).sqlStatements).toBe(afterQuery.sqlStatements);
  });
});
