/**
 * npm run import -- clients.csv        (or clients.jsonl)
 *
 * Reads a file as the export writes it and imports it through the running server (importClients),
 * upserting by externalId. Every row is checked first (a dry run over the whole file), so a file with
 * any bad row writes nothing and every bad row is reported with its record number.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import { parse } from 'csv-parse';
import type { ClientInput } from '../generated/graphql';
import { BASE_COLUMNS, CSV_DELIMITER, READ_ONLY_COLUMNS, splitValues } from '../modules/export/export-format';
import { apiClientFromEnv, CliError } from './api-client';

const BATCH = 2000;

interface ImportResult {
  created: number;
  updated: number;
  errors: Array<{ row: number; field: string | null; message: string }>;
}

interface Row {
  record: number;
  input: ClientInput;
}

const IMPORT = `mutation($rows: [ClientInput!]!, $dryRun: Boolean) {
  importClients(rows: $rows, dryRun: $dryRun) { created updated errors { row field message } }
}`;

/** A CSV record as the export writes it: empty cells clear, missing columns keep. */
function inputFromCsv(record: Record<string, string>, columns: string[], number: number): ClientInput {
  const input: Record<string, unknown> = {};
  const properties: Array<{ code: string; values: string[] }> = [];
  for (const column of columns) {
    if (READ_ONLY_COLUMNS.has(column)) continue;
    const cell = record[column] ?? '';
    if (column === 'doNotContact') {
      if (cell === '') continue; // a row without it keeps the client's
      const value = cell.trim().toLowerCase();
      if (value !== 'true' && value !== 'false') throw new CliError(`record ${number}: doNotContact must be true or false, got "${cell}"`);
      input.doNotContact = value === 'true';
    } else if (column === 'name') {
      input.name = cell; // required: an empty one is reported for its row by the server
    } else if ((BASE_COLUMNS as readonly string[]).includes(column)) {
      input[column] = cell === '' ? null : cell;
    } else {
      properties.push({ code: column, values: cell === '' ? [] : splitValues(cell) });
    }
  }
  if (properties.length > 0) input.properties = properties;
  return input as unknown as ClientInput;
}

async function* readRows(file: string): AsyncGenerator<Row> {
  if (file.endsWith('.jsonl') || file.endsWith('.ndjson')) {
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let record = 0;
    for await (const line of lines) {
      if (line.trim() === '') continue;
      record++;
      const json = JSON.parse(line) as Record<string, unknown>;
      const { id: _id, createdAt: _c, updatedAt: _u, properties, ...fields } = json;
      const input = { ...fields, properties: Object.entries((properties ?? {}) as Record<string, string[]>).map(([code, values]) => ({ code, values })) };
      yield { record, input: input as unknown as ClientInput };
    }
    return;
  }
  const parser = fs.createReadStream(file).pipe(parse({ delimiter: CSV_DELIMITER, bom: true, columns: true, relax_column_count: false }));
  let columns: string[] | null = null;
  let record = 0;
  for await (const csvRecord of parser as AsyncIterable<Record<string, string>>) {
    if (!columns) {
      columns = Object.keys(csvRecord);
      if (!columns.includes('name')) throw new CliError(`${file} has no "name" column; every client needs a name`);
    }
    record++;
    yield { record, input: inputFromCsv(csvRecord, columns, record) };
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || file.startsWith('-')) throw new CliError('Usage: npm run import -- FILE.csv|FILE.jsonl');
  if (!fs.existsSync(file)) throw new CliError(`No such file: ${file}`);
  const api = apiClientFromEnv();
  const rows: Row[] = [];
  for await (const row of readRows(path.resolve(file))) rows.push(row);
  if (rows.length === 0) throw new CliError(`${file} holds no rows`);

  const bar = new SingleBar({ format: '{phase} [{bar}] {value}/{total} rows', hideCursor: true, noTTYOutput: false }, Presets.shades_classic);
  const showBar = process.stderr.isTTY && rows.length > BATCH;
  const batches: Row[][] = [];
  for (let start = 0; start < rows.length; start += BATCH) batches.push(rows.slice(start, start + BATCH));

  // First every row is checked, so that a bad row anywhere writes nothing anywhere.
  const problems: string[] = [];
  if (showBar) bar.start(rows.length, 0, { phase: 'checking ' });
  for (const batch of batches) {
    const { importClients } = await api.graphql<{ importClients: ImportResult }>(IMPORT, { rows: batch.map((r) => r.input), dryRun: true });
    for (const error of importClients.errors) {
      problems.push(`record ${batch[error.row].record}${error.field ? `, ${error.field}` : ''}: ${error.message}`);
    }
    if (showBar) bar.increment(batch.length);
  }
  if (showBar) bar.stop();
  if (problems.length > 0) {
    process.stderr.write(`${file}: ${problems.length} bad row(s); nothing was imported:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }

  let created = 0;
  let updated = 0;
  if (showBar) bar.start(rows.length, 0, { phase: 'importing' });
  for (const batch of batches) {
    const { importClients } = await api.graphql<{ importClients: ImportResult }>(IMPORT, { rows: batch.map((r) => r.input) });
    if (importClients.errors.length > 0) {
      throw new CliError(`the data changed while importing: record ${batch[importClients.errors[0].row].record}: ${importClients.errors[0].message}`);
    }
    created += importClients.created;
    updated += importClients.updated;
    if (showBar) bar.increment(batch.length);
  }
  if (showBar) bar.stop();
  process.stdout.write(`Imported ${rows.length} row(s) from ${file}: ${created} created, ${updated} updated.\n`);
}

main().catch((error) => {
  process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
