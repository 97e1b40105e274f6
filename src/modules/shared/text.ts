/**
 * The folded form of a text, used wherever text is matched or sorted without regard to case:
 * compatibility-normalised (NFKC), case folded in every alphabet (upper-then-lower also folds ß and ς),
 * and ё read as е, as Russian readers do. Stored beside the text so that SQL compares folded forms.
 */
export function foldText(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().replace(/ё/g, 'е');
}

/**
 * The smallest string greater than every string that starts with `prefix`, so that
 * `folded >= prefix AND folded < upperBound` is a prefix match an index can serve.
 * Null when no such bound exists (the prefix ends in U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | null {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}
