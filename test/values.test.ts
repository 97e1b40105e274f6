import fc from 'fast-check';
import { canonicalDate, canonicalNumber } from '../src/modules/property/property-values';
import { foldText, prefixUpperBound } from '../src/modules/shared/text';

const text = (result: { text: string } | { error: string }) => ('text' in result ? result.text : `error: ${result.error}`);

describe('canonical numbers', () => {
  it.each([
    ['1500000', '1500000'],
    ['1.5e6', '1500000'],
    ['1e3', '1000'],
    ['1000.0', '1000'],
    ['250000.50', '250000.5'],
    ['-0.25', '-0.25'],
    ['+7', '7'],
    ['-0', '0'],
    ['000.000', '0'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1E-3', '0.001'],
    ['123456789012345', '123456789012345'],
    [' 42 ', '42'],
  ])('%s reads as %s', (raw, expected) => expect(text(canonicalNumber(raw))).toBe(expected));

  it.each(['', '.', 'abc', '1,5', '1e', '0x10', 'Infinity', 'NaN', '1 000', '1234567890123456', '1e400', '1e-400', '--1'])(
    '%s is refused',
    (raw) => expect('error' in canonicalNumber(raw)).toBe(true),
  );

  it('keeps the value of every number with up to 15 significant digits, whatever the way it is written', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 10 }), (mantissa, scale) => {
        const plain = mantissa.toString();
        const written = `${plain}e-${scale}`;
        const canonical = text(canonicalNumber(written));
        expect(Number(canonical)).toBe(Number(written));
        expect(text(canonicalNumber(canonical))).toBe(canonical);
        expect(canonical).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('canonical dates', () => {
  it.each(['2024-02-29', '2025-12-31', '0001-01-01', '9999-12-31'])('%s is a date', (raw) => expect(text(canonicalDate(raw))).toBe(raw));
  it.each(['2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '0000-01-01', '25-01-01', '2025-1-1', '2025-01-01T00:00:00Z', '31.12.2025'])(
    '%s is refused',
    (raw) => expect('error' in canonicalDate(raw)).toBe(true),
  );
});

describe('folded text', () => {
  it('folds Cyrillic and Latin case and reads ё as е', () => {
    expect(foldText('Рога И Копыта')).toBe('рога и копыта');
    expect(foldText('ЁЛКА ёлка')).toBe('елка елка');
    expect(foldText('Straße')).toBe(foldText('STRASSE'));
  });

  it('bounds prefixes exactly: a folded text starts with the prefix iff it lies in [prefix, bound)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 8 }), (prefix, other) => {
        const bound = prefixUpperBound(prefix);
        for (const candidate of [other, prefix + other]) {
          const inRange = Buffer.compare(Buffer.from(candidate), Buffer.from(prefix)) >= 0 &&
            (bound === null || Buffer.compare(Buffer.from(candidate), Buffer.from(bound)) < 0);
          expect(inRange).toBe(candidate.startsWith(prefix));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
