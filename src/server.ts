import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createContext, type GraphQLContext } from './context';
import type { Db } from './db/connection';
import { loadTypeDefs, resolvers } from './schema';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface AppOptions {
  db: Db;
  logger?: Pick<Console, 'error' | 'info'>;
}

/**
 * Errors we raise on purpose reach the caller as they are; anything else is a bug or a failure:
 * logged with its cause, and masked so that no stack trace, SQL or file path leaves the server.
 */
function maskUnexpectedErrors(logger: Pick<Console, 'error'>) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError || (code && code !== 'INTERNAL_SERVER_ERROR')) return formatted;
    logger.error('Unexpected error', original);
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * Errors raised before GraphQL runs (a body that is too large or not JSON) would otherwise reach the
 * caller as Express's HTML page with a stack trace: answer them as GraphQL-shaped JSON instead.
 */
function answerHttpErrorsAsJson(logger: Pick<Console, 'error'>): express.ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('Unexpected HTTP error', error);
    const message =
      status === 413
        ? `Request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`
        : status === 400
          ? 'Request body is not valid JSON'
          : status === 500
            ? 'Internal server error'
            : 'Bad request';
    const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

export interface App {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<GraphQLContext>;
}

export async function createApp({ db, logger = console }: AppOptions): Promise<App> {
  const app = express();
  const httpServer = http.createServer(app);
  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    // Apollo's default landing page loads from a CDN, which users without internet cannot reach.
    ApolloServerPluginLandingPageDisabled(),
  ];
  const apollo = new ApolloServer<GraphQLContext>({
    typeDefs: loadTypeDefs(),
    resolvers,
    plugins,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: maskUnexpectedErrors(logger),
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: async () => createContext(db) }),
  );
  app.use(answerHttpErrorsAsJson(logger));
  return { app, httpServer, apollo };
}
