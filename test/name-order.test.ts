import fc from 'fast-check';
import { RoaringBitmap32 } from 'roaring';
import { NameOrder } from '../src/modules/client-index/name-order';

/*
 * The in-memory name order against a plain reference: for any order of clients, any selection, any
 * clients unplaced since, and any starting place, a page is the selection's placed clients after
 * that place, in order; clients it never placed (read in a later snapshot) are left to the caller.
 */

const scenario = fc
  .record({
    ids: fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 0, maxLength: 120 }),
    // A few huge ids make the places a map instead of an array indexed by id.
    huge: fc.boolean(),
    selectedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    unplacedShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    strangers: fc.uniqueArray(fc.integer({ min: 401, max: 500 }), { maxLength: 5 }),
    limit: fc.integer({ min: 1, max: 30 }),
    after: fc.nat(),
    seed: fc.integer(),
  })
  .map((s) => ({ ...s, ids: s.huge ? [...s.ids, 3_000_000_000, 2_000_000_000] : s.ids }));

describe('the in-memory name order', () => {
  it('pages exactly the placed clients of a selection after a place, in order', () => {
    fc.assert(
      fc.property(scenario, ({ ids, selectedShare, unplacedShare, strangers, limit, after, seed }) => {
        let state = seed;
        const random = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const order = new NameOrder();
        order.load(ids);
        const unplaced = ids.filter(() => random() < unplacedShare);
        for (const id of unplaced) order.unplaced.add(id);
        const selected = [...ids.filter(() => random() < selectedShare), ...strangers];
        const { placed, unplaced: left } = order.split(new RoaringBitmap32(selected));
        // Strangers (never placed) and unplaced clients are left to the caller, the rest placed.
        const expectedPlaced = selected.filter((id) => ids.includes(id) && !unplaced.includes(id));
        expect(placed.toArray()).toEqual([...expectedPlaced].sort((a, b) => a - b));
        expect(left.toArray()).toEqual(selected.filter((id) => !expectedPlaced.includes(id)).sort((a, b) => a - b));

        const afterPlace = ids.length === 0 ? 0 : after % (ids.length + 1);
        const expected = ids.filter((id, place) => place + 1 > afterPlace && expectedPlaced.includes(id)).slice(0, limit);
        expect(order.firstAfter(placed, afterPlace, limit)).toEqual(expected);
        if (afterPlace > 0 && !unplaced.includes(ids[afterPlace - 1])) expect(order.placeOf(ids[afterPlace - 1])).toBe(afterPlace);
        for (const id of unplaced) expect(order.placeOf(id)).toBe(0);
        for (const id of strangers) expect(order.placeOf(id)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});
