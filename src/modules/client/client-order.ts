import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { clientPropertyValues, clients, propertyOptions, type PropertyRow } from '../../db/schema';
import { badInput } from '../../errors';
import type { ClientOrder } from '../../generated/graphql';
import { findPropertyByCode } from '../property/property.repo';

export type SortValue = string | number | null;

/** One key of a total order over clients. */
export interface SortKey {
  label: string;
  expression: SQL;
  descending: boolean;
  /** Clients without a value (null) come last, whichever the direction. */
  nullable: boolean;
  /** An index can deliver clients in this order (a plain column), so SQLite can walk it. */
  indexed: boolean;
}

export interface ClientOrdering {
  keys: SortKey[];
  /** Identifies the ordering inside cursors, so that a cursor is never read under another order. */
  signature: string;
}

export const DEFAULT_ORDER: ClientOrder[] = [{ field: 'NAME', direction: 'ASC' }];

/** The typed sort value of a single-valued property, as a correlated subquery on the client row. */
function propertySortExpression(property: PropertyRow): SQL {
  const value = sql`${clientPropertyValues}`;
  const where = sql`${clientPropertyValues.clientId} = ${clients.id} and ${clientPropertyValues.propertyId} = ${property.id}`;
  switch (property.valueType) {
    case 'NUMBER':
      return sql`(select ${clientPropertyValues.numberValue} from ${value} where ${where})`;
    case 'STRING':
      return sql`(select ${clientPropertyValues.textFolded} from ${value} where ${where})`;
    case 'ENUM':
      return sql`(select ${propertyOptions.position} from ${value} join ${propertyOptions} on ${propertyOptions.id} = ${clientPropertyValues.optionId} where ${where})`;
    default:
      // ISO dates and "false" < "true" order correctly as text.
      return sql`(select ${clientPropertyValues.valueKey} from ${value} where ${where})`;
  }
}

export function resolveClientOrdering(db: Db, orderBy: readonly ClientOrder[] | null | undefined): ClientOrdering {
  if (orderBy && orderBy.length === 0) throw badInput('orderBy must not be an empty list; leave it out for the default order', 'orderBy');
  const order = orderBy ?? DEFAULT_ORDER;
  const keys: SortKey[] = order.map((item, i) => {
    const descending = item.direction === 'DESC';
    const field = `orderBy.${i}`;
    if (item.field !== 'PROPERTY' && item.property != null) {
      throw badInput(`orderBy property is only for field PROPERTY, not ${item.field}`, `${field}.property`);
    }
    switch (item.field) {
      case 'NAME':
        return { label: 'NAME', expression: sql`${clients.nameFolded}`, descending, nullable: false, indexed: true };
      case 'CREATED_AT':
        return { label: 'CREATED_AT', expression: sql`${clients.createdAt}`, descending, nullable: false, indexed: true };
      case 'UPDATED_AT':
        return { label: 'UPDATED_AT', expression: sql`${clients.updatedAt}`, descending, nullable: false, indexed: true };
      case 'PROPERTY': {
        if (!item.property) throw badInput('Field PROPERTY needs the property code in `property`', `${field}.property`);
        const property = findPropertyByCode(db, item.property);
        if (!property) throw badInput(`Unknown property "${item.property}"`, `${field}.property`);
        if (property.multiple) {
          throw badInput(`Property "${property.code}" is multi-valued; only single-valued properties order clients`, `${field}.property`);
        }
        return { label: `PROPERTY:${property.code}`, expression: propertySortExpression(property), descending, nullable: true, indexed: false };
      }
    }
  });
  keys.push({ label: 'ID', expression: sql`${clients.id}`, descending: false, nullable: false, indexed: true });
  const signature = keys.map((key) => `${key.label}:${key.descending ? 'DESC' : 'ASC'}`).join(',');
  return { keys, signature };
}

export function orderByClause(ordering: ClientOrdering): SQL[] {
  return ordering.keys.flatMap((key) => {
    const direction = key.descending ? sql`desc` : sql`asc`;
    const ordered = sql`${key.expression} ${direction}`;
    return key.nullable ? [sql`(${key.expression} is null) asc`, ordered] : [ordered];
  });
}

/** Rows strictly after the cursor's position in the ordering (keyset paging: stable under inserts and deletes). */
export function afterCursorCondition(ordering: ClientOrdering, position: SortValue[]): SQL {
  const { keys } = ordering;
  const sameDirection = keys.every((key) => !key.nullable && key.descending === keys[0].descending);
  if (sameDirection) {
    // A row-value comparison lets SQLite seek straight into the (name_folded, id) style indexes.
    const columns = sql.join(keys.map((key) => key.expression), sql`, `);
    const values = sql.join(position.map((value) => sql`${value}`), sql`, `);
    return keys[0].descending ? sql`(${columns}) < (${values})` : sql`(${columns}) > (${values})`;
  }
  const alternatives: SQL[] = keys.map((key, i) => {
    const equalBefore = keys.slice(0, i).map((earlier, j) => equalTo(earlier, position[j]));
    return sql.join([...equalBefore, strictlyAfter(key, position[i])], sql` and `);
  });
  return sql`(${sql.join(alternatives.map((a) => sql`(${a})`), sql` or `)})`;
}

function equalTo(key: SortKey, value: SortValue): SQL {
  return value === null ? sql`${key.expression} is null` : sql`${key.expression} = ${value}`;
}

function strictlyAfter(key: SortKey, value: SortValue): SQL {
  if (value === null) return sql`0`; // nothing sorts after "no value": it comes last
  const comparison = key.descending ? sql`${key.expression} < ${value}` : sql`${key.expression} > ${value}`;
  return key.nullable ? sql`(${comparison} or ${key.expression} is null)` : comparison;
}

// Cursors: opaque to callers; inside, the ordering's signature and the last row's sort values.

export function encodeCursor(ordering: ClientOrdering, position: SortValue[]): string {
  return Buffer.from(JSON.stringify([ordering.signature, position]), 'utf8').toString('base64url');
}

export function decodeCursor(ordering: ClientOrdering, cursor: string, field = 'after'): SortValue[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`Cursor "${cursor}" is not a cursor of this API`, field);
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    !Array.isArray(decoded[1]) ||
    decoded[1].length !== ordering.keys.length ||
    !decoded[1].every((v) => v === null || typeof v === 'string' || typeof v === 'number')
  ) {
    throw badInput(`Cursor "${cursor}" is not a cursor of this API`, field);
  }
  if (decoded[0] !== ordering.signature) {
    throw badInput(`Cursor "${cursor}" was made for another orderBy; page again from the start`, field);
  }
  const position = decoded[1] as SortValue[];
  if (typeof position[position.length - 1] !== 'number') throw badInput(`Cursor "${cursor}" is not a cursor of this API`, field);
  return position;
}
