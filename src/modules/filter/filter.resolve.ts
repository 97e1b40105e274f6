import { GraphQLError } from 'graphql';
import type { Db } from '../../db/connection';
import type { PropertyRow, SegmentRow } from '../../db/schema';
import { badInput } from '../../errors';
import type {
  ClientFilter,
  DateTimeRange,
  PropertyCondition,
  RelationshipTypeCondition,
  TextCondition,
} from '../../generated/graphql';
import { findPropertyByCode, optionsByPropertyIds } from '../property/property.repo';
import { parsePropertyValue, type StoredValue } from '../property/property-values';
import { findRelationshipTypeByCode } from '../relationship-type/relationship-type.repo';
import { findSegmentByCode } from '../segment/segment.repo';
import { parseRowId } from '../shared/ids';
import { foldText } from '../shared/text';
import { lastSegment } from '../shared/validation';
import type { FilterNode, RangeBound, RangeOperator, TextField, TimeField } from './filter.types';

/** Bounds on what one filter may ask, so that a hostile one cannot exhaust the server. */
export const MAX_FILTER_DEPTH = 32;
export const MAX_FILTER_CONDITIONS = 1000;
export const MAX_LIST_LENGTH = 10000;

const RANGE_OPERATORS: readonly RangeOperator[] = ['gt', 'gte', 'lt', 'lte'];

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/**
 * Validates a ClientFilter and resolves it into a FilterNode. Every mistake is a BAD_USER_INPUT that
 * quotes the culprit and names its path (`filter.and.1.property.anyOf`): a typo never quietly matches
 * nothing.
 */
export function resolveClientFilter(
  db: Db,
  filter: ClientFilter | null | undefined,
  path = 'filter',
  options: { savingSegment?: string } = {},
): FilterNode {
  if (!given(filter)) return { kind: 'all' };
  return new FilterResolver(db, options.savingSegment).resolve(filter, path, 1);
}

/** The clients of a saved segment, as a filter node. */
export function resolveSegment(db: Db, segment: SegmentRow, path = 'segment'): FilterNode {
  return new FilterResolver(db).segmentNode(segment, path, 1);
}

class FilterResolver {
  private conditions = 0;
  private readonly properties = new Map<string, PropertyRow | undefined>();

  /** Codes of the segments being resolved (and the one being saved): meeting one again is a cycle. */
  private readonly segmentsInProgress: string[];
  /** While resolving a saved segment's filter: the caller's path of the `segment` that named it. */
  private savedSegmentPath: string | null = null;

  constructor(
    private readonly db: Db,
    savingSegment?: string,
  ) {
    this.segmentsInProgress = savingSegment ? [savingSegment] : [];
  }

  resolve(filter: ClientFilter, path: string, depth: number): FilterNode {
    if (depth > MAX_FILTER_DEPTH) throw badInput(`Filter is nested deeper than ${MAX_FILTER_DEPTH} levels`, path);
    const parts: FilterNode[] = [];
    const at = (field: string) => `${path}.${field}`;
    if (given(filter.and)) parts.push({ kind: 'and', parts: this.list(filter.and, at('and')).map((f, i) => this.resolve(f, at(`and.${i}`), depth + 1)) });
    if (given(filter.or)) parts.push({ kind: 'or', parts: this.list(filter.or, at('or')).map((f, i) => this.resolve(f, at(`or.${i}`), depth + 1)) });
    if (given(filter.not)) parts.push({ kind: 'not', part: this.resolve(filter.not, at('not'), depth + 1) });
    if (given(filter.ids)) parts.push(this.ids(filter.ids, at('ids')));
    for (const field of ['name', 'manager', 'externalId'] as const) {
      const condition = filter[field];
      if (given(condition)) parts.push(this.text(field, condition, at(field)));
    }
    if (given(filter.relationshipType)) parts.push(this.relationshipType(filter.relationshipType, at('relationshipType')));
    if (given(filter.contactable)) {
      this.count(at('contactable'));
      parts.push(filter.contactable ? { kind: 'contactable' } : { kind: 'not', part: { kind: 'contactable' }, operator: 'contactable' });
    }
    if (given(filter.property)) parts.push(this.property(filter.property, at('property')));
    if (given(filter.segment)) parts.push(this.segment(filter.segment, at('segment'), depth));
    for (const field of ['createdAt', 'updatedAt'] as const) {
      const range = filter[field];
      if (given(range)) parts.push(this.timeRange(field, range, at(field)));
    }
    if (parts.length === 0) return { kind: 'all' };
    return parts.length === 1 ? parts[0] : { kind: 'and', parts };
  }

  private count(path: string): void {
    this.conditions += 1;
    if (this.conditions > MAX_FILTER_CONDITIONS) throw badInput(`Filter has more than ${MAX_FILTER_CONDITIONS} conditions`, path);
  }

  private list<T>(values: readonly T[], path: string): readonly T[] {
    if (values.length === 0) throw badInput(`${lastSegment(path)} must not be an empty list`, path);
    if (values.length > MAX_LIST_LENGTH) throw badInput(`${lastSegment(path)} has more than ${MAX_LIST_LENGTH} items`, path);
    return values;
  }

  private noOperator(path: string, operators: string): never {
    throw badInput(`Condition ${lastSegment(path)} has no operator; give one of: ${operators}`, path);
  }

  private ids(ids: readonly string[], path: string): FilterNode {
    this.count(path);
    const rowIds = this.list(ids, path).map(parseRowId).filter((id): id is number => id !== null);
    return { kind: 'ids', ids: [...new Set(rowIds)] };
  }

  private text(field: TextField, condition: TextCondition, path: string): FilterNode {
    const parts: FilterNode[] = [];
    for (const operator of ['equals', 'contains', 'startsWith'] as const) {
      const written = condition[operator];
      if (!given(written)) continue;
      this.count(`${path}.${operator}`);
      parts.push({ kind: 'text', field, operator, written, folded: foldText(written) });
    }
    if (parts.length === 0) this.noOperator(path, 'equals, contains, startsWith');
    return parts.length === 1 ? parts[0] : { kind: 'and', parts };
  }

  private relationshipType(condition: RelationshipTypeCondition, path: string): FilterNode {
    const parts: FilterNode[] = [];
    const typesOf = (codes: readonly string[], operatorPath: string) =>
      this.list(codes, operatorPath).map((code) => {
        const type = findRelationshipTypeByCode(this.db, code);
        if (!type) throw badInput(`Unknown relationship type "${code}"`, operatorPath, { value: code });
        return type;
      });
    if (given(condition.in)) {
      this.count(`${path}.in`);
      parts.push({ kind: 'relationshipTypeIn', types: typesOf(condition.in, `${path}.in`) });
    }
    if (given(condition.notIn)) {
      this.count(`${path}.notIn`);
      // A client with no type is "not in" any list: the complement keeps it.
      parts.push({ kind: 'not', part: { kind: 'relationshipTypeIn', types: typesOf(condition.notIn, `${path}.notIn`) }, operator: 'notIn' });
    }
    if (given(condition.isNull)) {
      this.count(`${path}.isNull`);
      parts.push(
        condition.isNull ? { kind: 'relationshipTypeIsNull' } : { kind: 'not', part: { kind: 'relationshipTypeIsNull' }, operator: 'isNull' },
      );
    }
    if (parts.length === 0) this.noOperator(path, 'in, notIn, isNull');
    return parts.length === 1 ? parts[0] : { kind: 'and', parts };
  }

  private timeRange(field: TimeField, range: DateTimeRange, path: string): FilterNode {
    this.count(path);
    if (!given(range.from) && !given(range.to)) this.noOperator(path, 'from, to');
    return { kind: 'timeRange', field, from: this.instant(range.from, `${path}.from`), to: this.instant(range.to, `${path}.to`) };
  }

  /** GraphQL gives a Date; a saved filter read back from JSON gives its ISO text. */
  private instant(value: Date | string | null | undefined, path: string): number | null {
    if (!given(value)) return null;
    const millis = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(millis)) throw badInput(`"${String(value)}" is not a date-time`, path);
    return millis;
  }

  private segment(code: string, path: string, depth: number): FilterNode {
    this.count(path);
    this.assertNoCycle(code, path);
    const segment = findSegmentByCode(this.db, code);
    if (!segment) throw badInput(`Unknown segment "${code}"`, path, { value: code });
    return this.segmentNode(segment, path, depth);
  }

  private assertNoCycle(code: string, path: string): void {
    if (!this.segmentsInProgress.includes(code)) return;
    const chain = [...this.segmentsInProgress.slice(this.segmentsInProgress.indexOf(code)), code];
    throw badInput(`Segment "${code}" would refer to itself: ${chain.join(' → ')}`, path, { value: code });
  }

  /**
   * A saved segment's own filter is resolved in place. Its paths exist only inside the saved filter,
   * so any mistake found there is reported at the caller's `segment` field, which is what they wrote.
   */
  segmentNode(segment: SegmentRow, path: string, depth: number): FilterNode {
    if (segment.kind === 'STATIC') return { kind: 'segmentMembers', segment };
    this.assertNoCycle(segment.code, path);
    const outermost = this.savedSegmentPath === null;
    if (outermost) this.savedSegmentPath = path;
    this.segmentsInProgress.push(segment.code);
    try {
      const saved = JSON.parse(segment.filterJson ?? '{}') as ClientFilter;
      return { kind: 'segment', segment, part: this.resolve(saved, path, depth + 1) };
    } catch (error) {
      if (outermost && error instanceof GraphQLError && error.extensions.field !== path) {
        throw new GraphQLError(error.message, { extensions: { ...error.extensions, field: path } });
      }
      throw error;
    } finally {
      this.segmentsInProgress.pop();
      if (outermost) this.savedSegmentPath = null;
    }
  }

  private findProperty(code: string): PropertyRow | undefined {
    if (!this.properties.has(code)) this.properties.set(code, findPropertyByCode(this.db, code));
    return this.properties.get(code);
  }

  private property(condition: PropertyCondition, path: string): FilterNode {
    const property = this.findProperty(condition.code);
    if (!property) throw badInput(`Unknown property "${condition.code}"`, `${path}.code`, { value: condition.code });
    const optionsByCode =
      property.valueType === 'ENUM' ? new Map(optionsByPropertyIds(this.db, [property.id]).map((o) => [o.code, o])) : new Map();
    // Filters may name archived options: they stay valid and keep their clients.
    const parse = (raw: string, operatorPath: string): StoredValue =>
      parsePropertyValue(property, raw, { optionsByCode, allowArchived: () => true, field: operatorPath });
    const parseList = (raws: readonly string[], operatorPath: string): StoredValue[] => {
      const unique = new Map<string, StoredValue>();
      for (const raw of this.list(raws, operatorPath)) {
        const value = parse(raw, operatorPath);
        unique.set(value.valueKey, value);
      }
      return [...unique.values()];
    };

    const parts: FilterNode[] = [];
    const operatorPath = (operator: string) => `${path}.${operator}`;
    if (given(condition.anyOf)) {
      this.count(operatorPath('anyOf'));
      parts.push({ kind: 'propertyAnyOf', property, values: parseList(condition.anyOf, operatorPath('anyOf')) });
    }
    if (given(condition.allOf)) {
      this.count(operatorPath('allOf'));
      parts.push({ kind: 'propertyAllOf', property, values: parseList(condition.allOf, operatorPath('allOf')) });
    }
    if (given(condition.noneOf)) {
      this.count(operatorPath('noneOf'));
      parts.push({
        kind: 'not',
        part: { kind: 'propertyAnyOf', property, values: parseList(condition.noneOf, operatorPath('noneOf')) },
        operator: 'noneOf',
      });
    }
    if (given(condition.exactly)) {
      this.count(operatorPath('exactly'));
      parts.push({ kind: 'propertyExactly', property, values: parseList(condition.exactly, operatorPath('exactly')) });
    }
    if (given(condition.exists)) {
      this.count(operatorPath('exists'));
      parts.push(
        condition.exists ? { kind: 'propertyExists', property } : { kind: 'not', part: { kind: 'propertyExists', property }, operator: 'exists' },
      );
    }
    const bounds: RangeBound[] = [];
    for (const operator of RANGE_OPERATORS) {
      const raw = condition[operator];
      if (!given(raw)) continue;
      this.count(operatorPath(operator));
      if (property.valueType !== 'NUMBER' && property.valueType !== 'DATE') {
        throw badInput(
          `Operator ${operator} does not fit ${property.valueType} property "${property.code}": it compares NUMBER and DATE values`,
          operatorPath(operator),
        );
      }
      bounds.push({ operator, value: parse(raw, operatorPath(operator)) });
    }
    // All comparisons of one condition must hold for the same held value, so they form one node.
    if (bounds.length > 0) parts.push({ kind: 'propertyRange', property, bounds });
    if (given(condition.contains)) {
      this.count(operatorPath('contains'));
      if (property.valueType !== 'STRING') {
        throw badInput(
          `Operator contains does not fit ${property.valueType} property "${property.code}": it searches STRING values`,
          operatorPath('contains'),
        );
      }
      parts.push({ kind: 'propertyContains', property, written: condition.contains, folded: foldText(condition.contains) });
    }
    if (parts.length === 0) {
      this.noOperator(path, 'anyOf, allOf, noneOf, exactly, exists, gt, gte, lt, lte, contains');
    }
    return parts.length === 1 ? parts[0] : { kind: 'and', parts };
  }
}
