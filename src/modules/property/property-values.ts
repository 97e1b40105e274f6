import { badInput } from '../../errors';
import type { PropertyOptionRow, PropertyRow } from '../../db/schema';
import { foldText } from '../shared/text';

/** A value as stored: canonical text plus the typed columns the database compares by. */
export interface StoredValue {
  valueKey: string;
  numberValue: number | null;
  optionId: number | null;
  textFolded: string | null;
}

export const MAX_SIGNIFICANT_DIGITS = 15;
export const MAX_FRACTION_DIGITS = 15;
export const MAX_INTEGER_DIGITS = 18;
export const MAX_STRING_LENGTH = 2000;

const NUMBER_PATTERN = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Decimal text in canonical form ("1500000", "250000.5", "-0.25"), computed on the digits themselves
 * so that no binary rounding can creep in. Null when the text is no decimal we keep.
 */
export function canonicalNumber(raw: string): { text: string } | { error: string } {
  const match = NUMBER_PATTERN.exec(raw.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return { error: 'is not a number' };
  const [, sign, integerDigits, fractionDigits = '', exponentText = '0'] = match;
  let digits = (integerDigits + fractionDigits).replace(/^0+/, '');
  let exponent = Number(exponentText) - fractionDigits.length;
  if (digits === '') return { text: '0' };
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailingZeros);
  exponent += trailingZeros;
  if (digits.length > MAX_SIGNIFICANT_DIGITS) {
    return { error: `has more than ${MAX_SIGNIFICANT_DIGITS} significant digits` };
  }
  const integerLength = digits.length + exponent;
  if (integerLength > MAX_INTEGER_DIGITS) return { error: `is too large (at most ${MAX_INTEGER_DIGITS} digits before the point)` };
  if (-exponent > MAX_FRACTION_DIGITS) return { error: `has more than ${MAX_FRACTION_DIGITS} digits after the point` };
  let text: string;
  if (exponent >= 0) text = digits + '0'.repeat(exponent);
  else if (integerLength > 0) text = `${digits.slice(0, integerLength)}.${digits.slice(integerLength)}`;
  else text = `0.${'0'.repeat(-integerLength)}${digits}`;
  return { text: sign === '-' ? `-${text}` : text };
}

export function canonicalDate(raw: string): { text: string } | { error: string } {
  const match = DATE_PATTERN.exec(raw.trim());
  if (!match) return { error: 'is not a date in the form YYYY-MM-DD' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { error: 'is not a calendar date' };
  }
  return { text: match[0] };
}

export function canonicalBoolean(raw: string): { text: string } | { error: string } {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'false') return { text: value };
  return { error: 'is not a boolean (true or false)' };
}

export function canonicalString(raw: string): { text: string } | { error: string } {
  const text = raw.trim();
  if (text === '') return { error: 'is empty' };
  if (text.length > MAX_STRING_LENGTH) return { error: `is longer than ${MAX_STRING_LENGTH} characters` };
  return { text };
}

export interface ParseValueOptions {
  /** Options of the property by code (ENUM). */
  optionsByCode: Map<string, PropertyOptionRow>;
  /** Archived options are valid in filters and for values a client already holds, not as new values. */
  allowArchived: (option: PropertyOptionRow) => boolean;
  field: string;
}

/**
 * Parses one written value of a property into its stored form, or throws BAD_USER_INPUT naming the
 * field and quoting the value. Filters parse their values the same way, so "1e3" matches "1000".
 */
export function parsePropertyValue(property: PropertyRow, raw: string, options: ParseValueOptions): StoredValue {
  const fail = (reason: string) =>
    badInput(`Value "${raw}" of property "${property.code}" ${reason}`, options.field, { property: property.code, value: raw });
  switch (property.valueType) {
    case 'ENUM': {
      const option = options.optionsByCode.get(raw);
      if (!option) {
        const known = [...options.optionsByCode.values()].filter((o) => !o.archived).map((o) => o.code);
        throw fail(`is not an option; expected one of: ${known.join(', ')}`);
      }
      if (option.archived && !options.allowArchived(option)) throw fail('is an archived option and cannot be written as a new value');
      return { valueKey: option.code, numberValue: null, optionId: option.id, textFolded: null };
    }
    case 'NUMBER': {
      const result = canonicalNumber(raw);
      if ('error' in result) throw fail(result.error);
      return { valueKey: result.text, numberValue: Number(result.text), optionId: null, textFolded: null };
    }
    case 'DATE': {
      const result = canonicalDate(raw);
      if ('error' in result) throw fail(result.error);
      return { valueKey: result.text, numberValue: null, optionId: null, textFolded: null };
    }
    case 'BOOLEAN': {
      const result = canonicalBoolean(raw);
      if ('error' in result) throw fail(result.error);
      return { valueKey: result.text, numberValue: null, optionId: null, textFolded: null };
    }
    case 'STRING': {
      const result = canonicalString(raw);
      if ('error' in result) throw fail(result.error);
      return { valueKey: result.text, numberValue: null, optionId: null, textFolded: foldText(result.text) };
    }
  }
}

/** One value for people: option labels, Да/Нет, dates as 31.12.2025, the rest as stored. */
export function displayValue(property: Pick<PropertyRow, 'valueType'>, valueKey: string, option?: Pick<PropertyOptionRow, 'label'>): string {
  switch (property.valueType) {
    case 'ENUM':
      return option?.label ?? valueKey;
    case 'BOOLEAN':
      return valueKey === 'true' ? 'Да' : 'Нет';
    case 'DATE': {
      const [year, month, day] = valueKey.split('-');
      return `${day}.${month}.${year}`;
    }
    default:
      return valueKey;
  }
}
