import type { PropertyRow, RelationshipTypeRow, SegmentRow } from '../../db/schema';
import type { StoredValue } from '../property/property-values';

/**
 * A ClientFilter after validation: every code resolved to its row, every value parsed into canonical
 * form, every text folded. The SQL compiler (and any other evaluator) works from this tree only, so
 * it never meets an unknown code or a value that does not parse.
 */
export type FilterNode =
  | { kind: 'all' }
  | { kind: 'and'; parts: FilterNode[] }
  | { kind: 'or'; parts: FilterNode[] }
  /** `operator` names the input operator a negation stands for (noneOf, notIn...), for explanations. */
  | { kind: 'not'; part: FilterNode; operator?: NegatedOperator }
  | { kind: 'ids'; ids: number[] }
  | { kind: 'text'; field: TextField; operator: TextOperator; folded: string; written: string }
  | { kind: 'relationshipTypeIn'; types: RelationshipTypeRow[] }
  | { kind: 'relationshipTypeIsNull' }
  | { kind: 'contactable' }
  | { kind: 'timeRange'; field: TimeField; from: number | null; to: number | null }
  /** A DYNAMIC segment: its saved filter, resolved. */
  | { kind: 'segment'; segment: SegmentRow; part: FilterNode }
  /** A STATIC segment: its list of members. */
  | { kind: 'segmentMembers'; segment: SegmentRow }
  | PropertyNode;

export type NegatedOperator = 'noneOf' | 'notIn' | 'isNull' | 'contactable' | 'exists';

export type TextField = 'name' | 'manager' | 'externalId';
export type TextOperator = 'equals' | 'contains' | 'startsWith';
export type TimeField = 'createdAt' | 'updatedAt';

export type PropertyNode =
  | { kind: 'propertyAnyOf'; property: PropertyRow; values: StoredValue[] }
  | { kind: 'propertyAllOf'; property: PropertyRow; values: StoredValue[] }
  | { kind: 'propertyExactly'; property: PropertyRow; values: StoredValue[] }
  | { kind: 'propertyExists'; property: PropertyRow }
  | { kind: 'propertyRange'; property: PropertyRow; bounds: RangeBound[] }
  | { kind: 'propertyContains'; property: PropertyRow; folded: string; written: string };

export type RangeOperator = 'gt' | 'gte' | 'lt' | 'lte';

export interface RangeBound {
  operator: RangeOperator;
  value: StoredValue;
}
