import { readConfig } from './config';
import { closeDatabase, migrateDatabase, openDatabase } from './db/connection';
import { loadDemoDataIfEmpty } from './db/demo-data';
import { createLogger } from './logger';
import { createFirstAdminTokenIfNone } from './modules/auth/auth.service';
import { createApp } from './server';

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  // A leftover rejection must never take the whole service down; it is logged to be fixed.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const db = openDatabase(config.dbPath, { synchronous: config.synchronous });
  migrateDatabase(db);
  if (config.demoData && loadDemoDataIfEmpty(db)) logger.info('loaded the demo company into an empty database');
  const firstToken = createFirstAdminTokenIfNone(db, config.adminToken);
  const { httpServer, apollo } = await createApp({ db, logger, adminToken: config.adminToken, metrics: config.metrics });
  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, database: config.dbPath }, `CRM segmentation API at http://localhost:${port}/graphql`);
  if (firstToken) {
    // Said once, to the person at the console: the token is stored only as a hash.
    process.stdout.write(
      `\nNo API token existed, so an ADMIN token named "first-admin" was created. Keep it; it is not shown again:\n\n  ${firstToken}\n\n` +
        `Send it as "Authorization: Bearer <token>". Make more with: npm run token -- create --name NAME --role VIEWER|EDITOR|ADMIN\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing requests and closing the database`);
    await apollo.stop();
    closeDatabase(db);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
