/**
 * npm run bench [-- --clients 1000000] [--duration 10] [--only 2,3] [--load import|direct]
 *
 * Issue 8's benchmark, in one run: a deterministic population (cached in bench/.cache/), the real
 * server as a child process (METRICS=true), the raw-SQL floor (bench/floor-server.ts) as another,
 * and the seven scenarios over loopback HTTP with autocannon from this process. Writes the tables to
 * stdout, to this size's section of BENCHMARKS.md (other sizes' sections are kept) and to
 * bench/results-<clients>.json.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { count } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrateDatabase, openDatabase } from '../src/db/connection';
import * as schema from '../src/db/schema';
import type { ClientFilter } from '../src/generated/graphql';
import { defineBenchCompany, generateClients, generatePopulation, type GeneratedClient } from './generate-population';
import { openFloor, type FloorScenario, type FloorStatement } from './floor-server';
import {
  BROAD_FILTER,
  CALL_LIST_QUERY,
  CALL_SEGMENT,
  CARD_QUERY,
  CURSOR_QUERY,
  DEEP_PAGE_NUMBER,
  NAME_PREFIX,
  PAGING_QUERY,
  SEARCH_QUERY,
  SELECTION_PARTS,
  SELECTION_QUERY,
  SELECTIVE_FILTER,
} from './scenarios';

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(__dirname, '.cache');
const REPORT_FILE = path.join(ROOT, 'BENCHMARKS.md');
// 32 characters, made afresh: the cached database keeps no token, so nothing outlives the run.
const ADMIN_TOKEN = crypto.randomBytes(16).toString('hex');
/** Bump when the way a population is loaded changes, so that cached databases are made again. */
const LOADER_VERSION = 1;
const IMPORT_BATCH = 10000;
/** Up to this many clients, the population goes through importClients (fast enough); above, straight into SQLite. */
const IMPORT_UP_TO = 200000;
const CONNECTIONS = [1, 4];
/** Sequential requests over which statements per request (and the parts' latencies) are measured. */
const SEQUENTIAL_SAMPLES = 10;
const CARD_IDS = 1000;
/** CPU used by processes outside the benchmark, in percent of one core, above which a run is flagged. */
const DISTURBED_CPU_PERCENT = 10;

// ---------------------------------------------------------------------------------------------
// Options and reporting

interface Options {
  clients: number;
  duration: number;
  only: Set<number> | null;
  load: 'import' | 'direct';
}

function readOptions(argv: string[]): Options {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const clients = Number(value('clients') ?? 100000);
  const duration = Number(value('duration') ?? 10);
  if (!Number.isInteger(clients) || clients < 1) throw new Error('--clients must be a positive integer');
  if (!(duration > 0)) throw new Error('--duration must be a number of seconds above 0');
  const only = value('only') ? new Set(value('only')!.split(',').map(Number)) : null;
  const load = (value('load') ?? (clients <= IMPORT_UP_TO ? 'import' : 'direct')) as Options['load'];
  if (load !== 'import' && load !== 'direct') throw new Error('--load must be import or direct');
  return { clients, duration, only, load };
}

const startedAt = Date.now();
const log = (message: string) => console.error(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const formatInt = (value: number) => value.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Child processes

interface Child {
  process: ChildProcess;
  port: number;
  output: () => string;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

/** Starts `node --import tsx <script>` and waits for its `"port":N` log line. */
function startChild(label: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`${label} did not start in ${timeoutMs / 1000} s: ${output.slice(-2000)}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100000) output = output.slice(-50000);
      const match = /"port":(\d+)/.exec(output);
      if (match && !started) {
        started = true;
        clearTimeout(timer);
        resolve({ process: child, port: Number(match[1]), output: () => output });
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      if (!started) reject(new Error(`${label} exited (${code ?? signal}) before listening: ${output.slice(-2000)}`));
    });
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 30000);
    child.process.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.process.kill('SIGTERM');
  });
}

/**
 * The server as it is deployed. LOG_LEVEL is info, not warn: the port is known only from the
 * "listening" line, logged at info, and the server logs nothing per request at that level.
 */
const startServer = (dbPath: string, metrics: boolean) =>
  startChild(
    'server',
    ['src/main.ts'],
    // As `npm start` runs it: graphql-js skips its development-only checks in production.
    { NODE_ENV: 'production', PORT: '0', DB_PATH: dbPath, DEMO_DATA: 'false', ADMIN_TOKEN, LOG_LEVEL: 'info', METRICS: String(metrics) },
    // At a million clients the server may build in-memory structures before it listens.
    15 * 60 * 1000,
  );

// ---------------------------------------------------------------------------------------------
// HTTP helpers

const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };

async function graphql<T = any>(port: number, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 1000)}`);
  return body.data as T;
}

interface ServerMetrics {
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  sqlStatements: number;
}

async function metrics(port: number, reset = false): Promise<ServerMetrics> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics${reset ? '?reset=1' : ''}`, { headers });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as ServerMetrics;
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU seconds the whole machine has been busy, every process and core together. */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

interface CpuSnapshot {
  wall: number;
  machine: number;
  server: number;
  floor: number;
  own: number;
}

function cpuSnapshot(server: Child, floor: Child): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    wall: Date.now() / 1000,
    machine: machineBusySeconds(),
    server: cpuSecondsOf(server.process.pid!),
    floor: cpuSecondsOf(floor.process.pid!),
    own: (own.user + own.system) / 1e6,
  };
}

/**
 * Who used the CPUs between two snapshots, in percent of one core. `others` is everything outside
 * the benchmark (another build or test run on the machine): above a few percent, the figures of
 * that run are disturbed.
 */
interface CpuShares {
  serverCpuPercent: number;
  floorCpuPercent: number;
  loadGeneratorCpuPercent: number;
  otherCpuPercent: number;
}

function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const wall = after.wall - before.wall;
  const share = (seconds: number) => round(Math.max(0, (seconds / wall) * 100), 0);
  const server = after.server - before.server;
  const floor = after.floor - before.floor;
  const own = after.own - before.own;
  return {
    serverCpuPercent: share(server),
    floorCpuPercent: share(floor),
    loadGeneratorCpuPercent: share(own),
    otherCpuPercent: share(after.machine - before.machine - server - floor - own),
  };
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

// ---------------------------------------------------------------------------------------------
// The population

interface Population {
  dbPath: string;
  cached: boolean;
  load: Options['load'];
  loadSeconds: number;
  clients: number;
  values: number;
}

function populationKey(options: Options): string {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(path.join(__dirname, 'generate-population.ts')));
  hash.update(fs.readFileSync(path.join(ROOT, 'drizzle/meta/_journal.json')));
  hash.update(`${options.load}:${LOADER_VERSION}`);
  return hash.digest('hex').slice(0, 12);
}

async function importThroughApi(dbPath: string, clients: number): Promise<void> {
  const db = openDatabase(dbPath);
  migrateDatabase(db);
  defineBenchCompany(db);
  db.$client.close();
  const server = await startServer(dbPath, false);
  try {
    const rows = generateClients(clients);
    for (let done = 0; done < clients; done += IMPORT_BATCH) {
      const batch: GeneratedClient['input'][] = [];
      for (let i = 0; i < Math.min(IMPORT_BATCH, clients - done); i++) batch.push((rows.next().value as GeneratedClient).input);
      const result = await graphql<{ importClients: { created: number; errors: unknown[] } }>(
        server.port,
        `mutation($rows: [ClientInput!]!) { importClients(rows: $rows) { created updated errors { row field message } } }`,
        { rows: batch },
      );
      if (result.importClients.errors.length > 0 || result.importClients.created !== batch.length) {
        throw new Error(`importClients refused a batch: ${JSON.stringify(result.importClients).slice(0, 1000)}`);
      }
      if ((done / IMPORT_BATCH) % 5 === 4 || done + IMPORT_BATCH >= clients) log(`imported ${formatInt(done + batch.length)} clients`);
    }
  } finally {
    await stopChild(server);
  }
}

async function preparePopulation(options: Options): Promise<Population> {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const dbPath = path.join(CACHE_DIR, `crm-${options.clients}-${options.load}-${populationKey(options)}.sqlite`);
  const done = `${dbPath}.done`;
  let cached = fs.existsSync(dbPath) && fs.existsSync(done);
  let loadSeconds = cached ? Number(fs.readFileSync(done, 'utf8')) : 0;
  if (!cached) {
    // Databases of this size made by another generator are of no more use.
    for (const file of fs.readdirSync(CACHE_DIR)) {
      if (file.startsWith(`crm-${options.clients}-`)) fs.rmSync(path.join(CACHE_DIR, file), { force: true });
    }
    const building = `${dbPath}.building`;
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(building + suffix, { force: true });
    log(`generating ${formatInt(options.clients)} clients (${options.load === 'import' ? 'through importClients over HTTP' : 'straight into SQLite'})`);
    const started = Date.now();
    if (options.load === 'import') {
      await importThroughApi(building, options.clients);
      // The generator analyzes what it writes; an imported database is analyzed the same way.
      const sqlite = new Database(building);
      sqlite.pragma('optimize');
      sqlite.exec('analyze');
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.close();
    } else {
      const db = openDatabase(building, { synchronous: 'NORMAL' });
      migrateDatabase(db);
      generatePopulation(db, options.clients, undefined, (line) => log(line));
      db.$client.close();
    }
    loadSeconds = (Date.now() - started) / 1000;
    fs.renameSync(building, dbPath);
    fs.writeFileSync(done, String(loadSeconds));
    cached = false;
    log(`population ready in ${loadSeconds.toFixed(0)} s`);
  } else {
    log(`reusing ${path.relative(ROOT, dbPath)}`);
  }
  const sqlite = new Database(dbPath, { readonly: true });
  const clients = (sqlite.prepare('select count(*) as n from clients').get() as { n: number }).n;
  const values = (sqlite.prepare('select count(*) as n from client_property_values').get() as { n: number }).n;
  sqlite.close();
  return { dbPath, cached, load: options.load, loadSeconds, clients, values };
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

interface Target {
  port: number;
  path: string;
  /** A body per request, taken in turn. */
  bodies: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * A bounded autocannon run. Latencies are kept from every response (autocannon's own histogram
 * rounds to whole milliseconds, too coarse for a card).
 */
async function loadRun(target: Target, connections: number, duration: number): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections,
    duration,
    timeout: 120,
    requests: [
      {
        method: 'POST',
        path: target.path,
        headers,
        setupRequest: (request) => ({ ...request, body: target.bodies[next++ % target.bodies.length] }),
      },
    ],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    connections,
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / result.duration, 1),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    errors,
  };
}

/** Sequential requests: their median latency, and (against the server) the statements each cost. */
async function sequential(target: Target, server: Child | null, samples = SEQUENTIAL_SAMPLES): Promise<{ p50Ms: number; statements: number | null }> {
  const before = server ? (await metrics(server.port)).sqlStatements : 0;
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(`http://127.0.0.1:${target.port}${target.path}`, { method: 'POST', headers, body: target.bodies[i % target.bodies.length] });
    const body = (await response.json()) as { errors?: unknown };
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (response.status !== 200 || body.errors) throw new Error(`request to ${target.path} failed (${response.status}): ${JSON.stringify(body).slice(0, 1000)}`);
  }
  const after = server ? (await metrics(server.port)).sqlStatements : 0;
  times.sort((a, b) => a - b);
  return { p50Ms: round(percentile(times, 50), 2), statements: server ? round((after - before) / samples, 1) : null };
}

interface ServerRun extends LoadResult, CpuShares {
  rssMb: number;
  eventLoopDelay: ServerMetrics['eventLoopDelay'];
}

/** A load run against the server, with what the server and the machine went through meanwhile. */
async function measuredRun(server: Child, floor: Child, runs: () => Promise<LoadResult[]>): Promise<{ results: LoadResult[]; server: Omit<ServerRun, keyof LoadResult> }> {
  await metrics(server.port, true);
  const before = cpuSnapshot(server, floor);
  const results = await runs();
  const shares = cpuShares(before, cpuSnapshot(server, floor));
  const after = await metrics(server.port);
  return { results, server: { rssMb: round(after.rssBytes / 1024 / 1024, 0), eventLoopDelay: after.eventLoopDelay, ...shares } };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface ScenarioResult {
  number: number;
  title: string;
  statementsPerRequest: number | null;
  sequentialP50Ms: number;
  runs: ServerRun[];
  floor?: { runs: (LoadResult & CpuShares & { rssMb: number })[]; sequentialP50Ms: number; ratioP50: Record<number, number> };
  parts?: Record<string, { p50Ms: number; statements: number | null }>;
  /** Scenario 7: what the cards went through while scenario 2 ran beside them. */
  /** Scenario 7, and the same cards alone at the same 6 connections just before: what the heavy query adds. */
  mixed?: { cards: LoadResult; selective: LoadResult; cardsAlone: LoadResult };
}

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** Where the requests go and why, in the words of issue 8. */
interface Scenario {
  number: number;
  title: string;
  bodies: string[];
  floor?: FloorScenario;
}

interface Setup {
  scenarios: Scenario[];
  matches: Record<string, number>;
  floorCheck: Record<number, 'identical' | string>;
  /** `{ __typename }`: what any request costs before it asks anything (HTTP, token, GraphQL). */
  emptyRequestP50Ms: number;
}

function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${at}: project ${JSON.stringify(a)?.slice(0, 200)} / floor ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const difference = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
    if (difference) return difference;
  }
  return `${at}: differ`;
}

async function setUp(server: Child, floor: Child, clients: number): Promise<Setup> {
  const emptyRequest = await sequential({ port: server.port, path: '/graphql', bodies: [body('{ __typename }')] }, null, 50);
  const matches: Record<string, number> = {};
  matches.all = (await graphql(server.port, `{ clients(first: 1) { totalCount } }`)).clients.totalCount;

  // Cards spread over the whole id range, so that no single page of the file stays hot.
  const cardIds = Array.from({ length: CARD_IDS }, (_, k) => String(1 + Math.floor(((k * 0.6180339887) % 1) * clients)));
  const probe = await graphql(server.port, `query($ids: [ID!]!) { clients(filter: { ids: $ids }, first: 500) { totalCount } }`, { ids: cardIds.slice(0, 500) });
  if (probe.clients.totalCount !== 500) throw new Error(`only ${probe.clients.totalCount} of 500 card ids exist`);

  const selective = await graphql(server.port, SELECTION_QUERY, { filter: SELECTIVE_FILTER });
  const broad = await graphql(server.port, SELECTION_QUERY, { filter: BROAD_FILTER });
  matches.selective = selective.clients.totalCount;
  matches.broad = broad.clients.totalCount;
  matches.namePrefix = (await graphql(server.port, SEARCH_QUERY, { prefix: NAME_PREFIX })).clients.totalCount;

  const floorCheck: Setup['floorCheck'] = {};
  for (const [scenario, project] of [[2, selective], [3, broad]] as const) {
    const response = await fetch(`http://127.0.0.1:${floor.port}/scenario/${scenario}`, { method: 'POST', body: '{}' });
    const answer = (await response.json()) as { data: unknown };
    const difference = firstDifference({ data: project }, answer);
    floorCheck[scenario] = difference === null ? 'identical' : difference;
    if (difference) console.warn(`WARNING: floor and project answer scenario ${scenario} differently: ${difference}`);
  }

  // Scenario 5 asks for page 200; the cursor of page 199 is found by paging, as a script would.
  let after: string | null = null;
  for (let page = 1; page < DEEP_PAGE_NUMBER; page++) {
    const data: any = await graphql(server.port, CURSOR_QUERY, { filter: BROAD_FILTER, after });
    if (!data.clients.pageInfo.hasNextPage) throw new Error(`the broad filter has fewer than ${DEEP_PAGE_NUMBER} pages`);
    after = data.clients.pageInfo.endCursor;
  }

  const existing = await graphql(server.port, `query($code: String!) { segment(code: $code) { code } }`, { code: CALL_SEGMENT.code });
  if (!existing.segment) {
    await graphql(server.port, `mutation($input: SegmentInput!) { createSegment(input: $input) { code } }`, { input: CALL_SEGMENT });
  }
  const calls = await graphql(server.port, CALL_LIST_QUERY, { segment: CALL_SEGMENT.code });
  matches.callList = calls.callList.totalCount;
  matches.callListExcluded = calls.callList.excludedCount;

  const scenarios: Scenario[] = [
    { number: 1, title: 'client card by id, all properties', bodies: cardIds.map((id) => body(CARD_QUERY, { id })) },
    { number: 2, title: 'selective filter: page of 50 + totalCount + 2 facets', bodies: [body(SELECTION_QUERY, { filter: SELECTIVE_FILTER })], floor: 2 },
    { number: 3, title: 'broad filter (~20%): page of 50 + totalCount + 2 facets', bodies: [body(SELECTION_QUERY, { filter: BROAD_FILTER })], floor: 3 },
    { number: 4, title: `name prefix search «${NAME_PREFIX}», 20 + totalCount`, bodies: [body(SEARCH_QUERY, { prefix: NAME_PREFIX })] },
    { number: 5, title: `page ${DEEP_PAGE_NUMBER} of the broad filter by keyset cursor`, bodies: [body(PAGING_QUERY, { filter: BROAD_FILTER, after })] },
    { number: 6, title: 'call list page for a DYNAMIC segment', bodies: [body(CALL_LIST_QUERY, { segment: CALL_SEGMENT.code })] },
    { number: 7, title: 'mixed: cards (6 connections) during scenario 2 (2 connections)', bodies: [] },
  ];
  return { scenarios, matches, floorCheck, emptyRequestP50Ms: emptyRequest.p50Ms };
}

async function runScenario(scenario: Scenario, all: Scenario[], server: Child, floor: Child, duration: number): Promise<ScenarioResult> {
  const target = (s: Scenario): Target => ({ port: server.port, path: '/graphql', bodies: s.bodies });
  if (scenario.number === 7) {
    const cards = all.find((s) => s.number === 1)!;
    const selective = all.find((s) => s.number === 2)!;
    const alone = await loadRun(target(cards), 6, duration);
    log(`  cards alone, 6 connections: ${alone.requestsPerSecond} req/s, p50 ${alone.p50Ms} ms, p99 ${alone.p99Ms} ms`);
    const { results, server: seen } = await measuredRun(server, floor, () =>
      Promise.all([loadRun(target(cards), 6, duration), loadRun(target(selective), 2, duration)]),
    );
    log(`  cards during scenario 2: ${results[0].requestsPerSecond} req/s, p50 ${results[0].p50Ms} ms, p99 ${results[0].p99Ms} ms`);
    return {
      number: 7,
      title: scenario.title,
      statementsPerRequest: null,
      sequentialP50Ms: NaN,
      runs: [{ ...results[0], ...seen }],
      mixed: { cards: results[0], selective: results[1], cardsAlone: alone },
    };
  }

  // Sequential first: it warms the server for this scenario and counts its statements.
  const { p50Ms, statements } = await sequential(target(scenario), server);
  const runs: ServerRun[] = [];
  for (const connections of CONNECTIONS) {
    const { results, server: seen } = await measuredRun(server, floor, async () => [await loadRun(target(scenario), connections, duration)]);
    runs.push({ ...results[0], ...seen });
    log(`  scenario ${scenario.number}, ${connections} connection(s): ${results[0].requestsPerSecond} req/s, p50 ${results[0].p50Ms} ms, p99 ${results[0].p99Ms} ms`);
  }
  const result: ScenarioResult = { number: scenario.number, title: scenario.title, statementsPerRequest: statements, sequentialP50Ms: p50Ms, runs };

  if (scenario.floor) {
    const floorTarget: Target = { port: floor.port, path: `/scenario/${scenario.floor}`, bodies: scenario.bodies };
    const floorSequential = await sequential(floorTarget, null);
    const floorRuns: NonNullable<ScenarioResult['floor']>['runs'] = [];
    for (const connections of CONNECTIONS) {
      const before = cpuSnapshot(server, floor);
      const run = await loadRun(floorTarget, connections, duration);
      floorRuns.push({ ...run, ...cpuShares(before, cpuSnapshot(server, floor)), rssMb: round(rssOf(floor.process.pid!) / 1024 / 1024, 0) });
      log(`  floor ${scenario.number}, ${connections} connection(s): ${run.requestsPerSecond} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms`);
    }
    const ratioP50 = Object.fromEntries(
      runs.map((run) => [run.connections, round(run.p50Ms / floorRuns.find((f) => f.connections === run.connections)!.p50Ms, 2)]),
    );
    result.floor = { runs: floorRuns, sequentialP50Ms: floorSequential.p50Ms, ratioP50 };

    // Which part of the selection costs what, each asked alone.
    const filter = scenario.floor === 2 ? SELECTIVE_FILTER : BROAD_FILTER;
    result.parts = {};
    for (const [part, query] of Object.entries(SELECTION_PARTS)) {
      result.parts[part] = await sequential({ port: server.port, path: '/graphql', bodies: [body(query, { filter })] }, server);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Query plans and the floor's statements, read in this process from the same file

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

function renderPlan(rows: PlanRow[]): string {
  const depth = new Map<number, number>([[0, -1]]);
  return rows
    .map((row) => {
      const level = (depth.get(row.parent) ?? -1) + 1;
      depth.set(row.id, level);
      return `${'  '.repeat(level)}${row.detail}`;
    })
    .join('\n');
}

interface StatementReport {
  label: string;
  p50Ms: number;
  plan: string;
}

function timeStatement(sqlite: Database.Database, statement: FloorStatement): StatementReport {
  const prepared = sqlite.prepare(statement.sql);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    prepared.all(...statement.params);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const plan = renderPlan(sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as PlanRow[]);
  return { label: statement.label, p50Ms: round(percentile(times, 50), 2), plan };
}

/** The plan SQLite chooses for the project's SQL form of a filter (a count over the compiled condition). */
function projectFilterPlan(sqlite: Database.Database, filter: ClientFilter): StatementReport {
  try {
    // Loaded here, not at the top: these modules are being reworked, and a plan is a nicety.
    const { compileClientFilter } = require('../src/modules/filter/filter.sql') as typeof import('../src/modules/filter/filter.sql');
    const { resolveClientFilter } = require('../src/modules/filter/filter.resolve') as typeof import('../src/modules/filter/filter.resolve');
    const db = drizzle(sqlite, { schema });
    const where = compileClientFilter(resolveClientFilter(db, filter));
    const query = db.select({ count: count() }).from(schema.clients).where(where).toSQL();
    return timeStatement(sqlite, {
      label: "for reference, the project's SQL form of the filter (a count over compileClientFilter's condition; the server runs it only where the client index does not answer)",
      sql: query.sql,
      params: query.params,
    });
  } catch (error) {
    return { label: "the project's SQL for the filter", p50Ms: NaN, plan: `unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function statementReports(dbPath: string): Record<FloorScenario, StatementReport[]> {
  const sqlite = new Database(dbPath, { readonly: true });
  const floor = openFloor(dbPath);
  try {
    const reports = {} as Record<FloorScenario, StatementReport[]>;
    for (const scenario of [2, 3] as const) {
      const filter = scenario === 2 ? SELECTIVE_FILTER : BROAD_FILTER;
      reports[scenario] = [...floor.statements(scenario).map((statement) => timeStatement(sqlite, statement)), projectFilterPlan(sqlite, filter)];
    }
    return reports;
  } finally {
    floor.close();
    sqlite.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

interface Machine {
  cpus: number;
  cpuModel: string;
  ramGb: number;
  node: string;
  os: string;
}

function machine(): Machine {
  const model = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpus: Number(execSync('nproc').toString().trim()),
    cpuModel: model,
    ramGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** Which server code was measured: the commit, and whether the server's sources differed from it. */
function sourceState(): string {
  try {
    const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
    const changed = execSync('git status --porcelain -- src schema drizzle', { cwd: ROOT }).toString().split('\n').filter(Boolean).length;
    return changed === 0 ? `commit ${commit} (src/, schema/ and drizzle/ as committed)` : `commit ${commit} plus uncommitted changes in ${changed} server file(s)`;
  } catch {
    return 'not a git checkout';
  }
}

interface Results {
  date: string;
  command: string;
  source: string;
  runSeconds: number;
  durationPerRun: number;
  machine: Machine;
  population: Omit<Population, 'dbPath'>;
  matches: Record<string, number>;
  floorCheck: Setup['floorCheck'];
  emptyRequestP50Ms: number;
  scenarios: ScenarioResult[];
  statements: Record<FloorScenario, StatementReport[]>;
  serverIdleRssMb: number;
}

const cpu = (shares: CpuShares) => `${shares.serverCpuPercent} / ${shares.loadGeneratorCpuPercent} / ${shares.otherCpuPercent}`;

const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));

function renderSection(results: Results): string {
  const { population, matches } = results;
  const lines: string[] = [];
  const perClient = (population.values / population.clients).toFixed(2);
  lines.push(`## ${formatInt(population.clients)} clients`, '');
  lines.push(
    `Run ${results.date} with \`${results.command}\` (${results.durationPerRun} s per load run), took ${(results.runSeconds / 60).toFixed(1)} min` +
      (population.cached ? ` (population reused from the cache; generating it took ${(population.loadSeconds / 60).toFixed(1)} min)` : ` including ${(population.loadSeconds / 60).toFixed(1)} min to generate the population`) +
      `. Code measured: ${results.source}.`,
    '',
    `Machine: ${results.machine.cpus} CPUs (\`nproc\`), ${results.machine.cpuModel}, ${results.machine.ramGb} GB RAM, Node ${results.machine.node}, ${results.machine.os}. ` +
      'Server, floor and load generator share these CPUs, over loopback.',
    '',
    `Data: ${formatInt(population.clients)} clients, ${formatInt(population.values)} values (${perClient} per client), ` +
      (population.load === 'import'
        ? `loaded through the API: definitions created with the project's services, then every client through \`importClients\` over HTTP in batches of ${formatInt(IMPORT_BATCH)} (with its history row), then \`ANALYZE\`.`
        : "written straight into SQLite by `bench/generate-population.ts` with prepared statements (definitions created through the project's services), then `ANALYZE`; not through the API's import, which would take several minutes at this size."),
    '',
    `Matches: scenario 2 (selective) ${formatInt(matches.selective)} clients (${((matches.selective / matches.all) * 100).toFixed(2)}%), ` +
      `scenario 3 and 5 (broad) ${formatInt(matches.broad)} (${((matches.broad / matches.all) * 100).toFixed(1)}%), ` +
      `scenario 4 (name prefix) ${formatInt(matches.namePrefix)}, scenario 6 call list ${formatInt(matches.callList)} to call and ${formatInt(matches.callListExcluded)} left out. ` +
      `Server RSS at start ${results.serverIdleRssMb} MB. An empty request (\`{ __typename }\`) takes ${ms(results.emptyRequestP50Ms)} ms (p50, sequential).`,
    '',
  );
  const floorNote = Object.entries(results.floorCheck)
    .map(([scenario, check]) => (check === 'identical' ? `scenario ${scenario}: identical` : `scenario ${scenario}: **differs** (${check})`))
    .join('; ');
  lines.push(`Floor and project answers compared before measuring: ${floorNote}.`, '');

  lines.push(
    '| # | scenario | conns | req/s | p50 ms | p99 ms | SQL/req | server RSS MB | loop delay p50 / p99 / max ms | CPU % server / load gen / other |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const scenario of results.scenarios) {
    for (const run of scenario.runs) {
      const errors = run.errors > 0 ? ` (${run.errors} errors)` : '';
      const delay = `${ms(run.eventLoopDelay.p50Ms)} / ${ms(run.eventLoopDelay.p99Ms)} / ${ms(run.eventLoopDelay.maxMs)}`;
      const conns = scenario.number === 7 ? '6 + 2' : String(run.connections);
      lines.push(
        `| ${scenario.number} | ${scenario.title} | ${conns} | ${formatInt(run.requestsPerSecond)}${errors} | ${ms(run.p50Ms)} | ${ms(run.p99Ms)} | ${scenario.statementsPerRequest ?? '–'} | ${run.rssMb} | ${delay} | ${cpu(run)} |`,
      );
    }
  }
  lines.push('');
  const busiest = Math.max(...results.scenarios.flatMap((s) => [...s.runs, ...(s.floor?.runs ?? [])].map((run) => run.otherCpuPercent)));
  if (busiest > DISTURBED_CPU_PERCENT) {
    lines.push(`**Disturbed:** processes outside the benchmark used up to ${busiest}% of a core during some runs (column "other"); those runs' figures are not clean.`, '');
  }
  const mixed = results.scenarios.find((s) => s.mixed)?.mixed;
  if (mixed) {
    lines.push(
      `Scenario 7: cards p50 ${ms(mixed.cards.p50Ms)} ms, **p99 ${ms(mixed.cards.p99Ms)} ms** at ${formatInt(mixed.cards.requestsPerSecond)} req/s ` +
        `while scenario 2 ran at ${formatInt(mixed.selective.requestsPerSecond)} req/s (p50 ${ms(mixed.selective.p50Ms)} ms, p99 ${ms(mixed.selective.p99Ms)} ms). ` +
        `The same cards alone at the same 6 connections, just before: p50 ${ms(mixed.cardsAlone.p50Ms)} ms, p99 ${ms(mixed.cardsAlone.p99Ms)} ms at ${formatInt(mixed.cardsAlone.requestsPerSecond)} req/s.`,
      '',
    );
  }

  const withFloor = results.scenarios.filter((s) => s.floor);
  if (withFloor.length > 0) {
    lines.push(
      '**Project against the floor** (hand-written SQL, `bench/floor-server.ts`; ratio > 1: the project is slower):',
      '',
      '| # | conns | floor req/s | floor p50 ms | floor p99 ms | CPU % floor / load gen / other | project p50 ms | project / floor p50 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const scenario of withFloor) {
      for (const run of scenario.floor!.runs) {
        const project = scenario.runs.find((r) => r.connections === run.connections)!;
        lines.push(
          `| ${scenario.number} | ${run.connections} | ${formatInt(run.requestsPerSecond)} | ${ms(run.p50Ms)} | ${ms(run.p99Ms)} | ${run.floorCpuPercent} / ${run.loadGeneratorCpuPercent} / ${run.otherCpuPercent} | ${ms(project.p50Ms)} | **${scenario.floor!.ratioP50[run.connections]}×** |`,
        );
      }
    }
    lines.push(
      '',
      '**Where the time goes** (median of sequential requests; each part asked alone, so each pays the request and the filter once):',
      '',
      '| # | whole selection | page + properties alone | totalCount alone | 2 facets alone | floor, whole |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const scenario of withFloor) {
      const parts = scenario.parts!;
      lines.push(
        `| ${scenario.number} | ${ms(scenario.sequentialP50Ms)} ms (${scenario.statementsPerRequest} SQL) | ${ms(parts.page.p50Ms)} ms (${parts.page.statements} SQL) | ${ms(parts.count.p50Ms)} ms (${parts.count.statements} SQL) | ${ms(parts.facets.p50Ms)} ms (${parts.facets.statements} SQL) | ${ms(scenario.floor!.sequentialP50Ms)} ms (2 SQL) |`,
      );
    }
    lines.push('');
  }

  lines.push('<details><summary>Query plans (EXPLAIN QUERY PLAN) and single-statement timings on this data</summary>', '');
  for (const scenario of [2, 3] as const) {
    for (const report of results.statements[scenario] ?? []) {
      lines.push(`Scenario ${scenario}, ${report.label}: ${ms(report.p50Ms)} ms`, '', '```', report.plan, '```', '');
    }
  }
  lines.push('</details>', '');
  return lines.join('\n');
}

const ANALYSIS = /<!-- analysis -->[\s\S]*?<!-- \/analysis -->/;

const REPORT_HEAD = `# Benchmarks

Issue 8's scenarios over HTTP against the real server, each beside what SQLite allows at best (the
"floor": hand-written SQL behind a bare \`node:http\` server on the same database file). Made by
\`npm run bench\` (\`bench/run.ts\`); each size's section below is rewritten by its own run, the other
sizes' sections are kept. Raw figures: \`bench/results-<clients>.json\`.

- **Load**: autocannon in the benchmark's own process, bounded in time, over loopback; the server
  (\`node --import tsx src/main.ts\`, \`METRICS=true\`, \`LOG_LEVEL=info\`, which logs nothing per
  request) and the floor each run in their own process. p50/p99 are computed from every
  response's own time (autocannon's histogram rounds to whole milliseconds); requests answered with
  an error would be counted apart (none were, unless the table says so).
- **SQL/req**: SQL statements the server ran over ${SEQUENTIAL_SAMPLES} sequential requests, divided by ${SEQUENTIAL_SAMPLES}
  (\`GET /metrics\`: every statement prepared on the connection reports each run, including those
  prepared once and kept). The client index's own bookkeeping is not in the figure: it checks the
  change counter and its change log on every read, with statements kept apart for that.
- **Loop delay**: \`perf_hooks.monitorEventLoopDelay\` in the server, sampled every 10 ms, reset before
  each load run; the figure is the delay beyond the sampling interval, that is, how long a timer or
  another request waited behind the work in progress.
- **CPU %**: CPU time the server (or the floor), the load generator (the benchmark's own process)
  and every other process on the machine used during the run, over the run's wall time; 100% is one
  core. The server runs JavaScript on one thread. "Other" above ${DISTURBED_CPU_PERCENT}% means the run was disturbed.
`;

const DEFAULT_ANALYSIS = `<!-- analysis -->
## What limits each figure

(Written by hand after a run; kept as it is when the sections above are rewritten.)
<!-- /analysis -->`;

function writeReport(results: Results): void {
  const existing = fs.existsSync(REPORT_FILE) ? fs.readFileSync(REPORT_FILE, 'utf8') : '';
  const sections = new Map<number, string>();
  for (const match of existing.matchAll(/<!-- bench:(\d+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) sections.set(Number(match[1]), match[0]);
  const clients = results.population.clients;
  sections.set(clients, `<!-- bench:${clients} -->\n${renderSection(results)}<!-- /bench:${clients} -->`);
  const analysis = ANALYSIS.exec(existing)?.[0] ?? DEFAULT_ANALYSIS;
  const ordered = [...sections.entries()].sort(([a], [b]) => a - b).map(([, text]) => text);
  fs.writeFileSync(REPORT_FILE, `${REPORT_HEAD}\n${ordered.join('\n\n')}\n\n${analysis}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = readOptions(argv);
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  const population = await preparePopulation(options);
  log(`${formatInt(population.clients)} clients, ${formatInt(population.values)} values`);

  const statements = statementReports(population.dbPath);
  log('starting the server and the floor');
  const server = await startServer(population.dbPath, true);
  const floor = await startChild('floor', ['bench/floor-server.ts', '--db', population.dbPath], {}, 5 * 60 * 1000);
  try {
    const serverIdleRssMb = round((await metrics(server.port)).rssBytes / 1024 / 1024, 0);
    const quiet = cpuSnapshot(server, floor);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idle = cpuShares(quiet, cpuSnapshot(server, floor));
    if (idle.otherCpuPercent > DISTURBED_CPU_PERCENT) {
      console.warn(`WARNING: other processes use ${idle.otherCpuPercent}% of a core on this ${machine().cpus}-CPU machine; the figures will be disturbed.`);
    }
    log('setting up: match counts, floor check, cursor of page 199, the segment');
    const setup = await setUp(server, floor, population.clients);
    log(`matches: ${JSON.stringify(setup.matches)}`);

    const results: ScenarioResult[] = [];
    for (const scenario of setup.scenarios) {
      if (options.only && !options.only.has(scenario.number)) continue;
      log(`scenario ${scenario.number}: ${scenario.title}`);
      results.push(await runScenario(scenario, setup.scenarios, server, floor, options.duration));
    }

    const report: Results = {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      command,
      source: sourceState(),
      runSeconds: round((Date.now() - startedAt) / 1000, 0),
      durationPerRun: options.duration,
      machine: machine(),
      population: { cached: population.cached, load: population.load, loadSeconds: round(population.loadSeconds, 0), clients: population.clients, values: population.values },
      matches: setup.matches,
      floorCheck: setup.floorCheck,
      emptyRequestP50Ms: setup.emptyRequestP50Ms,
      scenarios: results,
      statements,
      serverIdleRssMb,
    };
    console.info(`\n${renderSection(report)}`);
    if (options.only) {
      log('--only: BENCHMARKS.md and the results file left as they are (a partial run makes no section)');
    } else {
      fs.writeFileSync(path.join(__dirname, `results-${population.clients}.json`), `${JSON.stringify(report, null, 1)}\n`);
      writeReport(report);
    }
  } finally {
    // The floor first: the server, last to close the file, then folds the write-ahead log back into it.
    await stopChild(floor);
    await stopChild(server);
  }
  log(`done in ${((Date.now() - startedAt) / 60000).toFixed(1)} min`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
