import fc from 'fast-check';
import { RoaringBitmap32 } from 'roaring';
import { addToUnions, buildUnionLevels, removeFromUnions, unionParts } from '../src/modules/client-index/bucket-unions';

/** Buckets of client ids; a client may sit in several buckets, as with a multi-valued property. */
const bucketsArbitrary = fc.array(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 8 }), { minLength: 1, maxLength: 40 });

const unionOf = (bitmaps: RoaringBitmap32[]) => RoaringBitmap32.orMany(bitmaps).toArray();

describe('unions of neighbouring range buckets', () => {
  it('give, for every run of buckets, exactly the clients of those buckets', () => {
    fc.assert(
      fc.property(bucketsArbitrary, fc.nat(), fc.nat(), (lists, a, b) => {
        const buckets = lists.map((ids) => new RoaringBitmap32(ids));
        const levels = buildUnionLevels(buckets);
        const from = a % (buckets.length + 1);
        const to = from + (b % (buckets.length - from + 1));
        const parts = unionParts(levels, from, to);
        expect(unionOf(parts)).toEqual(unionOf(buckets.slice(from, to)));
        // At most two bitmaps per level.
        expect(parts.length).toBeLessThanOrEqual(2 * levels.length);
      }),
      { numRuns: 500 },
    );
  });

  it('stay equal to unions built afresh through any sequence of clients joining and leaving buckets', () => {
    const move = fc.record({ bucket: fc.nat(), clientId: fc.integer({ min: 1, max: 60 }), join: fc.boolean() });
    fc.assert(
      fc.property(bucketsArbitrary, fc.array(move, { maxLength: 60 }), (lists, moves) => {
        const buckets = lists.map((ids) => new RoaringBitmap32(ids));
        const levels = buildUnionLevels(buckets);
        for (const { bucket: b, clientId, join } of moves) {
          const bucket = b % buckets.length;
          if (join) {
            buckets[bucket].add(clientId);
            addToUnions(levels, bucket, clientId);
          } else if (buckets[bucket].has(clientId)) {
            buckets[bucket].remove(clientId);
            removeFromUnions(levels, bucket, clientId);
          }
        }
        const fresh = buildUnionLevels(buckets);
        expect(levels.map((level) => level.map((bitmap) => bitmap.toArray()))).toEqual(fresh.map((level) => level.map((bitmap) => bitmap.toArray())));
      }),
      { numRuns: 500 },
    );
  });
});
