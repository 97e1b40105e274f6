import { GraphQLError } from 'graphql';

/** Error codes callers can rely on, as in API.md. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN';

function userError(code: ErrorCode, message: string, field?: string, extra: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}), ...extra } });
}

/** Wrong input: `field` is the path of the culprit in the arguments, e.g. `filter.and.1.property.anyOf`. */
export const badInput = (message: string, field?: string, extra?: Record<string, unknown>) =>
  userError('BAD_USER_INPUT', message, field, extra);

export const notFound = (message: string, field?: string) => userError('NOT_FOUND', message, field);

export const conflict = (message: string, field?: string, extra?: Record<string, unknown>) =>
  userError('CONFLICT', message, field, extra);
