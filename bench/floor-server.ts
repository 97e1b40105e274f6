/**
 * The floor: what SQLite itself allows for scenarios 2 and 3, to measure the project against. A bare
 * node:http server over the same database file, opened read-only, answering each scenario with SQL
 * written by hand for that one filter, and the same JSON the GraphQL API gives for SELECTION_QUERY.
 *
 *   npx tsx bench/floor-server.ts --db FILE      prints {"port":N}; POST /scenario/2 or /scenario/3
 *
 * Per request, two statements: one pass that finds the matching clients once (materialized) and
 * derives from them the count, both facets and the ids of the page; then the page's clients with
 * their values. Definitions (properties, options, types) are read once at start: the floor serves a
 * database nobody changes.
 */
import http from 'node:http';
import Database from 'better-sqlite3';
import { BROAD, FACET_PROPERTIES, PAGE_SIZE, SELECTIVE } from './scenarios';
import { displayValue } from '../src/modules/property/property-values';

interface PropertyDefinition {
  id: number;
  code: string;
  setId: number;
  valueType: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATE' | 'ENUM';
}

interface OptionDefinition {
  id: number;
  propertyId: number;
  code: string;
  label: string;
  archived: number;
}

interface TypeDefinition {
  id: number;
  code: string;
  name: string;
}

interface Definitions {
  propertiesByCode: Map<string, PropertyDefinition>;
  propertiesById: Map<number, PropertyDefinition>;
  /** In option order, as facets and values list them. */
  optionsByProperty: Map<number, OptionDefinition[]>;
  typesByCode: Map<string, TypeDefinition>;
  typesById: Map<number, TypeDefinition>;
}

export interface FloorStatement {
  label: string;
  sql: string;
  params: unknown[];
}

export type FloorScenario = 2 | 3;

function loadDefinitions(db: Database.Database): Definitions {
  const properties = db
    .prepare('select id, code, set_id as setId, value_type as valueType from properties order by set_id, id')
    .all() as PropertyDefinition[];
  const options = db
    .prepare('select id, property_id as propertyId, code, label, archived from property_options order by property_id, position, id')
    .all() as OptionDefinition[];
  const types = db.prepare('select id, code, name from relationship_types order by id').all() as TypeDefinition[];
  const optionsByProperty = new Map<number, OptionDefinition[]>(properties.map((p) => [p.id, []]));
  for (const option of options) optionsByProperty.get(option.propertyId)!.push(option);
  return {
    propertiesByCode: new Map(properties.map((p) => [p.code, p])),
    propertiesById: new Map(properties.map((p) => [p.id, p])),
    optionsByProperty,
    typesByCode: new Map(types.map((t) => [t.code, t])),
    typesById: new Map(types.map((t) => [t.id, t])),
  };
}

const placeholders = (items: readonly unknown[]) => items.map(() => '?').join(', ');

/** The ids of the first page (one more, to tell whether a next page exists), in name order. */
const pageIdsColumn = (source: string) =>
  `(select json_group_array(id order by name_folded, id) from (${source} order by c.name_folded, c.id limit ${PAGE_SIZE + 1}))`;

/**
 * Scenario 2. The five conditions are read as sorted runs of client ids from the value indexes and
 * merged (INTERSECT, EXCEPT): every run is read once, and no condition is probed per client. The
 * relationship types, the least selective, are checked only on the survivors. The few matches are
 * then joined to their facet values through the primary key and sorted by name for the page.
 */
function selectiveStatement(definitions: Definitions): FloorStatement {
  const id = (code: string) => definitions.propertiesByCode.get(code)!.id;
  const { productInterest, usedService, channel, revenue } = SELECTIVE;
  const types = SELECTIVE.types.map((code) => definitions.typesByCode.get(code)!.id);
  const facetIds = FACET_PROPERTIES.map(id);
  const allOfRuns = usedService.allOf.map(() => `select client_id from client_property_values where property_id = ? and value_key = ?`);
  const sql = `with matched(id) as materialized (
      select s.client_id from (
        ${allOfRuns.join('\n        intersect ')}
        intersect select client_id from client_property_values where property_id = ? and number_value >= ? and number_value < ?
        intersect select client_id from client_property_values where property_id = ? and value_key in (${placeholders(productInterest.anyOf)})
        except select client_id from client_property_values where property_id = ? and value_key in (${placeholders(channel.noneOf)})
      ) s cross join clients c on c.id = s.client_id
      where c.relationship_type_id in (${placeholders(types)})
    ),
    facet_values as materialized (
      select v.property_id, v.client_id, v.value_key from matched m
      cross join client_property_values v on v.client_id = m.id and v.property_id in (${placeholders(facetIds)})
    )
    select 'total' as part, null as property_id, null as value, count(*) as n from matched
    union all select 'value', property_id, value_key, count(*) from facet_values group by property_id, value_key
    union all select 'holders', property_id, null, count(distinct client_id) from facet_values group by property_id
    union all select 'page', null, ${pageIdsColumn('select c.id, c.name_folded from matched m cross join clients c on c.id = m.id')}, null`;
  const params = [
    ...usedService.allOf.flatMap((value) => [id(usedService.code), value]),
    id(revenue.code), Number(revenue.gte), Number(revenue.lt),
    id(productInterest.code), ...productInterest.anyOf,
    id(channel.code), ...channel.noneOf,
    ...types,
    ...facetIds,
  ];
  return { label: 'scenario 2: count, facets and page ids in one pass', sql, params };
}

/**
 * Scenario 3. A fifth of all clients match: they are found from the region index (two values) with
 * the relationship type read from its covering index; the region facet comes from those same rows
 * (region is single-valued and the filter requires it), the used_service facet through the primary
 * key of each match. The page walks the name index and stops after 51 matches.
 */
function broadStatement(definitions: Definitions): FloorStatement {
  const region = definitions.propertiesByCode.get(BROAD.region.code)!;
  const types = BROAD.types.map((code) => definitions.typesByCode.get(code)!.id);
  const otherFacets = FACET_PROPERTIES.filter((code) => code !== region.code).map((code) => definitions.propertiesByCode.get(code)!.id);
  const regions = BROAD.region.anyOf;
  const sql = `with matched(id, region) as materialized (
      select d.client_id, d.value_key from client_property_values d
      cross join clients c on c.id = d.client_id
      where d.property_id = ? and d.value_key in (${placeholders(regions)}) and c.relationship_type_id in (${placeholders(types)})
    ),
    facet_values as materialized (
      select v.property_id, v.client_id, v.value_key from matched m
      cross join client_property_values v on v.client_id = m.id and v.property_id in (${placeholders(otherFacets)})
    )
    select 'total' as part, null as property_id, null as value, count(*) as n from matched
    union all select 'value', ?, region, count(*) from matched group by region
    union all select 'holders', ?, null, count(*) from matched
    union all select 'value', property_id, value_key, count(*) from facet_values group by property_id, value_key
    union all select 'holders', property_id, null, count(distinct client_id) from facet_values group by property_id
    union all select 'page', null, ${pageIdsColumn(
      `select c.id, c.name_folded from clients c indexed by clients_name_folded_idx
       where c.relationship_type_id in (${placeholders(types)})
         and exists (select 1 from client_property_values where client_id = c.id and property_id = ? and value_key in (${placeholders(regions)}))`,
    )}, null`;
  const params = [region.id, ...regions, ...types, ...otherFacets, region.id, region.id, ...types, region.id, ...regions];
  return { label: 'scenario 3: count, facets and page ids in one pass', sql, params };
}

/** The page's clients and every value they hold, in name order, then set, property and value order. */
const PAGE_ROWS_SQL = `select c.id, c.name, c.name_folded as nameFolded, c.relationship_type_id as typeId, v.property_id as propertyId, v.value_key as valueKey
  from json_each(?) j
  cross join clients c on c.id = j.value
  left join client_property_values v on v.client_id = c.id
  left join properties p on p.id = v.property_id
  left join property_options o on o.id = v.option_id
  order by c.name_folded, c.id, p.set_id, p.id, o.position, v.number_value, v.value_key`;

interface SummaryRow {
  part: 'total' | 'value' | 'holders' | 'page';
  property_id: number | null;
  value: string | null;
  n: number | null;
}

interface PageRow {
  id: number;
  name: string;
  nameFolded: string;
  typeId: number | null;
  propertyId: number | null;
  valueKey: string | null;
}

/** The cursor the API gives for the default order (name, then id): opaque to callers, so it must match. */
const nameOrderCursor = (nameFolded: string, id: number) =>
  Buffer.from(JSON.stringify(['NAME:ASC,ID:ASC', [nameFolded, id]]), 'utf8').toString('base64url');

export interface Floor {
  /** The response body for a scenario, as the GraphQL API would give it for SELECTION_QUERY. */
  answer(scenario: FloorScenario): unknown;
  /** The statements a request runs, for EXPLAIN QUERY PLAN and timing. */
  statements(scenario: FloorScenario): FloorStatement[];
  close(): void;
}

export function openFloor(dbPath: string): Floor {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const definitions = loadDefinitions(db);
  const summaries: Record<FloorScenario, FloorStatement> = { 2: selectiveStatement(definitions), 3: broadStatement(definitions) };
  const prepared = {
    2: db.prepare(summaries[2].sql),
    3: db.prepare(summaries[3].sql),
    page: db.prepare(PAGE_ROWS_SQL),
  };

  function facetsFrom(rows: SummaryRow[], total: number) {
    return FACET_PROPERTIES.map((code) => {
      const property = definitions.propertiesByCode.get(code)!;
      const options = definitions.optionsByProperty.get(property.id)!;
      const counts = new Map(rows.filter((r) => r.part === 'value' && r.property_id === property.id).map((r) => [r.value!, r.n!]));
      const holders = rows.find((r) => r.part === 'holders' && r.property_id === property.id)?.n ?? 0;
      return {
        property: { code },
        missing: total - holders,
        buckets: options
          .map((option) => ({ value: option.code, count: counts.get(option.code) ?? 0, option: { label: option.label }, archived: option.archived }))
          .filter((bucket) => !bucket.archived || bucket.count > 0)
          .map(({ archived: _archived, ...bucket }) => bucket),
      };
    });
  }

  function nodesFrom(pageIds: number[]) {
    const nodes: { id: string; name: string; relationshipType: { code: string; name: string } | null; properties: { property: { code: string }; values: string[]; display: string }[] }[] = [];
    let last: PageRow | undefined;
    for (const row of prepared.page.all(JSON.stringify(pageIds)) as PageRow[]) {
      if (row.id !== last?.id) {
        const type = row.typeId === null ? null : definitions.typesById.get(row.typeId)!;
        nodes.push({ id: String(row.id), name: row.name, relationshipType: type && { code: type.code, name: type.name }, properties: [] });
      }
      last = row;
      if (row.propertyId === null) continue;
      const properties = nodes[nodes.length - 1].properties;
      const property = definitions.propertiesById.get(row.propertyId)!;
      let value = properties[properties.length - 1];
      if (value?.property.code !== property.code) properties.push((value = { property: { code: property.code }, values: [], display: '' }));
      value.values.push(row.valueKey!);
    }
    for (const node of nodes) {
      for (const value of node.properties) {
        const property = definitions.propertiesByCode.get(value.property.code)!;
        const options = definitions.optionsByProperty.get(property.id)!;
        value.display = value.values.map((key) => displayValue(property, key, options.find((option) => option.code === key))).join(', ');
      }
    }
    return { nodes, endCursor: last ? nameOrderCursor(last.nameFolded, last.id) : null };
  }

  return {
    answer(scenario) {
      const rows = prepared[scenario].all(...summaries[scenario].params) as SummaryRow[];
      const total = rows.find((r) => r.part === 'total')!.n!;
      const ids = JSON.parse(rows.find((r) => r.part === 'page')!.value!) as number[];
      const { nodes, endCursor } = nodesFrom(ids.slice(0, PAGE_SIZE));
      return {
        data: {
          clients: {
            totalCount: total,
            facets: facetsFrom(rows, total),
            nodes,
            pageInfo: { hasNextPage: ids.length > PAGE_SIZE, endCursor },
          },
        },
      };
    },
    statements(scenario) {
      const rows = prepared[scenario].all(...summaries[scenario].params) as SummaryRow[];
      const pageIds = (JSON.parse(rows.find((r) => r.part === 'page')!.value!) as number[]).slice(0, PAGE_SIZE);
      return [summaries[scenario], { label: 'the page: 50 clients with their values', sql: PAGE_ROWS_SQL, params: [JSON.stringify(pageIds)] }];
    },
    close() {
      db.close();
    },
  };
}

function serve(floor: Floor): http.Server {
  return http.createServer((req, res) => {
    const match = /^\/scenario\/([23])$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      try {
        // Read like the API reads a request, so that both pay for the same HTTP work.
        JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        const body = JSON.stringify(floor.answer(Number(match[1]) as FloorScenario));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
      } catch (error) {
        console.error(error);
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error) }] }));
      }
    });
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--db');
  if (at < 0 || !args[at + 1]) {
    console.error('usage: npx tsx bench/floor-server.ts --db FILE');
    process.exit(2);
  }
  const floor = openFloor(args[at + 1]);
  const server = serve(floor);
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.info(JSON.stringify({ port: typeof address === 'object' && address ? address.port : null }));
  });
  const stop = () => server.close(() => (floor.close(), process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
