import { stringify } from 'csv-stringify/sync';
import type { ClientRow, PropertyRow } from '../../db/schema';

/*
 * The export's file formats, shared by the server (writing) and the command line (reading back).
 * CSV opens in Excel with Russian settings: UTF-8 with a BOM, ";" between fields, RFC 4180 quoting.
 * One column per property; a cell holds all of a client's values of it, separated by "|", with "\"
 * escaping a "|" or "\" inside a value, so that any text survives the round trip.
 */

export const CSV_DELIMITER = ';';
export const VALUE_SEPARATOR = '|';
export const BOM = '\uFEFF';

export const BASE_COLUMNS = ['id', 'externalId', 'name', 'manager', 'phone', 'email', 'doNotContact', 'relationshipType', 'createdAt', 'updatedAt'] as const;
/** Columns that describe the record, not data an import writes. */
export const READ_ONLY_COLUMNS = new Set(['id', 'createdAt', 'updatedAt']);

export const escapeValue = (value: string): string => value.replace(/[\\|]/g, (c) => `\\${c}`);

export const joinValues = (values: readonly string[]): string => values.map(escapeValue).join(VALUE_SEPARATOR);

/** Splits a cell into values at unescaped separators and removes the escapes. */
export function splitValues(cell: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i];
    if (c === '\\' && i + 1 < cell.length) current += cell[++i];
    else if (c === VALUE_SEPARATOR) {
      values.push(current);
      current = '';
    } else current += c;
  }
  values.push(current);
  return values;
}

export interface ExportedClient {
  client: ClientRow;
  relationshipType: string | null;
  /** Canonical values by property code, in PropertyValue.values order. */
  values: Map<string, string[]>;
}

export const csvHeader = (properties: readonly PropertyRow[]): string =>
  BOM + stringify([[...BASE_COLUMNS, ...properties.map((p) => p.code)]], { delimiter: CSV_DELIMITER, record_delimiter: '\r\n' });

export function csvRows(properties: readonly PropertyRow[], rows: readonly ExportedClient[]): string {
  return stringify(
    rows.map(({ client, relationshipType, values }) => [
      String(client.id),
      client.externalId ?? '',
      client.name,
      client.manager ?? '',
      client.phone ?? '',
      client.email ?? '',
      String(client.doNotContact),
      relationshipType ?? '',
      new Date(client.createdAt).toISOString(),
      new Date(client.updatedAt).toISOString(),
      ...properties.map((p) => joinValues(values.get(p.code) ?? [])),
    ]),
    { delimiter: CSV_DELIMITER, record_delimiter: '\r\n' },
  );
}

export function jsonLine({ client, relationshipType, values }: ExportedClient): string {
  return `${JSON.stringify({
    id: String(client.id),
    externalId: client.externalId,
    name: client.name,
    manager: client.manager,
    phone: client.phone,
    email: client.email,
    doNotContact: client.doNotContact,
    relationshipType,
    properties: Object.fromEntries(values),
    createdAt: new Date(client.createdAt).toISOString(),
    updatedAt: new Date(client.updatedAt).toISOString(),
  })}\n`;
}
