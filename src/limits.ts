/**
 * What one request may ask. Chosen so that every query in the README and the tests passes with room
 * to spare, while a hostile document is refused before it costs anything.
 */
export const LIMITS = {
  /** Request body, JSON (a 10,000-row import fits). Larger: HTTP 413. */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Lexical tokens of a GraphQL document. */
  maxTokens: 10000,
  /** Nesting of selections (introspection excepted). */
  maxDepth: 12,
  /** Aliased fields in one operation. */
  maxAliases: 30,
  /** Estimated cost: every field counts 1, and a page multiplies what is under it by its `first`. */
  maxCost: 50000,
  /** Clients per page. */
  maxPageSize: 500,
} as const;
