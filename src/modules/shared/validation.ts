import { badInput } from '../../errors';

export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Codes are stable keys typed by people and scripts: a letter, then letters, digits, _ or -. */
export function assertCode(code: string, field: string): string {
  if (!CODE_PATTERN.test(code)) {
    throw badInput(
      `Code "${code}" is not valid: it must start with a Latin letter and hold only Latin letters, digits, "_" or "-" (at most 64)`,
      field,
    );
  }
  return code;
}

/** A required display text: trimmed, not empty, bounded. */
export function requiredText(value: string | null | undefined, field: string, maxLength = 500): string {
  const text = value?.trim() ?? '';
  if (text === '') throw badInput(`${lastSegment(field)} must not be empty`, field);
  if (text.length > maxLength) throw badInput(`${lastSegment(field)} is longer than ${maxLength} characters`, field);
  return text;
}

/** An optional text: trimmed; empty reads as "not set". */
export function optionalText(value: string | null | undefined, field: string, maxLength = 2000): string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  if (text.length > maxLength) throw badInput(`${lastSegment(field)} is longer than ${maxLength} characters`, field);
  return text;
}

/** The last segment of a field path, to name the field in a message. */
export function lastSegment(field: string): string {
  const parts = field.split('.');
  return parts[parts.length - 1];
}

/** True when the key is present in a patch object: absent keys leave a field as it is, null clears it. */
export const isGiven = <T extends object>(patch: T, key: keyof T): boolean =>
  Object.prototype.hasOwnProperty.call(patch, key) && patch[key] !== undefined;
