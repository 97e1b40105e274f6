/**
 * Prints, for one filter per operator, the query plan SQLite chooses and how long a page, a count
 * and two facets take, straight through the project's filter compiler (no HTTP).
 *
 *   npx tsx bench/explain-filters.ts --db /tmp/crm-100k.sqlite
 */
import { openDatabase } from '../src/db/connection';
import type { ClientFilter } from '../src/generated/graphql';
import { propertyFacets } from '../src/modules/client/client-facets';
import { clientConnection } from '../src/modules/client/client-page';
import { compileClientFilter } from '../src/modules/filter/filter.sql';
import { resolveClientFilter } from '../src/modules/filter/filter.resolve';

export const SAMPLE_FILTERS: Record<string, ClientFilter> = {
  'name startsWith (Cyrillic)': { name: { startsWith: 'ооо «рога' } },
  'name contains': { name: { contains: 'копыта 12' } },
  'name equals': { name: { equals: 'ООО «ТЕХНОСЕРВИС 12345»' } },
  'manager equals': { manager: { equals: 'ORLOV' } },
  'externalId startsWith': { externalId: { startsWith: '1c-00012' } },
  'relationshipType in': { relationshipType: { in: ['partner', 'competitor'] } },
  'relationshipType notIn': { relationshipType: { notIn: ['our_client', 'prospect'] } },
  contactable: { contactable: true },
  'ids': { ids: ['1', '2', '50000'] },
  'anyOf (rare)': { property: { code: 'certification', anyOf: ['fstec'] } },
  'anyOf (common)': { property: { code: 'used_service', anyOf: ['service_1', 'service_2'] } },
  allOf: { property: { code: 'used_service', allOf: ['service_1', 'service_2'] } },
  noneOf: { property: { code: 'used_service', noneOf: ['service_1'] } },
  exactly: { property: { code: 'used_service', exactly: ['service_1'] } },
  exists: { property: { code: 'contract_until', exists: true } },
  'number range': { property: { code: 'annual_revenue', gte: '1000000', lt: '5000000' } },
  'date range': { property: { code: 'contract_until', gte: '2025-01-01', lt: '2025-02-01' } },
  'string contains': { property: { code: 'tags', contains: 'ёлка' } },
  'createdAt range': { createdAt: { from: new Date(Date.UTC(2024, 0, 1, 5)), to: new Date(Date.UTC(2024, 0, 1, 6)) } },
  'selective (scenario 2)': {
    relationshipType: { in: ['our_client', 'partner', 'former_client'] },
    and: [
      { property: { code: 'product_interest', anyOf: ['product_1', 'product_2', 'product_3'] } },
      { property: { code: 'used_service', allOf: ['service_1', 'service_2'] } },
      { property: { code: 'channel', noneOf: ['call'] } },
      { property: { code: 'annual_revenue', gte: '100000', lt: '5000000' } },
    ],
  },
  'broad (scenario 3)': { relationshipType: { in: ['our_client'] }, property: { code: 'region', anyOf: ['moscow', 'spb'] } },
};

function timed<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dbPath = args[args.indexOf('--db') + 1] ?? '/tmp/crm-100k.sqlite';
  const verbose = args.includes('--plans');
  const db = openDatabase(dbPath);
  const sqlite = db.$client;
  const plans: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    if (verbose && !source.startsWith('EXPLAIN')) {
      const plan = prepare(`EXPLAIN QUERY PLAN ${source}`);
      plans.push(source.slice(0, 160));
      (prepare as any).__lastPlan = plan;
    }
    return prepare(source);
  }) as typeof sqlite.prepare;
  console.info(`| filter | matches | page 50 ms | count ms | 2 facets ms |`);
  console.info(`|---|---:|---:|---:|---:|`);
  for (const [label, filter] of Object.entries(SAMPLE_FILTERS)) {
    const node = resolveClientFilter(db, filter);
    const where = compileClientFilter(node);
    const [connection, pageMs] = timed(() => clientConnection(db, { filter: node, first: 50 }, null));
    const [count, countMs] = timed(() => connection.countAll());
    const [, facetMs] = timed(() => propertyFacets(connection, ['used_service', 'region']));
    console.info(`| ${label} | ${count} | ${pageMs.toFixed(1)} | ${countMs.toFixed(1)} | ${facetMs.toFixed(1)} |`);
    if (verbose && where) {
      const { sql, params } = db.select().from((require('../src/db/schema') as typeof import('../src/db/schema')).clients).where(where).toSQL();
      for (const row of prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as { detail: string }[]) console.info(`    ${row.detail}`);
    }
  }
}
