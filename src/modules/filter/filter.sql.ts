import { sql, type SQL } from 'drizzle-orm';
import { clientPropertyValues as values, clients, relationshipTypes, segmentMembers } from '../../db/schema';
import { prefixUpperBound } from '../shared/text';
import type { FilterNode, PropertyNode, RangeBound, TextField } from './filter.types';

/*
 * FilterNode → an SQL condition on `clients`. Every condition is two-valued (0 or 1, never NULL), so
 * that NOT is the exact complement: clients with no relationship type, no manager or no value are
 * never lost between a filter and its negation.
 *
 * Property conditions are `clients.id IN (SELECT client_id FROM client_property_values ...)`: the
 * subquery is not correlated, so SQLite evaluates it once through the (property_id, value_key,
 * client_id) or (property_id, number_value, client_id) index, and the outer query either drives from
 * its result or probes it per row.
 */

/** Lists beyond this size travel as one JSON parameter, clear of SQLite's limit on parameters. */
const INLINE_LIST_LIMIT = 100;

function inList(expression: SQL, items: readonly (string | number)[]): SQL {
  if (items.length <= INLINE_LIST_LIMIT) {
    return sql`${expression} in (${sql.join(items.map((item) => sql`${item}`), sql`, `)})`;
  }
  return sql`${expression} in (select value from json_each(${JSON.stringify(items)}))`;
}

const TEXT_COLUMNS: Record<TextField, { column: SQL; nullable: boolean }> = {
  name: { column: sql`${clients.nameFolded}`, nullable: false },
  manager: { column: sql`${clients.managerFolded}`, nullable: true },
  externalId: { column: sql`${clients.externalIdFolded}`, nullable: true },
};

function textCondition(node: Extract<FilterNode, { kind: 'text' }>): SQL {
  const { column, nullable } = TEXT_COLUMNS[node.field];
  let condition: SQL;
  switch (node.operator) {
    case 'equals':
      condition = sql`${column} = ${node.folded}`;
      break;
    case 'contains':
      // instr, not LIKE: the user's % and _ stay plain characters.
      condition = sql`instr(${column}, ${node.folded}) > 0`;
      break;
    case 'startsWith': {
      // A range on the folded text: exact, free of wildcards, and served by the column's index.
      const upperBound = prefixUpperBound(node.folded);
      condition =
        upperBound === null
          ? sql`${column} >= ${node.folded}`
          : sql`(${column} >= ${node.folded} and ${column} < ${upperBound})`;
      break;
    }
  }
  return nullable ? sql`(${column} is not null and ${condition})` : condition;
}

function holding(propertyId: number, condition?: SQL): SQL {
  const extra = condition ? sql` and ${condition}` : sql``;
  return sql`${clients.id} in (select ${values.clientId} from ${values} where ${values.propertyId} = ${propertyId}${extra})`;
}

function rangeCondition(node: Extract<PropertyNode, { kind: 'propertyRange' }>): SQL {
  const numeric = node.property.valueType === 'NUMBER';
  const column = numeric ? sql`${values.numberValue}` : sql`${values.valueKey}`;
  const operators: Record<RangeBound['operator'], SQL> = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` };
  const comparisons = node.bounds.map((bound) => {
    const value = numeric ? bound.value.numberValue! : bound.value.valueKey;
    return sql`${column} ${operators[bound.operator]} ${value}`;
  });
  return holding(node.property.id, sql.join([sql`${column} is not null`, ...comparisons], sql` and `));
}

function propertyCondition(node: PropertyNode): SQL {
  const propertyId = node.property.id;
  switch (node.kind) {
    case 'propertyExists':
      return holding(propertyId);
    case 'propertyAnyOf':
      return holding(propertyId, inList(sql`${values.valueKey}`, node.values.map((v) => v.valueKey)));
    case 'propertyAllOf':
      return sql`${clients.id} in (select ${values.clientId} from ${values} where ${values.propertyId} = ${propertyId} and ${inList(
        sql`${values.valueKey}`,
        node.values.map((v) => v.valueKey),
      )} group by ${values.clientId} having count(*) = ${node.values.length})`;
    case 'propertyExactly':
      return sql`${clients.id} in (select ${values.clientId} from ${values} where ${values.propertyId} = ${propertyId} group by ${values.clientId} having count(*) = ${node.values.length} and sum(${inList(
        sql`${values.valueKey}`,
        node.values.map((v) => v.valueKey),
      )}) = ${node.values.length})`;
    case 'propertyRange':
      return rangeCondition(node);
    case 'propertyContains':
      return holding(propertyId, sql`instr(${values.textFolded}, ${node.folded}) > 0`);
  }
}

/** The SQL condition for a filter; undefined when it matches every client. */
export function compileClientFilter(node: FilterNode): SQL | undefined {
  return node.kind === 'all' ? undefined : compile(node);
}

function compile(node: FilterNode): SQL {
  switch (node.kind) {
    case 'all':
      return sql`1`;
    case 'and':
      return sql`(${sql.join(node.parts.map(compile), sql` and `)})`;
    case 'or':
      return sql`(${sql.join(node.parts.map(compile), sql` or `)})`;
    case 'not':
      return sql`not ${compile(node.part)}`;
    case 'ids':
      return node.ids.length === 0 ? sql`0` : inList(sql`${clients.id}`, node.ids);
    case 'text':
      return textCondition(node);
    case 'relationshipTypeIn':
      return sql`(${clients.relationshipTypeId} is not null and ${inList(
        sql`${clients.relationshipTypeId}`,
        node.types.map((type) => type.id),
      )})`;
    case 'relationshipTypeIsNull':
      return sql`${clients.relationshipTypeId} is null`;
    case 'contactable':
      return sql`(${clients.doNotContact} = 0 and (${clients.relationshipTypeId} is null or ${clients.relationshipTypeId} not in (select ${relationshipTypes.id} from ${relationshipTypes} where ${relationshipTypes.contactPolicy} = 'DO_NOT_CONTACT')))`;
    case 'timeRange': {
      const column = node.field === 'createdAt' ? clients.createdAt : clients.updatedAt;
      const bounds = [
        node.from === null ? undefined : sql`${column} >= ${node.from}`,
        node.to === null ? undefined : sql`${column} < ${node.to}`,
      ].filter((bound): bound is SQL => bound !== undefined);
      return sql`(${sql.join(bounds, sql` and `)})`;
    }
    case 'segment':
      return compile(node.part);
    case 'segmentMembers':
      return sql`${clients.id} in (select ${segmentMembers.clientId} from ${segmentMembers} where ${segmentMembers.segmentId} = ${node.segment.id})`;
    default:
      return propertyCondition(node);
  }
}
