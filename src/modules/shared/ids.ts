/**
 * IDs are opaque strings to callers; inside they are SQLite row ids. Anything that is not a row id
 * simply names nothing (null), so lookups by a malformed id behave like lookups of a deleted one.
 */
export function parseRowId(id: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(id)) return null;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : null;
}

export const formatRowId = (id: number): string => String(id);
