import { closeDatabase, migrateDatabase, openDatabase, type Connection } from '../src/db/connection';
import { clients } from '../src/db/schema';
import { compileClientFilter } from '../src/modules/filter/filter.sql';
import { resolveClientFilter } from '../src/modules/filter/filter.resolve';
import { generatePopulation } from '../bench/generate-population';
import { SAMPLE_FILTERS } from '../bench/explain-filters';

let db: Connection;
beforeAll(() => {
  db = openDatabase(':memory:');
  migrateDatabase(db);
  generatePopulation(db, 3000);
});
afterAll(() => closeDatabase(db));

function plan(filter: (typeof SAMPLE_FILTERS)[string]): string[] {
  const where = compileClientFilter(resolveClientFilter(db, filter));
  const { sql, params } = db.select({ id: clients.id }).from(clients).where(where).toSQL();
  return (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as { detail: string }[]).map((row) => row.detail);
}

/** Operators that can only be answered by reading every client (a search inside texts, a complement). */
const SCANS_BY_NATURE = new Set(['name contains', 'relationshipType notIn', 'contactable', 'noneOf']);

describe('query plans', () => {
  it.each(Object.keys(SAMPLE_FILTERS).filter((label) => !SCANS_BY_NATURE.has(label)))('%s starts from an index, not a scan of clients', (label) => {
    const details = plan(SAMPLE_FILTERS[label]);
    expect(details.some((d) => /^SCAN clients/.test(d))).toBe(false);
    expect(details.some((d) => /USING (COVERING )?INDEX|PRIMARY KEY/.test(d))).toBe(true);
  });

  it('reads property values through their indexes in every subquery', () => {
    for (const label of ['anyOf (common)', 'allOf', 'noneOf', 'exactly', 'exists', 'number range', 'date range']) {
      const details = plan(SAMPLE_FILTERS[label]);
      expect(details.some((d) => /SCAN client_property_values/.test(d))).toBe(false);
      expect(details.some((d) => /client_property_values USING (COVERING )?INDEX client_property_values_by_(value|number)_idx/.test(d))).toBe(true);
    }
  });
});
