import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer } from './helpers/test-server';

const ROOT = path.resolve(__dirname, '..');

function tokenCommand(dbPath: string, ...args: string[]): { stdout: string; status: number } {
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DB_PATH: dbPath },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { stdout, status: 0 };
  } catch (error: any) {
    return { stdout: String(error.stdout ?? ''), status: error.status ?? 1 };
  }
}

describe('tokens from the command line and at first start', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-tokens-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a token printed alone on the last line, lists it without the secret, and revokes it', async () => {
    const dbPath = path.join(dir, 'cli.sqlite');
    const created = tokenCommand(dbPath, 'create', '--name', 'analyst', '--role', 'VIEWER');
    expect(created.status).toBe(0);
    const lines = created.stdout.trim().split('\n');
    const token = lines[lines.length - 1];
    expect(token).toMatch(/^crm_[\w-]{40,}$/);

    const listed = tokenCommand(dbPath, 'list');
    expect(listed.stdout).toContain('analyst\tVIEWER');
    expect(listed.stdout).not.toContain(token);
    expect(fs.readFileSync(dbPath).includes(Buffer.from(token))).toBe(false);

    const server = await startTestServer({ dbPath });
    try {
      expect((await server.request('{ relationshipTypes { code } }', {}, { token })).data).toEqual({ relationshipTypes: [] });
      const write = await server.request('mutation { createPropertySet(input: { code: "x", name: "X" }) { id } }', {}, { token });
      expect(write.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(tokenCommand(dbPath, 'revoke', '--name', 'analyst').status).toBe(0);
      expect((await server.request('{ relationshipTypes { code } }', {}, { token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await server.close();
    }
    expect(tokenCommand(dbPath, 'revoke', '--name', 'analyst').status).toBe(1);
    expect(tokenCommand(dbPath, 'create', '--name', 'x', '--role', 'BOSS').status).not.toBe(0);
  });

  it('makes an admin token on a first start with none, and tells the person at the console once', async () => {
    const dbPath = path.join(dir, 'first.sqlite');
    const run = () =>
      new Promise<{ output: string; url: string; stop: () => void }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
          cwd: ROOT,
          env: { ...process.env, PORT: '0', DB_PATH: dbPath, DEMO_DATA: 'false', ADMIN_TOKEN: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        const timer = setTimeout(() => reject(new Error(output)), 30000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const port = /"port":(\d+)/.exec(output)?.[1];
          // The first-start notice follows the listening line; give it a moment to arrive.
          if (port) setTimeout(() => { clearTimeout(timer); resolve({ output, url: `http://127.0.0.1:${port}/graphql`, stop: () => child.kill() }); }, 300);
        });
      });
    const first = await run();
    const token = /\n {2}(crm_[\w-]+)\n/.exec(first.output)?.[1];
    expect(token).toBeDefined();
    const response = await fetch(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createPropertySet(input: { code: "x", name: "X" }) { code } }' }),
    });
    expect(await response.json()).toEqual({ data: { createPropertySet: { code: 'x' } } });
    first.stop();
    const second = await run();
    expect(second.output).not.toContain('crm_');
    second.stop();
  }, 60000);
});
