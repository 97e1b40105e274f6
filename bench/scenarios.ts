/**
 * What the benchmark asks, shared by the runner (bench/run.ts) and the raw-SQL floor
 * (bench/floor-server.ts), so that both answer the same question over the same data. Codes are the
 * bench population's (bench/generate-population.ts).
 */
import type { ClientFilter } from '../src/generated/graphql';

/** Issue 8, scenario 2: relationship type in 3 types AND anyOf 3 options AND allOf 2 AND noneOf 1 AND a number range. */
export const SELECTIVE = {
  types: ['our_client', 'partner', 'former_client'],
  productInterest: { code: 'product_interest', anyOf: ['product_1', 'product_2', 'product_3'] },
  usedService: { code: 'used_service', allOf: ['service_1', 'service_2'] },
  channel: { code: 'channel', noneOf: ['call'] },
  revenue: { code: 'annual_revenue', gte: '100000', lt: '5000000' },
};
export const SELECTIVE_FILTER: ClientFilter = {
  relationshipType: { in: SELECTIVE.types },
  and: [
    { property: SELECTIVE.productInterest },
    { property: SELECTIVE.usedService },
    { property: SELECTIVE.channel },
    { property: SELECTIVE.revenue },
  ],
};

/** Scenario 3: about a fifth of all clients (our clients in the two capitals). */
export const BROAD = {
  types: ['our_client'],
  region: { code: 'region', anyOf: ['moscow', 'spb'] },
};
export const BROAD_FILTER: ClientFilter = { relationshipType: { in: BROAD.types }, property: BROAD.region };

/** The two facets of scenarios 2 and 3, in the order they are asked. */
export const FACET_PROPERTIES = ['used_service', 'region'] as const;

export const PAGE_SIZE = 50;

/** Scenarios 2 and 3: what an analyst's list screen shows. The floor must answer exactly this. */
export const SELECTION_QUERY = `query Selection($filter: ClientFilter) {
  clients(filter: $filter, first: ${PAGE_SIZE}) {
    totalCount
    facets(properties: ${JSON.stringify(FACET_PROPERTIES)}) { property { code } missing buckets { value count option { label } } }
    nodes { id name relationshipType { code name } properties { property { code } values display } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The parts of the selection alone, to tell which one costs what. */
export const SELECTION_PARTS: Record<'page' | 'count' | 'facets', string> = {
  page: `query Page($filter: ClientFilter) {
    clients(filter: $filter, first: ${PAGE_SIZE}) {
      nodes { id name relationshipType { code name } properties { property { code } values display } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  count: `query Count($filter: ClientFilter) { clients(filter: $filter, first: 1) { totalCount } }`,
  facets: `query Facets($filter: ClientFilter) {
    clients(filter: $filter, first: 1) {
      facets(properties: ${JSON.stringify(FACET_PROPERTIES)}) { property { code } missing buckets { value count option { label } } }
    }
  }`,
};

/** Scenario 1: a client card with everything on it (no per-type client counts: those are a list's). */
export const CARD_QUERY = `query Card($id: ID!) {
  client(id: $id) {
    id externalId name manager phone email doNotContact
    relationshipType { code name contactPolicy briefing }
    contact { allowed reason }
    properties { property { code name valueType } values display options { code label } }
    createdAt updatedAt
  }
}`;

/** Scenario 4: a search box, typed in lower case; the names start with their legal form. */
export const NAME_PREFIX = 'ооо «рога';
export const SEARCH_QUERY = `query Search($prefix: String!) {
  clients(first: 20, filter: { name: { startsWith: $prefix } }) {
    totalCount
    nodes { id name relationshipType { name } }
  }
}`;

/** Scenario 5: a script pulling the broad selection page by page. */
export const DEEP_PAGE_NUMBER = 200;
export const PAGING_QUERY = `query Paging($filter: ClientFilter, $after: String) {
  clients(filter: $filter, first: ${PAGE_SIZE}, after: $after) {
    nodes { id name properties { property { code } values } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const CURSOR_QUERY = `query Cursor($filter: ClientFilter, $after: String) {
  clients(filter: $filter, first: ${PAGE_SIZE}, after: $after) { pageInfo { hasNextPage endCursor } }
}`;

/** Scenario 6: the story's segment, «offer Service 2 to the users of Service 1», created through the API. */
export const CALL_SEGMENT = {
  code: 'bench_offer_service_2',
  name: 'Пользуются Сервисом 1 — предложить Сервис 2',
  kind: 'DYNAMIC',
  filter: { property: { code: 'used_service', anyOf: ['service_1'], noneOf: ['service_2'] } },
} as const;
export const CALL_LIST_QUERY = `query Calls($segment: String!) {
  callList(segment: $segment, first: ${PAGE_SIZE}) {
    totalCount excludedCount excluded { code count }
    nodes { client { id name phone manager } briefing }
    pageInfo { hasNextPage endCursor }
  }
}`;
