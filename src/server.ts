import crypto from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequest } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import express from 'express';
import {
  getDirectiveValues,
  GraphQLError,
  isObjectType,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationContext,
} from 'graphql';
import { createComplexityDirective, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

import { createContext, type GraphQLContext } from './context';
import type { Connection } from './db/connection';
import { ClientIndex } from './modules/client-index/client-index';
import { graphiqlRouter } from './graphiql';
import { LIMITS } from './limits';
import { DEFAULT_PAGE_SIZE } from './modules/client/client-page';
import { metricsRouter } from './metrics';
import { createLogger, type Logger } from './logger';
import { authenticate, unauthenticated, type Viewer } from './modules/auth/auth.service';
import { exportRouter } from './modules/export/export.routes';
import { buildSchema } from './schema';

export interface AppOptions {
  db: Connection;
  /** Answer filters, counts and facets from the in-memory client index (default) or from SQL alone. */
  clientIndex?: boolean;
  logger?: Logger;
  /** ADMIN_TOKEN from the environment, accepted as an admin token. */
  adminToken?: string;
  /** Serve GET /metrics for the benchmark (METRICS=true); off by default. */
  metrics?: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    viewer: Viewer | null;
  }
}

/**
 * Errors we raise on purpose reach the caller as they are; anything else is a bug or a failure:
 * logged with its cause (see the plugin below), and masked so that no stack trace, SQL or file path
 * leaves the server.
 */
function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  // graphql-js reports its token limit as a syntax error ("more that N tokens"); it is a limit like the others.
  if (code === 'GRAPHQL_PARSE_FAILED' && /Document contains more th(?:an|at) \d+ tokens/.test(formatted.message)) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  if (original instanceof GraphQLError || (code && code !== 'INTERNAL_SERVER_ERROR')) return formatted;
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs unexpected errors with their cause and request id, and gives the caller that id. */
function unexpectedErrorsPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (!(original instanceof GraphQLError)) {
              logger.error({ requestId: contextValue.requestId, err: original, path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}

const complexityDirective = createComplexityDirective();

/**
 * @complexity(value, multipliers) as graphql-query-complexity reads it, except that a page size is
 * counted at most at the page maximum: a `first` over it is the resolver's BAD_USER_INPUT naming
 * `first`, a clearer answer than a cost refusal.
 */
const pageAwareEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const values = field.astNode ? getDirectiveValues(complexityDirective, field.astNode) : undefined;
  if (!values) return undefined;
  const multiplier = ((values.multipliers as string[] | undefined) ?? []).reduce((product, name) => {
    const value = args[name];
    if (typeof value === 'number') return product * Math.min(Math.max(value, 1), LIMITS.maxPageSize);
    if (Array.isArray(value)) return product * Math.max(value.length, 1);
    // `first: null` is the default page, as the resolvers read it.
    if (value === null || value === undefined) return product * DEFAULT_PAGE_SIZE;
    return product;
  }, 1);
  return (Number(values.value) + childComplexity) * multiplier;
};

/** The names of every argument some @complexity multiplies by (`first`, `properties`). */
function multiplierArgumentNames(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const values = field.astNode ? getDirectiveValues(complexityDirective, field.astNode) : undefined;
      for (const name of (values?.multipliers as string[] | undefined) ?? []) names.add(name);
    }
  }
  return names;
}

/**
 * The variables that can change a document's cost: those given to a multiplier argument, and those
 * of directives (`@include(if: $v)` and `@skip` decide which fields count). The others (a client's
 * id, a filter) cannot.
 */
function costVariablesOf(document: DocumentNode, multiplierNames: Set<string>): string[] {
  const found = new Set<string>();
  const collect = (node: ASTNode) => visit(node, { Variable: (variable) => void found.add(variable.name.value) });
  visit(document, {
    Argument(argument) {
      if (multiplierNames.has(argument.name.value)) collect(argument.value);
    },
    Directive(directive) {
      collect(directive);
    },
  });
  return [...found];
}

/** Costs remembered per document and per value of its cost variables; beyond this many, forgotten. */
const MAX_COSTS_PER_DOCUMENT = 64;

/**
 * Refuses an operation whose estimated cost is over the limit, before any resolver runs. The
 * estimate walks the whole document (~0.13 ms, a tenth of a card's time), so it is remembered per
 * document (Apollo hands back the same parsed document for the same query text) and per operation
 * and value of the variables that reach a page size.
 */
function costLimitPlugin(): ApolloServerPlugin<GraphQLContext> {
  let multiplierNames: Set<string> | null = null;
  const costsByDocument = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();
  return {
    async requestDidStart({ schema }) {
      multiplierNames ??= multiplierArgumentNames(schema);
      return {
        async didResolveOperation({ request, document }) {
          let known = costsByDocument.get(document);
          if (!known) costsByDocument.set(document, (known = { variables: costVariablesOf(document, multiplierNames!), costs: new Map() }));
          // A variable left out takes its default and one given as null does not: they are told apart.
          const given = request.variables ?? {};
          const key = JSON.stringify([request.operationName ?? null, ...known.variables.map((name) => (name in given ? [given[name]] : 'default'))]);
          let cost = known.costs.get(key);
          if (cost === undefined) {
            cost = estimateCost(schema, request, document);
            if (known.costs.size >= MAX_COSTS_PER_DOCUMENT) known.costs.clear();
            known.costs.set(key, cost);
          }
          if (cost > LIMITS.maxCost) {
            throw new GraphQLError(
              `Operation is too costly: estimated ${cost}, at most ${LIMITS.maxCost} (a page multiplies what is under it by its size; ask for smaller pages or fewer fields)`,
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost: LIMITS.maxCost, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}

function estimateCost(schema: GraphQLSchema, request: GraphQLRequest, document: DocumentNode): number {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: request.operationName ?? undefined,
      variables: request.variables ?? {},
      estimators: [pageAwareEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // getComplexity coerces the variables itself; a value of the wrong type is the caller's mistake.
    if (error instanceof GraphQLError) {
      throw new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    }
    throw error;
  }
}

/**
 * Errors raised before GraphQL runs (a body that is too large or not JSON) would otherwise reach the
 * caller as Express's HTML page with a stack trace: answer them as GraphQL-shaped JSON instead.
 */
function answerHttpErrorsAsJson(logger: Logger): express.ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ requestId: req.requestId, err: error }, 'unexpected HTTP error');
    const message =
      status === 413
        ? `Request body is larger than ${LIMITS.maxBodyBytes / 1024 / 1024} MiB`
        : status === 400
          ? 'Request body is not valid JSON'
          : status === 500
            ? 'Internal server error'
            : 'Bad request';
    const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    res.status(status).json({ errors: [{ message, extensions: { code, requestId: req.requestId } }] });
  };
}

const reportRejection = (context: ValidationContext | null, error: GraphQLError) => {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, 'Document refused: ')));
};

export interface App {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<GraphQLContext>;
  clientIndex: ClientIndex | null;
}

export async function createApp({ db, logger = createLogger(), adminToken, metrics = false, clientIndex: useIndex = true }: AppOptions): Promise<App> {
  const clientIndex = useIndex ? new ClientIndex(db) : null;
  const app = express();
  app.disable('x-powered-by');
  // An ETag hashes every response body, and no GraphQL client revalidates a POST with it.
  app.set('etag', false);
  const httpServer = http.createServer(app);
  const schema = buildSchema();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's default landing page loads from a CDN, which users without internet cannot reach.
      ApolloServerPluginLandingPageDisabled(),
      // Cache hints are for HTTP caches of GET queries, which this API does not serve; on, Apollo
      // wraps every field's resolver to collect them (~5% of a client card's time).
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin(),
      unexpectedErrorsPlugin(logger),
    ],
    // Reported as validation errors (HTTP 400), not thrown: thrown, Apollo would answer 500.
    validationRules: [
      maxDepthRule({ n: LIMITS.maxDepth, ignoreIntrospection: true, propagateOnRejection: false, onReject: [reportRejection] }),
      maxAliasesRule({ n: LIMITS.maxAliases, propagateOnRejection: false, onReject: [reportRejection] }),
    ],
    parseOptions: { maxTokens: LIMITS.maxTokens },
    // Introspection serves schema-aware tools; only authenticated callers ever reach it.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
  });
  await apollo.start();

  app.use((req, res, next) => {
    req.requestId = crypto.randomUUID();
    res.setHeader('x-request-id', req.requestId);
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (metrics) app.use(metricsRouter(db, adminToken));
  app.use(exportRouter(db, schema, adminToken, logger));
  // Before the token check: the page asks for a token itself and holds no data.
  app.use(graphiqlRouter());
  app.use(
    '/graphql',
    express.json({ limit: LIMITS.maxBodyBytes }),
    // At the door: without a valid token nothing of the schema is revealed, not even a field suggestion.
    (req, res, next) => {
      req.viewer = authenticate(db, req.headers.authorization, adminToken);
      if (req.viewer) return next();
      const error = unauthenticated();
      res.status(401).json({ errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
    },
    expressMiddleware(apollo, { context: async ({ req }) => createContext(db, clientIndex, req.viewer, req.requestId) }),
  );
  app.use(answerHttpErrorsAsJson(logger));
  return { app, httpServer, apollo, clientIndex };
}
