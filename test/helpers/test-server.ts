import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { closeDatabase, migrateDatabase, observeStatements, openDatabase, type Connection } from '../../src/db/connection';
import type { Role } from '../../src/db/schema';
import type { Logger } from '../../src/logger';
import { createToken } from '../../src/modules/auth/auth.service';
import type { ClientIndex } from '../../src/modules/client-index/client-index';
import { createApp } from '../../src/server';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string; field?: string; [key: string]: unknown } }>;
}

export interface RequestOptions {
  /** The bearer token to send; null sends none. Defaults to an ADMIN token. */
  token?: string | null;
}

export interface TestServer {
  url: string;
  db: Connection;
  /** The server's client index (null when started with the SQL path only). */
  clientIndex: ClientIndex | null;
  /** An ADMIN token the requests carry by default. */
  adminToken: string;
  /** Lines the server logged, for asserting what reached the log. */
  logs: string[];
  /** A new token with the role. */
  tokenFor(role: Role, name?: string): string;
  /** Sends one operation over HTTP, as a real caller would. */
  request<T = any>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  /** Like request, but fails the test on any error and returns `data`. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<T>;
  /** Counts the SQL statements the server prepares while `work` runs (after a warm-up read). */
  countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  close(): Promise<void>;
}

/** A real server on an ephemeral port over a fresh, migrated database (in memory unless a path is given). */
export async function startTestServer(options: { dbPath?: string; adminToken?: string; clientIndex?: boolean } = {}): Promise<TestServer> {
  const db = openDatabase(options.dbPath ?? ':memory:');
  migrateDatabase(db);
  const logs: string[] = [];
  const logger: Logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const { httpServer, apollo, clientIndex } = await createApp({ db, logger, adminToken: options.adminToken, clientIndex: options.clientIndex });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const tokenFor = (role: Role, name = `test-${role.toLowerCase()}`) => createToken(db, name, role).token;
  const adminToken = tokenFor('ADMIN', 'test-admin');

  let recording: string[] | null = null;
  observeStatements(db, (source) => void recording?.push(source));

  async function request<T>(query: string, variables?: Record<string, unknown>, requestOptions: RequestOptions = {}): Promise<GraphQLResponse<T>> {
    const token = requestOptions.token === undefined ? adminToken : requestOptions.token;
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  return {
    url,
    db,
    clientIndex,
    adminToken,
    logs,
    tokenFor,
    request,
    async gql<T>(query: string, variables?: Record<string, unknown>, requestOptions?: RequestOptions) {
      const response = await request<T>(query, variables, requestOptions);
      if (response.errors) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
      return response.data as T;
    },
    async countStatements(work) {
      // A read first, so that the client index has taken in earlier writes: their one-off cost
      // belongs to the writes, not to the request being measured.
      await request('{ clients(first: 1) { totalCount } }');
      recording = [];
      try {
        const result = await work();
        return { result, statements: recording };
      } finally {
        recording = null;
      }
    },
    async close() {
      await apollo.stop();
      closeDatabase(db);
    },
  };
}

/** The single error of a response, for asserting its code, field and message. */
export function onlyError(response: GraphQLResponse) {
  expect(response.errors).toHaveLength(1);
  return response.errors![0];
}
