import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeDatabase, migrateDatabase, MIGRATIONS_FOLDER, openDatabase, type Connection } from '../src/db/connection';
import { createClient, defineStory } from './helpers/factories';
import { startTestServer } from './helpers/test-server';

/** A table rebuild exactly as drizzle-kit writes one to change a column of `clients`. */
const REBUILD_CLIENTS = `PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE \`__new_clients\` AS SELECT * FROM \`clients\` WHERE 0;--> statement-breakpoint
DROP TABLE \`__new_clients\`;--> statement-breakpoint
CREATE TABLE \`__new_clients\` (
	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`external_id\` text,
	\`name\` text NOT NULL,
	\`manager\` text,
	\`phone\` text,
	\`email\` text,
	\`do_not_contact\` integer DEFAULT false NOT NULL,
	\`relationship_type_id\` integer,
	\`name_folded\` text NOT NULL,
	\`manager_folded\` text,
	\`external_id_folded\` text,
	\`created_at\` integer NOT NULL,
	\`updated_at\` integer NOT NULL,
	FOREIGN KEY (\`relationship_type_id\`) REFERENCES \`relationship_types\`(\`id\`) ON UPDATE no action ON DELETE restrict
);--> statement-breakpoint
INSERT INTO \`__new_clients\` SELECT * FROM \`clients\`;--> statement-breakpoint
DROP TABLE \`clients\`;--> statement-breakpoint
ALTER TABLE \`__new_clients\` RENAME TO \`clients\`;--> statement-breakpoint
PRAGMA foreign_keys=ON;`;

function migrationsWithRebuild(dir: string): string {
  const folder = path.join(dir, 'drizzle');
  fs.cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8'));
  const last = journal.entries[journal.entries.length - 1];
  journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1, tag: '9999_rebuild_clients', breakpoints: true });
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  fs.writeFileSync(path.join(folder, '9999_rebuild_clients.sql'), REBUILD_CLIENTS);
  return folder;
}

const count = (db: Connection, table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('migrations on a database that holds data', () => {
  let dir: string;
  let dbPath: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migration-'));
    dbPath = path.join(dir, 'crm.sqlite');
    const server = await startTestServer({ dbPath });
    await defineStory(server);
    for (let i = 0; i < 5; i++) {
      await createClient(server, { name: `Клиент ${i}`, relationshipType: 'our_client', properties: [{ code: 'used_service', values: ['svc1', 'svc2'] }] });
    }
    await server.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every child row through a drizzle-kit table rebuild', () => {
    const copy = path.join(dir, 'ours.sqlite');
    fs.copyFileSync(dbPath, copy);
    const db = openDatabase(copy);
    expect(count(db, 'client_property_values')).toBe(10);
    migrateDatabase(db, migrationsWithRebuild(dir));
    expect(count(db, 'clients')).toBe(5);
    expect(count(db, 'client_property_values')).toBe(10);
    expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    closeDatabase(db);
  });

  it('is needed: the plain migrator would cascade-delete the values (the trap it guards against)', () => {
    const copy = path.join(dir, 'plain.sqlite');
    fs.copyFileSync(dbPath, copy);
    const db = openDatabase(copy);
    migrate(db, { migrationsFolder: migrationsWithRebuild(dir) });
    expect(count(db, 'client_property_values')).toBe(0);
    closeDatabase(db);
  });

  it('is idempotent: migrating an up-to-date database changes nothing', () => {
    const db = openDatabase(dbPath);
    migrateDatabase(db);
    expect(count(db, 'client_property_values')).toBe(10);
    closeDatabase(db);
  });
});
