import type Database from 'better-sqlite3';
import { RoaringBitmap32 } from 'roaring';
import { sql, type SQL } from 'drizzle-orm';
import { prepareUnobserved, type Connection } from '../../db/connection';
import { clients, type PropertyRow } from '../../db/schema';
import { idIn } from '../client/client.repo';
import { compileClientFilter } from '../filter/filter.sql';
import type { FilterNode, PropertyNode, RangeBound } from '../filter/filter.types';
import { foldText } from '../shared/text';
import { NameOrder } from './name-order';
import { addToUnions, buildUnionLevels, removeFromUnions, unionParts, type UnionLevels } from './bucket-unions';

/*
 * A derived, in-memory index of which clients hold what: compressed bitmaps per relationship type,
 * per property value and per property, kept in step with every committed write by triggers that log
 * each changed row into a temporary table, drained before every read. A filter becomes bitmap
 * algebra; counts, facets and relationship-type counts become intersections, with no rows read.
 * What the index does not hold (text search, time ranges, static segment lists) is asked of SQL and
 * joins the algebra as a bitmap. SQLite stays the source of truth: the index is rebuilt from it at
 * start, and whenever another connection has changed clients or values (client_change_counter).
 */

const LOG_TABLE = 'client_index_log';

const WALK_BUDGET = 2000;
const WALK_OVER_BUDGET = 'client index: walk over budget';

/** Beyond this many other distinct values, `exactly` is asked of SQLite instead of OR-ing them. */
const MAX_OTHER_VALUES = 1024;

/** Clients created or renamed since the name order was read, beyond which it is read again (~0.3 s at a million). */
const MIN_UNPLACED_BEFORE_REREAD = 1000;

/** Distinct values per range bucket. */
const BUCKET_SIZE = 256;

type ValueKind = PropertyRow['valueType'];

interface PropertyValues {
  valueType: ValueKind;
  /** Clients holding each canonical value. */
  byValue: Map<string, Holders>;
  /** Clients holding any value. */
  holders: RoaringBitmap32;
  /** Distinct values in typed order, in buckets, for ranges; built at the first range asked, then kept up to date. */
  buckets: RangeBucket[] | null;
  /** Unions of neighbouring buckets (bucket-unions.ts), built at the first range after the buckets last split or emptied. */
  unions: UnionLevels | null;
  /** Each value's folded form, for `contains` (folding is NFKC and case: ~1 µs a value, too slow to redo per query); filled at the first `contains`. */
  folded: Map<string, string> | null;
}

/**
 * A run of consecutive distinct values (in typed order) with the clients holding any of them, so
 * that a range over many distinct values (amounts, dates) ORs a few bucket bitmaps plus the values
 * at its two edges, instead of one bitmap per value.
 */
interface RangeBucket {
  keys: string[];
  clients: RoaringBitmap32;
}

interface LogRow {
  kind: 'client+' | 'client-' | 'client~' | 'value+' | 'value-';
  clientId: number;
  propertyId: number | null;
  valueKey: string | null;
  oldType: number | null;
  newType: number | null;
  oldDnc: number | null;
  newDnc: number | null;
  /** For 'client~': whether name_folded changed, which moves the client out of its place in name order. */
  nameChanged: number | null;
}

/**
 * The clients holding one value: a bitmap, or the client's id when only one client holds it. Most
 * values of a property like an amount are held by one client each (438,221 of 443,907 at a million
 * clients): an id there, rather than a bitmap object each, keeps the JavaScript heap small, and with
 * it the pauses of its garbage collection.
 */
type Holders = RoaringBitmap32 | number;

const holdersBitmap = (holders: Holders | undefined): RoaringBitmap32 =>
  holders === undefined ? new RoaringBitmap32() : typeof holders === 'number' ? new RoaringBitmap32([holders]) : holders;

const holdsValue = (holders: Holders | undefined, clientId: number): boolean =>
  typeof holders === 'number' ? holders === clientId : (holders?.has(clientId) ?? false);

/** The union of many holders, the single ids gathered into one bitmap first. */
function unionOf(all: Iterable<Holders>): RoaringBitmap32 {
  const ids: number[] = [];
  const bitmaps: RoaringBitmap32[] = [];
  for (const holders of all) {
    if (typeof holders === 'number') ids.push(holders);
    else bitmaps.push(holders);
  }
  if (ids.length > 0) bitmaps.push(new RoaringBitmap32(ids));
  return RoaringBitmap32.orMany(bitmaps);
}

/** The first i in 0..length at which `reached` turns true (it stays true after), or length. */
function firstIndex(length: number, reached: (i: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (reached(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

const compareTyped = (valueType: ValueKind) =>
  valueType === 'NUMBER' ? (a: string, b: string) => Number(a) - Number(b) : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class ClientIndex {
  private all = new RoaringBitmap32();
  private noType = new RoaringBitmap32();
  private doNotContact = new RoaringBitmap32();
  private byType = new Map<number, RoaringBitmap32>();
  private properties = new Map<number, PropertyValues>();
  /** client_change_counter as of the last read: every change of indexed data, by anyone, moves it. */
  private changeCount = -1;
  private readonly sqlite: Database.Database;
  /** Selections a running statement may ask about, by key (statements run synchronously). */
  private readonly selections = new Map<number, { selection: RoaringBitmap32; budget: number }>();
  private nextSelectionKey = 1;
  /** Rows SQLite may walk along an order's index looking for a selection's clients before they are listed instead. */
  walkBudget = WALK_BUDGET;
  /** Distinct values per range bucket (tests make it tiny, to exercise splits and edges). */
  bucketSize = BUCKET_SIZE;
  /** Beyond this many other distinct values, `exactly` is asked of SQLite (tests lower it). */
  maxOtherValues = MAX_OTHER_VALUES;
  /** Statements prepared once: the index's own bookkeeping (not counted as any request's; two run per read), and one a request runs. */
  private readonly statements: {
    changeCount: Database.Statement;
    readLog: Database.Statement;
    clearLog: Database.Statement;
    stillHolds: Database.Statement;
    blockedTypes: Database.Statement;
    idsByName: Database.Statement;
    nameOf: Database.Statement;
  };
  /** Every client's place in name order: read with the rest at a rebuild (~0.2 s at a million clients), and again past many unplaced clients. */
  private readonly nameOrder = new NameOrder();
  /** Clients without a place in name order before it is read again: at least this many, or 1% of all clients. */
  minUnplacedBeforeReread = MIN_UNPLACED_BEFORE_REREAD;

  constructor(private readonly db: Connection) {
    this.sqlite = db.$client;
    this.sqlite.function('client_in_selection', (key, id) => {
      const probe = this.selections.get(key as number);
      if (!probe) return 0;
      if (--probe.budget < 0) throw new Error(WALK_OVER_BUDGET);
      return probe.selection.has(id as number) ? 1 : 0;
    });
    this.installChangeLog();
    this.assertChangeCounterTriggers();
    this.statements = {
      changeCount: prepareUnobserved(this.db, 'SELECT changes FROM client_change_counter WHERE id = 1').pluck(),
      readLog: prepareUnobserved(
        this.db,
        `SELECT kind, client_id AS clientId, property_id AS propertyId, value_key AS valueKey, old_type AS oldType, new_type AS newType, old_dnc AS oldDnc, new_dnc AS newDnc, name_changed AS nameChanged FROM ${LOG_TABLE} ORDER BY rowid`,
      ),
      clearLog: prepareUnobserved(this.db, `DELETE FROM ${LOG_TABLE}`),
      // Whether a client still holds some value of a property after losing one is a point lookup.
      stillHolds: prepareUnobserved(this.db, 'SELECT 1 FROM client_property_values WHERE client_id = ? AND property_id = ? LIMIT 1').pluck(),
      blockedTypes: prepareUnobserved(this.db, `SELECT id FROM relationship_types WHERE contact_policy = 'DO_NOT_CONTACT'`).pluck(),
      idsByName: prepareUnobserved(this.db, 'SELECT id FROM clients ORDER BY name_folded, id').pluck(),
      // A request's own statement (checking its cursor), so counted as one.
      nameOf: this.sqlite.prepare('SELECT name_folded FROM clients WHERE id = ?').pluck(),
    };
    this.rebuild();
  }

  /**
   * Runs `work` with an SQL condition meaning "the client is in this selection", so that SQLite can
   * order and page it, choosing the cheaper of two ways: hand SQLite the ids as a list to sort (cost
   * grows with the selection), or, when the order has an index, let SQLite walk it and test each row
   * against the bitmap until the page is full (cost grows with how sparse the selection is).
   */
  withSelectionCondition<T>(selection: RoaringBitmap32, pageSize: number, orderHasIndex: boolean, work: (condition: SQL) => T): T {
    const asList = () => work(idIn(selection.toArray()));
    const rowsWalked = ((pageSize + 1) * Math.max(this.all.size, 1)) / Math.max(selection.size, 1);
    if (!orderHasIndex || selection.size <= rowsWalked) return asList();
    // The estimate assumes the selection is spread evenly along the order; a selection bunched at
    // its far end (a name prefix late in the alphabet) would make the walk long, so it has a budget.
    const key = this.nextSelectionKey++;
    const probe = { selection, budget: Math.max(this.walkBudget, 4 * rowsWalked) };
    this.selections.set(key, probe);
    try {
      return work(sql`client_in_selection(${key}, ${clients.id}) = 1`);
    } catch (error) {
      if (error instanceof Error && error.message === WALK_OVER_BUDGET) return asList();
      throw error;
    } finally {
      this.selections.delete(key);
    }
  }

  /**
   * A page of the selection in the default order (name, then id), picked from memory: the ids of
   * its clients that have a place in name order, in order, and those that have none (created or
   * renamed since the order was read) for the caller to take from SQL and merge in. Null when the
   * cursor's client has no place, or is gone or renamed since the cursor was made: SQL pages that.
   */
  pageInNameOrder(selection: RoaringBitmap32, after: readonly (string | number | null)[] | undefined, limit: number): { placed: number[]; unplaced: number[] } | null {
    const order = this.currentNameOrder();
    let afterPlace = 0;
    if (after) {
      const [name, id] = after;
      afterPlace = typeof id === 'number' ? order.placeOf(id) : 0;
      if (afterPlace === 0 || this.statements.nameOf.get(id) !== name) return null;
    }
    const { placed, unplaced } = order.split(selection);
    return { placed: order.firstAfter(placed, afterPlace, limit), unplaced: unplaced.toArray() };
  }

  private currentNameOrder(): NameOrder {
    if (this.nameOrder.unplaced.size > Math.max(this.minUnplacedBeforeReread, this.all.size / 100)) this.readNameOrder();
    return this.nameOrder;
  }

  private readNameOrder(): void {
    this.nameOrder.load(this.statements.idsByName.all() as number[]);
  }

  /**
   * A migration that rebuilds `clients` or `client_property_values` (drop and rename) drops their
   * triggers with them; without the counter's triggers every read would rebuild the index, so the
   * server refuses to start and says why.
   */
  private assertChangeCounterTriggers(): void {
    const present = this.sqlite
      .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'client_change_counter_%'`)
      .pluck()
      .get() as number;
    if (present !== 5) {
      throw new Error(
        `client_change_counter has ${present} of its 5 triggers (see drizzle/0004_client_change_counter.sql): a migration that rebuilt clients or client_property_values must create them again`,
      );
    }
  }

  /** Triggers on this connection log every committed change of clients and values (rolled back with it). */
  private installChangeLog(): void {
    this.sqlite.exec(`
      CREATE TEMP TABLE IF NOT EXISTS ${LOG_TABLE} (
        kind TEXT NOT NULL, client_id INTEGER NOT NULL, property_id INTEGER, value_key TEXT,
        old_type INTEGER, new_type INTEGER, old_dnc INTEGER, new_dnc INTEGER, name_changed INTEGER);
      CREATE TEMP TRIGGER IF NOT EXISTS client_index_client_insert AFTER INSERT ON main.clients BEGIN
        INSERT INTO ${LOG_TABLE} (kind, client_id, new_type, new_dnc) VALUES ('client+', new.id, new.relationship_type_id, new.do_not_contact);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS client_index_client_delete AFTER DELETE ON main.clients BEGIN
        INSERT INTO ${LOG_TABLE} (kind, client_id, old_type, old_dnc) VALUES ('client-', old.id, old.relationship_type_id, old.do_not_contact);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS client_index_client_update AFTER UPDATE OF relationship_type_id, do_not_contact, name_folded ON main.clients BEGIN
        INSERT INTO ${LOG_TABLE} (kind, client_id, old_type, new_type, old_dnc, new_dnc, name_changed)
          VALUES ('client~', new.id, old.relationship_type_id, new.relationship_type_id, old.do_not_contact, new.do_not_contact,
                  old.name_folded IS NOT new.name_folded);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS client_index_value_insert AFTER INSERT ON main.client_property_values BEGIN
        INSERT INTO ${LOG_TABLE} (kind, client_id, property_id, value_key) VALUES ('value+', new.client_id, new.property_id, new.value_key);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS client_index_value_delete AFTER DELETE ON main.client_property_values BEGIN
        INSERT INTO ${LOG_TABLE} (kind, client_id, property_id, value_key) VALUES ('value-', old.client_id, old.property_id, old.value_key);
      END;
    `);
  }

  /**
   * Reads everything from SQLite: at start, and when another connection has written the file. In
   * one read transaction, so that the clients, their values, their name order and the change counter
   * are of one moment, whatever another connection commits meanwhile.
   */
  rebuild(): void {
    this.sqlite.transaction(() => this.readEverything())();
  }

  private readEverything(): void {
    this.statements.clearLog.run();
    this.readNameOrder();
    this.all = new RoaringBitmap32();
    this.noType = new RoaringBitmap32();
    this.doNotContact = new RoaringBitmap32();
    this.byType = new Map();
    this.properties = new Map();
    for (const row of this.sqlite
      .prepare('SELECT id, relationship_type_id AS type, do_not_contact AS dnc FROM clients')
      .raw()
      .iterate() as IterableIterator<[number, number | null, number]>) {
      this.addClient(row[0], row[1], row[2]);
    }
    for (const property of this.sqlite.prepare('SELECT id, value_type AS valueType FROM properties').all() as { id: number; valueType: ValueKind }[]) {
      this.propertyValues(property.id, property.valueType);
    }
    // In index order, so that each value's clients arrive together and go into its bitmap at once.
    let current: { propertyId: number; valueKey: string; ids: number[] } | null = null;
    const flush = () => {
      if (!current || current.ids.length === 0) return;
      const values = this.propertyValues(current.propertyId);
      values.byValue.set(current.valueKey, current.ids.length === 1 ? current.ids[0] : new RoaringBitmap32(current.ids));
    };
    for (const [propertyId, valueKey, clientId] of this.sqlite
      .prepare('SELECT property_id, value_key, client_id FROM client_property_values ORDER BY property_id, value_key')
      .raw()
      .iterate() as IterableIterator<[number, string, number]>) {
      if (!current || current.propertyId !== propertyId || current.valueKey !== valueKey) {
        flush();
        current = { propertyId, valueKey, ids: [] };
      }
      current.ids.push(clientId);
    }
    flush();
    for (const values of this.properties.values()) values.holders = unionOf(values.byValue.values());
    this.changeCount = this.readChangeCount();
  }

  private readChangeCount(): number {
    return this.statements.changeCount.get() as number;
  }

  private propertyValues(propertyId: number, valueType?: ValueKind): PropertyValues {
    let values = this.properties.get(propertyId);
    if (!values) {
      const type =
        valueType ?? ((this.sqlite.prepare('SELECT value_type FROM properties WHERE id = ?').pluck().get(propertyId) as ValueKind | undefined) ?? 'STRING');
      values = { valueType: type, byValue: new Map(), holders: new RoaringBitmap32(), buckets: null, unions: null, folded: null };
      this.properties.set(propertyId, values);
    }
    return values;
  }

  private addClient(id: number, type: number | null, dnc: number): void {
    this.all.add(id);
    if (type === null) this.noType.add(id);
    else this.typeBitmap(type).add(id);
    if (dnc) this.doNotContact.add(id);
  }

  private typeBitmap(type: number): RoaringBitmap32 {
    let bitmap = this.byType.get(type);
    if (!bitmap) this.byType.set(type, (bitmap = new RoaringBitmap32()));
    return bitmap;
  }

  /** Brings the index up to date with every write committed since the last read. */
  sync(): void {
    const rows = this.statements.readLog.all() as LogRow[];
    // Each change this connection logged moved the counter once; any other movement is a change
    // another connection (another process) made, which was not logged here.
    const changeCount = this.readChangeCount();
    if (changeCount !== this.changeCount + rows.length) {
      this.rebuild();
      return;
    }
    this.changeCount = changeCount;
    if (rows.length === 0) return;
    this.statements.clearLog.run();
    const holderChecks: Array<[number, number]> = [];
    for (const row of rows) {
      switch (row.kind) {
        case 'client+':
          this.addClient(row.clientId, row.newType, row.newDnc ?? 0);
          this.nameOrder.unplaced.add(row.clientId);
          break;
        case 'client-':
          this.all.remove(row.clientId);
          this.noType.remove(row.clientId);
          if (row.oldType !== null) this.byType.get(row.oldType)?.remove(row.clientId);
          this.doNotContact.remove(row.clientId);
          this.nameOrder.unplaced.remove(row.clientId);
          break;
        case 'client~':
          if (row.nameChanged) this.nameOrder.unplaced.add(row.clientId);
          if (row.oldType === null) this.noType.remove(row.clientId);
          else this.byType.get(row.oldType)?.remove(row.clientId);
          if (row.newType === null) this.noType.add(row.clientId);
          else this.typeBitmap(row.newType).add(row.clientId);
          if (row.newDnc) this.doNotContact.add(row.clientId);
          else this.doNotContact.remove(row.clientId);
          break;
        case 'value+': {
          const values = this.propertyValues(row.propertyId!);
          const holders = values.byValue.get(row.valueKey!);
          const newKey = holders === undefined;
          if (holders === undefined) {
            values.byValue.set(row.valueKey!, row.clientId);
            values.folded?.set(row.valueKey!, foldText(row.valueKey!));
          } else if (typeof holders === 'number') {
            if (holders !== row.clientId) values.byValue.set(row.valueKey!, new RoaringBitmap32([holders, row.clientId]));
          } else {
            holders.add(row.clientId);
          }
          values.holders.add(row.clientId);
          if (values.buckets) this.addToBuckets(values, row.valueKey!, row.clientId, newKey);
          break;
        }
        case 'value-': {
          const values = this.propertyValues(row.propertyId!);
          const holders = values.byValue.get(row.valueKey!);
          let goneKey = false;
          if (typeof holders === 'number') {
            goneKey = holders === row.clientId;
          } else if (holders) {
            holders.remove(row.clientId);
            goneKey = holders.isEmpty;
            if (holders.size === 1) values.byValue.set(row.valueKey!, holders.minimum());
          }
          if (goneKey) {
            values.byValue.delete(row.valueKey!);
            values.folded?.delete(row.valueKey!);
          }
          if (values.buckets) this.removeFromBuckets(values, row.valueKey!, row.clientId, goneKey);
          holderChecks.push([row.clientId, row.propertyId!]);
          break;
        }
      }
    }
    for (const [clientId, propertyId] of holderChecks) {
      if (!this.statements.stillHolds.get(clientId, propertyId)) this.properties.get(propertyId)?.holders.remove(clientId);
    }
  }

  // Reading

  get size(): number {
    return this.all.size;
  }

  /** The clients a filter selects. */
  evaluate(node: FilterNode): RoaringBitmap32 {
    this.sync();
    return this.select(node);
  }

  private select(node: FilterNode): RoaringBitmap32 {
    switch (node.kind) {
      case 'all':
        return this.all.clone();
      case 'and':
        return node.parts.map((part) => this.select(part)).reduce((a, b) => RoaringBitmap32.and(a, b));
      case 'or':
        return RoaringBitmap32.orMany(node.parts.map((part) => this.select(part)));
      case 'not':
        return RoaringBitmap32.andNot(this.all, this.select(node.part));
      case 'ids':
        return RoaringBitmap32.and(new RoaringBitmap32(node.ids.filter((id) => id <= 0xffffffff)), this.all);
      case 'relationshipTypeIn':
        return RoaringBitmap32.orMany(node.types.map((type) => this.byType.get(type.id) ?? new RoaringBitmap32()));
      case 'relationshipTypeIsNull':
        return this.noType.clone();
      case 'contactable': {
        const blocked = this.statements.blockedTypes.all() as number[];
        const excluded = RoaringBitmap32.orMany([this.doNotContact, ...blocked.map((id) => this.byType.get(id) ?? new RoaringBitmap32())]);
        return RoaringBitmap32.andNot(this.all, excluded);
      }
      case 'segment':
        return this.select(node.part);
      case 'text':
      case 'timeRange':
      case 'segmentMembers':
        return this.fromSql(compileClientFilter(node)!);
      default:
        return this.selectProperty(node);
    }
  }

  private valueBitmap(values: PropertyValues | undefined, key: string): RoaringBitmap32 {
    return holdersBitmap(values?.byValue.get(key));
  }

  private selectProperty(node: PropertyNode): RoaringBitmap32 {
    const values = this.properties.get(node.property.id);
    const empty = new RoaringBitmap32();
    switch (node.kind) {
      case 'propertyExists':
        return values ? values.holders.clone() : empty;
      case 'propertyAnyOf':
        return RoaringBitmap32.orMany(node.values.map((v) => this.valueBitmap(values, v.valueKey)));
      case 'propertyAllOf':
        return node.values.map((v) => this.valueBitmap(values, v.valueKey)).reduce((a, b) => RoaringBitmap32.and(a, b));
      case 'propertyExactly': {
        if (!values) return empty;
        const holdingAll = node.values.map((v) => this.valueBitmap(values, v.valueKey)).reduce((a, b) => RoaringBitmap32.and(a, b));
        // A single-valued property's holders of one value hold exactly it; of several, nobody does.
        if (!node.property.multiple) return node.values.length === 1 ? holdingAll : empty;
        if (holdingAll.isEmpty) return holdingAll;
        const wanted = new Set(node.values.map((v) => v.valueKey));
        const others = [...values.byValue.entries()].filter(([key]) => !wanted.has(key)).map(([, holders]) => holders);
        // Many other values (free texts, amounts): SQLite counts each client's values faster than an OR of them all.
        if (others.length > this.maxOtherValues) return this.fromSql(compileClientFilter(node)!);
        return RoaringBitmap32.andNot(holdingAll, unionOf(others));
      }
      case 'propertyRange':
        return values ? this.holdersInRange(values, node.bounds) : empty;
      case 'propertyContains': {
        if (!values) return empty;
        const folded = this.foldedValues(values);
        const matching: Holders[] = [];
        for (const [key, holders] of values.byValue) if (folded.get(key)!.includes(node.folded)) matching.push(holders);
        return unionOf(matching);
      }
    }
  }

  /**
   * Clients holding a value that satisfies every bound: the buckets wholly inside the range through
   * their unions, single values in the (at most two) buckets at its edges.
   */
  private holdersInRange(values: PropertyValues, bounds: readonly RangeBound[]): RoaringBitmap32 {
    const compare = compareTyped(values.valueType);
    const satisfies = (key: string, operators: readonly RangeBound['operator'][]) =>
      bounds.every(({ operator, value }) => {
        if (!operators.includes(operator)) return true;
        const c = compare(key, value.valueKey);
        return operator === 'gt' ? c > 0 : operator === 'gte' ? c >= 0 : operator === 'lt' ? c < 0 : c <= 0;
      });
    const aboveLower = (key: string) => satisfies(key, ['gt', 'gte']);
    const belowUpper = (key: string) => satisfies(key, ['lt', 'lte']);
    const buckets = this.rangeBuckets(values);
    // Values ascend through the buckets, so "above the lower bound" turns true once and "below the
    // upper bound" turns false once: the buckets the range touches are one run, found by bisection.
    const from = firstIndex(buckets.length, (i) => aboveLower(buckets[i].keys[buckets[i].keys.length - 1]));
    const to = firstIndex(buckets.length, (i) => !belowUpper(buckets[i].keys[0]));
    if (from >= to) return new RoaringBitmap32();
    const inside = (bucket: RangeBucket) => aboveLower(bucket.keys[0]) && belowUpper(bucket.keys[bucket.keys.length - 1]);
    const parts: Holders[] = [];
    const edgeValues = (bucket: RangeBucket) => {
      for (const key of bucket.keys) if (aboveLower(key) && belowUpper(key)) parts.push(values.byValue.get(key)!);
    };
    let wholeFrom = from;
    let wholeTo = to;
    if (!inside(buckets[from])) edgeValues(buckets[wholeFrom++]);
    if (wholeTo > wholeFrom && !inside(buckets[to - 1])) edgeValues(buckets[--wholeTo]);
    if (wholeFrom < wholeTo) parts.push(...unionParts(this.bucketUnions(values), wholeFrom, wholeTo));
    return unionOf(parts);
  }

  private foldedValues(values: PropertyValues): Map<string, string> {
    if (!values.folded) values.folded = new Map([...values.byValue.keys()].map((key) => [key, foldText(key)]));
    return values.folded;
  }

  private bucketUnions(values: PropertyValues): UnionLevels {
    values.unions ??= buildUnionLevels(this.rangeBuckets(values).map((bucket) => bucket.clients));
    return values.unions;
  }

  private rangeBuckets(values: PropertyValues): RangeBucket[] {
    if (!values.buckets) {
      const keys = [...values.byValue.keys()].sort(compareTyped(values.valueType));
      values.buckets = [];
      for (let start = 0; start < keys.length; start += this.bucketSize) values.buckets.push(this.bucketOf(values, keys.slice(start, start + this.bucketSize)));
    }
    return values.buckets;
  }

  private bucketOf(values: PropertyValues, keys: string[]): RangeBucket {
    return { keys, clients: unionOf(keys.map((key) => values.byValue.get(key)!)) };
  }

  /** The bucket a value belongs in: the last whose first value is not after it. */
  private bucketIndex(values: PropertyValues, key: string): number {
    const compare = compareTyped(values.valueType);
    const buckets = values.buckets!;
    let low = 0;
    let high = buckets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (compare(buckets[middle].keys[0], key) <= 0) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private addToBuckets(values: PropertyValues, key: string, clientId: number, newKey: boolean): void {
    const buckets = values.buckets!;
    if (buckets.length === 0) {
      buckets.push(this.bucketOf(values, [key]));
      values.unions = null;
      return;
    }
    const index = this.bucketIndex(values, key);
    const bucket = buckets[index];
    if (newKey) {
      const compare = compareTyped(values.valueType);
      let at = 0;
      while (at < bucket.keys.length && compare(bucket.keys[at], key) < 0) at++;
      bucket.keys.splice(at, 0, key);
      // A bucket that has grown to twice its size is split, so that edges stay cheap.
      if (bucket.keys.length >= 2 * this.bucketSize) {
        const half = bucket.keys.length >> 1;
        buckets.splice(index, 1, this.bucketOf(values, bucket.keys.slice(0, half)), this.bucketOf(values, bucket.keys.slice(half)));
        values.unions = null;
        return;
      }
    }
    bucket.clients.add(clientId);
    if (values.unions) addToUnions(values.unions, index, clientId);
  }

  private removeFromBuckets(values: PropertyValues, key: string, clientId: number, goneKey: boolean): void {
    const buckets = values.buckets!;
    if (buckets.length === 0) return;
    const index = this.bucketIndex(values, key);
    const bucket = buckets[index];
    if (goneKey) {
      bucket.keys = bucket.keys.filter((k) => k !== key);
      if (bucket.keys.length === 0) {
        buckets.splice(index, 1);
        values.unions = null;
        return;
      }
    }
    // The client leaves the bucket only if it holds none of the bucket's other values.
    if (!bucket.keys.some((k) => holdsValue(values.byValue.get(k), clientId))) {
      bucket.clients.remove(clientId);
      if (values.unions) removeFromUnions(values.unions, index, clientId);
    }
  }

  private fromSql(condition: SQL): RoaringBitmap32 {
    const query = this.db.select({ id: clients.id }).from(clients).where(condition).toSQL();
    const ids = this.sqlite.prepare(query.sql).pluck().all(...(query.params as unknown[])) as number[];
    return new RoaringBitmap32(ids);
  }

  // Aggregates over a selection

  /** Every value of the property held in the selection, with its count. */
  valueCounts(propertyId: number, selection: RoaringBitmap32): { valueKey: string; count: number }[] {
    const values = this.properties.get(propertyId);
    if (!values) return [];
    const counts: { valueKey: string; count: number }[] = [];
    for (const [valueKey, holders] of values.byValue) {
      const count = typeof holders === 'number' ? Number(selection.has(holders)) : holders.andCardinality(selection);
      if (count > 0) counts.push({ valueKey, count });
    }
    return counts;
  }

  holdersIn(propertyId: number, selection: RoaringBitmap32): number {
    return this.properties.get(propertyId)?.holders.andCardinality(selection) ?? 0;
  }

  doNotContactIn(selection: RoaringBitmap32): number {
    return this.doNotContact.andCardinality(selection);
  }

  typeCount(typeId: number | null, selection: RoaringBitmap32): number {
    return (typeId === null ? this.noType : this.byType.get(typeId))?.andCardinality(selection) ?? 0;
  }

}
