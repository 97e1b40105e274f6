import { monitorEventLoopDelay } from 'node:perf_hooks';
import express from 'express';
import { GraphQLError } from 'graphql';
import { observeStatements, type Connection } from './db/connection';
import { assertRole, authenticate } from './modules/auth/auth.service';

/** How often the event-loop delay is sampled: Node's default, fine enough to see a query that blocks. */
const EVENT_LOOP_RESOLUTION_MS = 10;

/** The histogram holds the time between two samples; the delay is what exceeds the interval. */
const delayMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) * 100) / 100);

/**
 * GET /metrics, for the benchmark (bench/run.ts) to see inside the server from its own process:
 * memory, the event-loop delay since the last `?reset=1`, and the SQL statements run so far, so
 * that statements per request is a difference of two readings. ADMIN only: it tells how loaded the
 * server is. Mounted only with METRICS=true.
 */
export function metricsRouter(db: Connection, adminToken: string | undefined): express.Router {
  const statements = { count: 0 };
  observeStatements(db, () => void statements.count++);
  const eventLoopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  eventLoopDelay.enable();

  const router = express.Router();
  router.get('/metrics', (req, res) => {
    // Read before authenticating: a stored token costs a statement, which is no request's own.
    const sqlStatements = statements.count;
    try {
      assertRole(authenticate(db, req.headers.authorization, adminToken), 'ADMIN', 'metrics');
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const code = error.extensions.code;
      res.status(code === 'UNAUTHENTICATED' ? 401 : 403).json({ errors: [{ message: error.message, extensions: { code } }] });
      return;
    }
    const { rss, heapUsed } = process.memoryUsage();
    res.json({
      rssBytes: rss,
      heapUsedBytes: heapUsed,
      eventLoopDelay: {
        p50Ms: delayMs(eventLoopDelay.percentile(50)),
        p99Ms: delayMs(eventLoopDelay.percentile(99)),
        maxMs: delayMs(eventLoopDelay.max),
      },
      sqlStatements,
    });
    if (req.query.reset === '1') eventLoopDelay.reset();
  });
  return router;
}
