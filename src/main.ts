import { readConfig } from './config';
import { closeDatabase, migrateDatabase, openDatabase } from './db/connection';
import { loadDemoDataIfEmpty } from './db/demo-data';
import { createApp } from './server';

async function main(): Promise<void> {
  const config = readConfig();
  const db = openDatabase(config.dbPath, { synchronous: config.synchronous });
  migrateDatabase(db);
  if (config.demoData && loadDemoDataIfEmpty(db)) console.info('Loaded the demo company into an empty database');
  const { httpServer, apollo } = await createApp({ db });
  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.info(`CRM segmentation API at http://localhost:${port}/graphql (database ${config.dbPath})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`${signal}: finishing requests and closing the database`);
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
