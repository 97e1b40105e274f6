/**
 * npm run token -- create --name NAME --role VIEWER|EDITOR|ADMIN   (prints the token alone on the last line)
 * npm run token -- list
 * npm run token -- revoke --name NAME
 *
 * Works on the database at DB_PATH directly, like the server; tokens are stored only as hashes.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readConfig } from '../config';
import { closeDatabase, migrateDatabase, openDatabase } from '../db/connection';
import type { Role } from '../db/schema';
import { createToken, listTokens, revokeTokens, ROLES } from '../modules/auth/auth.service';

function parseRole(value: string): Role {
  const role = value.toUpperCase() as Role;
  if (!ROLES.includes(role)) throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`);
  return role;
}

function withDatabase<T>(work: (db: ReturnType<typeof openDatabase>) => T): T {
  const config = readConfig();
  const db = openDatabase(config.dbPath, { synchronous: config.synchronous });
  try {
    migrateDatabase(db);
    return work(db);
  } finally {
    closeDatabase(db);
  }
}

const program = new Command('token').description('API tokens of the CRM segmentation API (database at DB_PATH)');

program
  .command('create')
  .description('create a token and print it once, alone on the last line')
  .requiredOption('--name <name>', 'who uses it; recorded as the actor in history')
  .requiredOption('--role <role>', 'VIEWER, EDITOR or ADMIN', parseRole)
  .action(({ name, role }: { name: string; role: Role }) => {
    const { token } = withDatabase((db) => createToken(db, name, role));
    process.stderr.write(`Created a ${role} token "${name}". It is shown once; store it now.\n`);
    process.stdout.write(`${token}\n`);
  });

program
  .command('list')
  .description('list tokens (never the secrets)')
  .action(() => {
    const rows = withDatabase((db) => listTokens(db));
    for (const row of rows) {
      const state = row.revokedAt ? `revoked ${new Date(row.revokedAt).toISOString()}` : 'active';
      process.stdout.write(`${row.name}\t${row.role}\tcreated ${new Date(row.createdAt).toISOString()}\t${state}\n`);
    }
    if (rows.length === 0) process.stdout.write('No tokens.\n');
  });

program
  .command('revoke')
  .description('revoke every active token with this name')
  .requiredOption('--name <name>', 'the token name')
  .action(({ name }: { name: string }) => {
    const revoked = withDatabase((db) => revokeTokens(db, name));
    if (revoked === 0) {
      process.stderr.write(`No active token is named "${name}".\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`Revoked ${revoked} token(s) named "${name}".\n`);
  });

program.parseAsync(process.argv).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
