/**
 * The command line is a client of a running server over HTTP, so that every write goes through the
 * same checks, roles and history as any other. CRM_URL (default http://localhost:4000) and CRM_TOKEN.
 */
export interface ApiClient {
  baseUrl: string;
  token: string;
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export class CliError extends Error {}

export function apiClientFromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
  const baseUrl = (env.CRM_URL?.trim() || 'http://localhost:4000').replace(/\/+$/, '').replace(/\/graphql$/, '');
  const token = env.CRM_TOKEN?.trim();
  if (!token) throw new CliError('CRM_TOKEN is not set: create one with `npm run token -- create --name NAME --role EDITOR`');
  return {
    baseUrl,
    token,
    async graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
      } catch (error) {
        throw new CliError(`Cannot reach the server at ${baseUrl}: ${(error as Error).message}`);
      }
      const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { field?: string } }> };
      if (body.errors?.length) {
        const first = body.errors[0];
        throw new CliError(`${first.message}${first.extensions?.field ? ` (${first.extensions.field})` : ''}`);
      }
      return body.data as T;
    },
  };
}
