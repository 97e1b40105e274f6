import { once } from 'node:events';
import express from 'express';
import { coerceInputValue, GraphQLError, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import type { Db } from '../../db/connection';
import type { Logger } from '../../logger';
import type { ClientFilter } from '../../generated/graphql';
import { assertRole, authenticate } from '../auth/auth.service';
import { loadCatalog } from '../client/client-catalog';
import { resolveClientOrdering } from '../client/client-order';
import { pageOfClients, valuesByClientIds } from '../client/client.repo';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveClientFilter, resolveSegment } from '../filter/filter.resolve';
import type { FilterNode } from '../filter/filter.types';
import { requireSegment } from '../segment/segment.service';
import { badInput } from '../../errors';
import { csvHeader, csvRows, jsonLine, type ExportedClient } from './export-format';

/** Clients read per step: memory stays flat however many are exported. */
const CHUNK = 1000;

function statusOf(error: GraphQLError): number {
  const code = error.extensions.code;
  return code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : code === 'NOT_FOUND' ? 404 : 400;
}

/** The ClientFilter from the query string, checked by GraphQL's own rules for the input type. */
function parseFilter(raw: unknown, filterType: GraphQLInputType): ClientFilter | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badInput('filter must be given once, as JSON', 'filter');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw badInput(`filter is not JSON: ${raw.slice(0, 100)}`, 'filter');
  }
  const problems: string[] = [];
  let firstPath = 'filter';
  const value = coerceInputValue(json, filterType, (path, _invalid, error) => {
    if (problems.length === 0) firstPath = ['filter', ...path].join('.');
    problems.push(error.message);
  });
  if (problems.length > 0) throw badInput(problems[0], firstPath);
  return value as ClientFilter;
}

/**
 * GET /export/clients?format=csv|jsonl&segment=CODE&filter=<ClientFilter as JSON>: every matching
 * client, uncapped, streamed page by page with backpressure, under the same token, role and filter
 * rules as GraphQL.
 */
export function exportRouter(db: Db, schema: GraphQLSchema, adminToken: string | undefined, logger: Logger): express.Router {
  const router = express.Router();
  const filterType = schema.getType('ClientFilter') as GraphQLInputType;

  router.get('/export/clients', async (req, res) => {
    let headersSent = false;
    try {
      const viewer = authenticate(db, req.headers.authorization, adminToken);
      assertRole(viewer, 'VIEWER', 'export');
      const format = req.query.format ?? 'csv';
      if (format !== 'csv' && format !== 'jsonl') throw badInput(`format must be csv or jsonl, got "${String(format)}"`, 'format');
      const parts: FilterNode[] = [];
      if (req.query.segment !== undefined) {
        if (typeof req.query.segment !== 'string') throw badInput('segment must be given once', 'segment');
        parts.push(resolveSegment(db, requireSegment(db, req.query.segment, 'segment', true)));
      }
      parts.push(resolveClientFilter(db, parseFilter(req.query.filter, filterType), 'filter'));
      const where = compileClientFilter({ kind: 'and', parts });
      const catalog = loadCatalog(db);
      const properties = [...catalog.propertiesById.values()];
      const ordering = resolveClientOrdering(db, null);

      let closed = false;
      res.on('close', () => (closed = true));
      res.status(200);
      res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="clients.${format}"`);
      res.setHeader('cache-control', 'no-store');
      headersSent = true;
      const write = async (chunk: string) => {
        if (!res.write(chunk)) await once(res, 'drain');
      };
      if (format === 'csv') await write(csvHeader(properties));
      let after: (string | number | null)[] | undefined;
      while (!closed) {
        const page = pageOfClients(db, { where, ordering, after, limit: CHUNK });
        if (page.length === 0) break;
        const values = new Map<number, Map<string, string[]>>();
        for (const row of valuesByClientIds(db, page.map((p) => p.client.id))) {
          const property = catalog.propertiesById.get(row.propertyId)!;
          const perClient = values.get(row.clientId) ?? new Map<string, string[]>();
          perClient.set(property.code, [...(perClient.get(property.code) ?? []), row.valueKey]);
          values.set(row.clientId, perClient);
        }
        // valuesByClientIds already returns each client's values in PropertyValue.values order.
        const rows: ExportedClient[] = page.map(({ client }) => {
          const mine = values.get(client.id) ?? new Map<string, string[]>();
          const type = client.relationshipTypeId === null ? null : (catalog.typesById.get(client.relationshipTypeId)?.code ?? null);
          return { client, relationshipType: type, values: mine };
        });
        await write(format === 'csv' ? csvRows(properties, rows) : rows.map(jsonLine).join(''));
        after = page[page.length - 1].position;
        if (page.length < CHUNK) break;
      }
      res.end();
    } catch (error) {
      if (headersSent) {
        logger.error({ requestId: req.requestId, err: error }, 'export failed while streaming');
        res.destroy(error as Error);
        return;
      }
      if (error instanceof GraphQLError) {
        res.status(statusOf(error)).json({ errors: [{ message: error.message, extensions: { ...error.extensions, http: undefined } }] });
        return;
      }
      logger.error({ requestId: req.requestId, err: error }, 'unexpected export error');
      res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: req.requestId } }] });
    }
  });
  return router;
}
