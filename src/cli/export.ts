/**
 * npm run export -- [--segment CODE] [--filter '<ClientFilter as JSON>'] [--format csv|jsonl] [--out FILE]
 *
 * Streams every matching client from the running server's /export/clients to a file or stdout.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { apiClientFromEnv, CliError } from './api-client';

const program = new Command('export')
  .description('export clients from the running server (CRM_URL, CRM_TOKEN)')
  .option('--segment <code>', 'only the clients of this saved segment')
  .option('--filter <json>', 'a ClientFilter as JSON')
  .option('--format <format>', 'csv or jsonl', 'csv')
  .option('--out <file>', 'write to this file instead of stdout')
  .action(async (options: { segment?: string; filter?: string; format: string; out?: string }) => {
    const api = apiClientFromEnv();
    const query = new URLSearchParams({ format: options.format });
    if (options.segment) query.set('segment', options.segment);
    if (options.filter) query.set('filter', options.filter);
    let response: Response;
    try {
      response = await fetch(`${api.baseUrl}/export/clients?${query}`, { headers: { authorization: `Bearer ${api.token}` } });
    } catch (error) {
      throw new CliError(`Cannot reach the server at ${api.baseUrl}: ${(error as Error).message}`);
    }
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => null)) as { errors?: Array<{ message: string; extensions?: { field?: string } }> } | null;
      const first = body?.errors?.[0];
      throw new CliError(first ? `${first.message}${first.extensions?.field ? ` (${first.extensions.field})` : ''}` : `HTTP ${response.status}`);
    }
    const target = options.out ? fs.createWriteStream(options.out) : process.stdout;
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream), target);
    if (options.out) process.stderr.write(`Exported to ${options.out}\n`);
  });

program.parseAsync(process.argv).catch((error) => {
  process.stderr.write(`export: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
