import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadDemoData } from '../src/db/demo-data';
import { createClient } from './helpers/factories';
import { startTestServer, type TestServer } from './helpers/test-server';
import { generatePopulation } from '../bench/generate-population';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');

/** Runs one of the project's command-line tools against a server, as a user would. */
async function cli(script: string, args: string[], server: TestServer, token = server.adminToken) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, CRM_URL: server.url, CRM_TOKEN: token },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return { code: error.code as number, stdout: String(error.stdout), stderr: String(error.stderr) };
  }
}

const TRICKY = ['a|b', 'back\\slash', 'кавычки "ёлочкой"', 'точка; с запятой', 'запятая, вот', 'две\nстроки', '\\|', 'Ёжик ', '=1+1'];

/** Everything a client holds, as comparable data: the same on both sides of a round trip. */
async function snapshot(server: TestServer): Promise<any[]> {
  const clients: any[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await server.gql(
      `query($after: String) { clients(first: 500, after: $after) { pageInfo { hasNextPage endCursor }
        nodes { externalId name manager phone email doNotContact relationshipType { code } properties { property { code } values } } } }`,
      { after },
    );
    clients.push(...data.clients.nodes);
    if (!data.clients.pageInfo.hasNextPage) break;
    after = data.clients.pageInfo.endCursor;
  }
  return clients.sort((a, b) => `${a.externalId}|${a.name}`.localeCompare(`${b.externalId}|${b.name}`));
}

/** The same definitions in another database, copied through the API. */
async function copyDefinitions(from: TestServer, to: TestServer): Promise<void> {
  const data = await from.gql(`{
    relationshipTypes { code name description contactPolicy briefing }
    propertySets { code name description properties { code name valueType multiple showInBriefing options(includeArchived: true) { code label archived } } }
  }`);
  for (const input of data.relationshipTypes) await to.gql(`mutation($input: RelationshipTypeInput!) { createRelationshipType(input: $input) { id } }`, { input });
  for (const set of data.propertySets) {
    await to.gql(`mutation($input: PropertySetInput!) { createPropertySet(input: $input) { id } }`, { input: { code: set.code, name: set.name, description: set.description } });
    for (const p of set.properties) {
      const options = p.valueType === 'ENUM' ? p.options.map((o: any) => ({ code: o.code, label: o.label })) : null;
      await to.gql(`mutation($input: PropertyInput!) { createProperty(input: $input) { id } }`, {
        input: { set: set.code, code: p.code, name: p.name, valueType: p.valueType, multiple: p.multiple, showInBriefing: p.showInBriefing, options },
      });
    }
  }
}

let dir: string;
let source: TestServer;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-export-'));
  source = await startTestServer();
  loadDemoData(source.db);
  await createClient(source, { name: 'Кавычки "и" ; разделители\nв имени', externalId: 'TRICKY-1', manager: 'a;b', properties: [{ code: 'tags', values: TRICKY }] });
  await createClient(source, { name: 'Без кода и значений' });
});
afterAll(async () => {
  await source.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function exportText(server: TestServer, query: string, token = server.adminToken) {
  const response = await fetch(`${server.url}/export/clients?${query}`, { headers: { authorization: `Bearer ${token}` } });
  // Decoded by hand: Response.text() would quietly drop the byte-order mark this test checks for.
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, text: bytes.toString('utf8') };
}

describe('export', () => {
  it('writes CSV for Excel with Russian settings: BOM, semicolons, RFC 4180 quoting, a column per property', async () => {
    const { status, headers, text } = await exportText(source, 'format=csv');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(text.startsWith('\uFEFFid;externalId;name;manager;phone;email;doNotContact;relationshipType;createdAt;updatedAt;used_service;')).toBe(true);
    expect(text).toContain('"Кавычки ""и"" ; разделители\nв имени"');
    expect(text).toContain('"a;b"');
    expect(text).toContain('service_1|service_2');
  });

  it('writes JSON lines, and narrows by segment and filter with the same checks as GraphQL', async () => {
    const all = (await exportText(source, 'format=jsonl')).text.trim().split('\n').map((line) => JSON.parse(line));
    expect(all).toHaveLength(302);
    const tricky = all.find((c) => c.externalId === 'TRICKY-1');
    expect(tricky.properties.tags).toEqual([...TRICKY.map((t) => t.trim())].sort((a, b) => (a < b ? -1 : 1)));
    const size = (await source.gql(`{ segment(code: "service_1_users") { size } }`)).segment.size;
    const segment = (await exportText(source, 'format=jsonl&segment=service_1_users')).text.trim().split('\n');
    expect(segment).toHaveLength(size);
    const filter = encodeURIComponent(JSON.stringify({ relationshipType: { in: ['partner_client'] }, name: { startsWith: 'ип' } }));
    const narrowed = (await exportText(source, `format=jsonl&segment=service_1_users&filter=${filter}`)).text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const expected = await source.gql(`{ segment(code: "service_1_users") { clients(first: 500, filter: { relationshipType: { in: ["partner_client"] }, name: { startsWith: "ип" } }) { totalCount } } }`);
    expect(narrowed.length).toBe(expected.segment.clients.totalCount);
    expect(narrowed.every((c) => c.relationshipType === 'partner_client')).toBe(true);
  });

  it('refuses what GraphQL refuses, with the same codes', async () => {
    const cases: Array<[string, number, string, string | undefined]> = [
      ['format=xml', 400, 'BAD_USER_INPUT', 'format'],
      ['segment=nope', 400, 'BAD_USER_INPUT', 'segment'],
      [`filter=${encodeURIComponent('{"or":[]}')}`, 400, 'BAD_USER_INPUT', 'filter.or'],
      [`filter=${encodeURIComponent('{"property":{"code":"region","gt":"moscow"}}')}`, 400, 'BAD_USER_INPUT', 'filter.property.gt'],
      [`filter=${encodeURIComponent('{"name":5}')}`, 400, 'BAD_USER_INPUT', 'filter.name'],
      ['filter=not-json', 400, 'BAD_USER_INPUT', 'filter'],
    ];
    for (const [query, status, code, field] of cases) {
      const response = await exportText(source, query);
      expect({ query, status: response.status, ...JSON.parse(response.text).errors[0].extensions }).toMatchObject({ query, status, code, field });
    }
    const anonymous = await fetch(`${source.url}/export/clients`);
    expect(anonymous.status).toBe(401);
    const viewer = await exportText(source, 'format=jsonl&segment=vip_moscow', source.tokenFor('VIEWER'));
    expect(viewer.status).toBe(200);
  });

  it('streams a large population a thousand clients at a time, never all at once', async () => {
    const big = await startTestServer();
    try {
      generatePopulation(big.db, 5500);
      const { result, statements } = await big.countStatements(() => exportText(big, 'format=csv'));
      expect(result.text.trim().split('\r\n')).toHaveLength(5501);
      const pages = statements.filter((s) => s.startsWith('select') && s.includes('"sort_0"'));
      expect(pages).toHaveLength(6);
      expect(statements.every((s) => !/limit/i.test(s) || /limit \?/.test(s))).toBe(true);
    } finally {
      await big.close();
    }
  }, 60000);
});

describe('the round trip', () => {
  it.each(['csv', 'jsonl'])('exports the demo company as %s with the command line, and importing the file into an empty database gives the same clients', async (format) => {
    const file = path.join(dir, `clients.${format}`);
    const exported = await cli('src/cli/export.ts', ['--format', format, '--out', file], source);
    expect(exported).toMatchObject({ code: 0 });
    const target = await startTestServer();
    try {
      await copyDefinitions(source, target);
      const imported = await cli('src/cli/import.ts', [file], target, target.tokenFor('EDITOR'));
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toContain('302 row(s)');
      expect(await snapshot(target)).toEqual(await snapshot(source));
    } finally {
      await target.close();
    }
  }, 60000);

  it('reports every bad row of a file and imports nothing from it', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      file,
      '\uFEFFexternalId;name;relationshipType;region;tags\r\nOK-1;Хороший;our_client;moscow;x|y\r\nBAD-1;;our_client;;\r\nBAD-2;Плохой регион;;atlantis;\r\nOK-2;Тоже хороший;;;"a;b"\r\n',
    );
    const target = await startTestServer();
    try {
      await copyDefinitions(source, target);
      const result = await cli('src/cli/import.ts', [file], target);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('2 bad row(s); nothing was imported');
      expect(result.stderr).toContain('record 2, name');
      expect(result.stderr).toContain('record 3, properties.0.values');
      expect((await target.gql(`{ clients { totalCount } }`)).clients.totalCount).toBe(0);
    } finally {
      await target.close();
    }
  }, 60000);

  it('clears a property for an empty cell and keeps what a missing column does not name', async () => {
    const target = await startTestServer();
    try {
      await copyDefinitions(source, target);
      await createClient(target, { name: 'A', externalId: 'K-1', phone: '123', properties: [{ code: 'tags', values: ['x'] }, { code: 'region', values: ['spb'] }] });
      const file = path.join(dir, 'partial.csv');
      fs.writeFileSync(file, '\uFEFFexternalId;name;tags\r\nK-1;A2;\r\n');
      expect((await cli('src/cli/import.ts', [file], target)).code).toBe(0);
      const read = await target.gql(`{ clientByExternalId(externalId: "K-1") { name phone properties { property { code } values } } }`);
      expect(read.clientByExternalId).toEqual({ name: 'A2', phone: '123', properties: [{ property: { code: 'region' }, values: ['spb'] }] });
    } finally {
      await target.close();
    }
  }, 60000);
});
