import fc from 'fast-check';
import {
  DATE_POOL,
  EXTERNAL_POOL,
  MANAGER_POOL,
  NAME_POOL,
  NUMBER_POOL,
  REGION_POOL,
  SERVICE_POOL,
  STRING_POOL,
  TAG_POOL,
  TYPE_POOL,
  type PopulationClient,
} from './population';

/*
 * A small, plain reference for ClientFilter, written from API.md and nothing else, so that the SQL
 * compiler is checked against an independent reading of the rules.
 */

export const PROPERTY_TYPES: Record<string, { type: 'ENUM' | 'NUMBER' | 'DATE' | 'BOOLEAN' | 'STRING'; pool: string[] }> = {
  used_service: { type: 'ENUM', pool: SERVICE_POOL },
  region: { type: 'ENUM', pool: REGION_POOL },
  revenue: { type: 'NUMBER', pool: NUMBER_POOL },
  contract_until: { type: 'DATE', pool: DATE_POOL },
  vip: { type: 'BOOLEAN', pool: ['true', 'false'] },
  industry: { type: 'STRING', pool: STRING_POOL },
  tags: { type: 'STRING', pool: TAG_POOL },
  scores: { type: 'NUMBER', pool: NUMBER_POOL },
  visits: { type: 'DATE', pool: DATE_POOL },
};

const fold = (text: string) => text.toLowerCase().replace(/ё/g, 'е');

/** Canonical form of a written filter value, as API.md says values compare. */
function canonical(type: string, written: string): string {
  if (type === 'NUMBER') return String(Number(written));
  if (type === 'BOOLEAN') return written.toLowerCase();
  return written;
}

function compare(type: string, a: string, b: string): number {
  if (type === 'NUMBER') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function textMatches(value: string | null, condition: any): boolean {
  const checks: boolean[] = [];
  if (condition.equals != null) checks.push(value !== null && fold(value) === fold(condition.equals));
  if (condition.contains != null) checks.push(value !== null && fold(value).includes(fold(condition.contains)));
  if (condition.startsWith != null) checks.push(value !== null && fold(value).startsWith(fold(condition.startsWith)));
  return checks.every(Boolean);
}

/** Saved segments as the reference sees them: a DYNAMIC one's filter, or a STATIC one's members. */
export type ReferenceSegments = Record<string, { filter?: any; members?: string[] }>;

export function referenceMatches(filter: any, client: PopulationClient, segments: ReferenceSegments = {}): boolean {
  const checks: boolean[] = [];
  if (filter.and) checks.push(filter.and.every((f: any) => referenceMatches(f, client, segments)));
  if (filter.or) checks.push(filter.or.some((f: any) => referenceMatches(f, client, segments)));
  if (filter.not) checks.push(!referenceMatches(filter.not, client, segments));
  if (filter.segment) {
    const segment = segments[filter.segment];
    checks.push(segment.members ? segment.members.includes(client.id) : referenceMatches(segment.filter, client, segments));
  }
  if (filter.ids) checks.push(filter.ids.includes(client.id));
  if (filter.name) checks.push(textMatches(client.name, filter.name));
  if (filter.manager) checks.push(textMatches(client.manager, filter.manager));
  if (filter.externalId) checks.push(textMatches(client.externalId, filter.externalId));
  if (filter.relationshipType) {
    const code = client.relationshipType?.code ?? null;
    const c = filter.relationshipType;
    if (c.in) checks.push(code !== null && c.in.includes(code));
    if (c.notIn) checks.push(code === null || !c.notIn.includes(code));
    if (c.isNull != null) checks.push((code === null) === c.isNull);
  }
  if (filter.contactable != null) {
    const allowed = client.relationshipType?.contactPolicy !== 'DO_NOT_CONTACT' && !client.doNotContact;
    checks.push(allowed === filter.contactable);
  }
  if (filter.createdAt) checks.push(inRange(client.createdAt, filter.createdAt));
  if (filter.updatedAt) checks.push(inRange(client.updatedAt, filter.updatedAt));
  if (filter.property) checks.push(propertyMatches(filter.property, client));
  return checks.every(Boolean);
}

function inRange(at: string, range: { from?: string; to?: string }): boolean {
  const t = Date.parse(at);
  return (range.from == null || t >= Date.parse(range.from)) && (range.to == null || t < Date.parse(range.to));
}

function propertyMatches(condition: any, client: PopulationClient): boolean {
  const { type } = PROPERTY_TYPES[condition.code];
  const held = client.values[condition.code] ?? [];
  const wanted = (list: string[]) => [...new Set(list.map((v) => canonical(type, v)))];
  const checks: boolean[] = [];
  if (condition.anyOf) checks.push(wanted(condition.anyOf).some((v) => held.includes(v)));
  if (condition.allOf) checks.push(wanted(condition.allOf).every((v) => held.includes(v)));
  if (condition.noneOf) checks.push(!wanted(condition.noneOf).some((v) => held.includes(v)));
  if (condition.exactly) {
    const set = wanted(condition.exactly);
    checks.push(set.length === held.length && set.every((v) => held.includes(v)));
  }
  if (condition.exists != null) checks.push(held.length > 0 === condition.exists);
  const bounds = (['gt', 'gte', 'lt', 'lte'] as const).filter((op) => condition[op] != null);
  if (bounds.length > 0) {
    checks.push(
      held.some((value) =>
        bounds.every((op) => {
          const c = compare(type, value, canonical(type, condition[op]));
          return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
        }),
      ),
    );
  }
  if (condition.contains != null) checks.push(held.some((value) => fold(value).includes(fold(condition.contains))));
  return checks.every(Boolean);
}

// Generated filters

type TextMode = 'whole' | 'prefix' | 'piece';

/** Text to search for: the texts clients hold or pieces of them, in other cases, with ё and е swapped, and wildcards. */
function searchText(pool: readonly (string | null)[], mode: TextMode): fc.Arbitrary<string> {
  const texts = pool.filter((t): t is string => t !== null);
  return fc
    .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.constantFrom('same', 'upper', 'lower', 'yo'))
    .map(([text, a, b, variant]) => {
      const chars = Array.from(text);
      const start = mode === 'piece' ? a % chars.length : 0;
      const end = mode === 'whole' ? chars.length : start + 1 + (b % (chars.length - start));
      const piece = chars.slice(start, end).join('');
      if (variant === 'upper') return piece.toUpperCase();
      if (variant === 'lower') return piece.toLowerCase();
      if (variant === 'yo') return piece.replace(/е/g, 'ё').replace(/Ё/g, 'Е');
      return piece;
    })
    .chain((piece) => fc.oneof({ weight: 6, arbitrary: fc.constant(piece) }, fc.constantFrom('%', '_', 'несуществующее')));
}

function textCondition(pool: readonly (string | null)[]): fc.Arbitrary<any> {
  const one = fc.oneof(
    searchText(pool, 'whole').map((equals) => ({ equals })),
    searchText(pool, 'prefix').map((startsWith) => ({ startsWith })),
    searchText(pool, 'piece').map((contains) => ({ contains })),
  );
  return fc.oneof({ weight: 4, arbitrary: one }, fc.tuple(one, one).map(([a, b]) => ({ ...a, ...b })));
}

/** Values as a user might write them: canonical, or another spelling of the same value. */
function writtenValue(type: string, pool: string[]): fc.Arbitrary<string> {
  const value = fc.constantFrom(...pool);
  if (type === 'NUMBER') return fc.tuple(value, fc.constantFrom('plain', 'e0', 'point')).map(([v, form]) => (form === 'e0' ? `${v}e0` : form === 'point' && !v.includes('.') ? `${v}.0` : v));
  if (type === 'BOOLEAN') return fc.tuple(value, fc.boolean()).map(([v, upper]) => (upper ? v.toUpperCase() : v));
  return value;
}

function propertyCondition(): fc.Arbitrary<any> {
  return fc.constantFrom(...Object.keys(PROPERTY_TYPES)).chain((code) => {
    const { type, pool } = PROPERTY_TYPES[code];
    const list = fc.array(writtenValue(type, pool), { minLength: 1, maxLength: 3 });
    const operators: Record<string, fc.Arbitrary<unknown>> = { anyOf: list, allOf: list, noneOf: list, exactly: list, exists: fc.boolean() };
    const single = (op: string) => operators[op].map((value) => ({ [op]: value }));
    if (type === 'NUMBER' || type === 'DATE') {
      for (const op of ['gt', 'gte', 'lt', 'lte']) operators[op] = writtenValue(type, pool);
    }
    if (type === 'STRING') operators.contains = searchText(pool, 'piece');
    const one = fc.constantFrom(...Object.keys(operators)).chain(single);
    return fc
      .oneof({ weight: 3, arbitrary: one }, fc.tuple(one, one).map(([a, b]) => ({ ...a, ...b })))
      .map((c) => ({ code, ...c }));
  });
}

export function filterArbitrary(clients: PopulationClient[], segmentCodes: string[] = []): fc.Arbitrary<any> {
  const ids = clients.map((c) => c.id);
  const times = clients.flatMap((c) => [c.createdAt, c.updatedAt]);
  const codes = TYPE_POOL.filter((t): t is string => t !== null);
  const time = fc.constantFrom(...times);
  const range = fc.oneof(
    time.map((from) => ({ from })),
    time.map((to) => ({ to })),
    fc.tuple(time, time).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
  );
  const leaf = fc.oneof(
    fc.record({ ids: fc.array(fc.constantFrom(...ids, '999999', 'abc'), { minLength: 1, maxLength: 5 }) }),
    fc.record({ name: textCondition(NAME_POOL) }),
    fc.record({ manager: textCondition(MANAGER_POOL) }),
    fc.record({ externalId: textCondition(EXTERNAL_POOL) }),
    fc.record({
      relationshipType: fc
        .record(
          {
            in: fc.uniqueArray(fc.constantFrom(...codes), { minLength: 1, maxLength: 3 }),
            notIn: fc.uniqueArray(fc.constantFrom(...codes), { minLength: 1, maxLength: 3 }),
            isNull: fc.boolean(),
          },
          { requiredKeys: [] },
        )
        .filter((c) => Object.keys(c).length > 0),
    }),
    fc.record({ contactable: fc.boolean() }),
    fc.record({ property: propertyCondition() }),
    fc.record({ property: propertyCondition() }),
    fc.record({ createdAt: range }),
    fc.record({ updatedAt: range }),
    ...(segmentCodes.length > 0 ? [fc.record({ segment: fc.constantFrom(...segmentCodes) })] : []),
  );
  const { filter } = fc.letrec((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
      fc.record({ and: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ or: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('filter') }),
    ),
  }));
  return filter;
}
