/**
 * The geo searches (redis/redis src/geo.c, 7.0, georadiusGeneric and the functions it calls):
 * GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH and GEOSEARCHSTORE, and the argument helpers
 * the other geo commands share (extractLongLatOrReply, extractUnitOrReply, …). A search scans
 * the score ranges of at most nine geohash cells (geohash-helper.ts
 * geohashCalculateAreasByShapeWGS84) on the sorted set's ordered half, as geoGetPointsInRange
 * walks the skiplist, keeps the points inside the circle or box, sorts them (glibc qsort, or
 * pqsort when COUNT keeps fewer) and replies or stores.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from '@protolab/redis-common';
import { E, EMPTY_ARRAY, array, bulk, err, int } from './replies.js';
import { ZsetVal } from './values.js';
import { parseDouble } from './numbers.js';
import { scoreLteMax, type ScoreRange } from './zset-tree.js';
import { zsetAddMember } from './zset-add.js';
import type { Ctx } from './server.js';
import { arg, checkType, lookupKeyRead, lookupKeyWrite, optName } from './server.js';
import { pqsort } from './pqsort.js';
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, GEO_STEP_MAX, HASHISZERO, geohashDecodeToLongLatWGS84, type GeoHashBits } from './geohash.js';
import {
  geohashAlign52Bits,
  geohashCalculateAreasByShapeWGS84,
  geohashGetDistanceIfInRadiusWGS84,
  geohashGetDistanceIfInRectangle,
  type GeoHashRadius,
  type GeoShape,
} from './geohash-helper.js';
import { fixedExact, humanLongDouble, longLongOf, uint64Of } from './geo-format.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET, notifyKeyspaceEvent } from './notify.js';

export { georadiusGetKeys } from './geo-getkeys.js';


/** geo.h geoPoint: one search result. */
interface GeoPoint {
  longitude: number;
  latitude: number;
  dist: number;
  score: number;
  member: string;
}

/** geo.c decodeGeohash: [lon, lat] of a score ((uint64_t) conversion, then the step-26 cell). */
export function decodeGeohash(score: number): [number, number] | undefined {
  const { hi, lo } = uint64Of(score);
  return geohashDecodeToLongLatWGS84({ hi, lo, step: GEO_STEP_MAX });
}

/** geo.c extractLongLatOrReply: [lon, lat] from two arguments, or the error reply. */
export function extractLongLatOrReply(c: Ctx, i: number): [number, number] | RespValue {
  const lon = parseDouble(arg(c, i));
  if (lon === undefined) return err(E.notFloat);
  const lat = parseDouble(arg(c, i + 1));
  if (lat === undefined) return err(E.notFloat);
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    return err(`ERR invalid longitude,latitude pair ${fixedExact(lon, 6)},${fixedExact(lat, 6)}`);
  }
  return [lon, lat];
}

/** geo.c longLatFromMember: the member's [lon, lat], or undefined when it is absent. */
function longLatFromMember(z: ZsetVal, member: string): [number, number] | undefined {
  const score = z.m.get(member);
  return score === undefined ? undefined : decodeGeohash(score);
}

const UNITS = new Map<string, number>([['m', 1], ['km', 1000], ['ft', 0.3048], ['mi', 1609.34]]);

/** geo.c extractUnitOrReply: meters per unit (strcasecmp), or the error reply. */
export function extractUnitOrReply(u: string): number | RespValue {
  return UNITS.get(optName(u)) ?? err('ERR unsupported unit provided. please use M, KM, FT, MI');
}

/** getDoubleFromObjectOrReply with a custom message. */
function doubleOrReply(s: string, msg: string): number | RespValue {
  return parseDouble(s) ?? err(`ERR ${msg}`);
}

/** geo.c extractDistanceOrReply: [radius, meters per unit] from `<radius> <unit>`. */
function extractDistanceOrReply(c: Ctx, i: number): [number, number] | RespValue {
  const distance = doubleOrReply(arg(c, i), 'need numeric radius');
  if (typeof distance !== 'number') return distance;
  if (distance < 0) return err('ERR radius cannot be negative');
  const toMeters = extractUnitOrReply(arg(c, i + 1));
  return typeof toMeters === 'number' ? [distance, toMeters] : toMeters;
}

/** geo.c extractBoxOrReply: [width, height, meters per unit] from `<width> <height> <unit>`. */
function extractBoxOrReply(c: Ctx, i: number): [number, number, number] | RespValue {
  const w = doubleOrReply(arg(c, i), 'need numeric width');
  if (typeof w !== 'number') return w;
  const h = doubleOrReply(arg(c, i + 1), 'need numeric height');
  if (typeof h !== 'number') return h;
  if (h < 0 || w < 0) return err('ERR height or width cannot be negative');
  const toMeters = extractUnitOrReply(arg(c, i + 2));
  return typeof toMeters === 'number' ? [w, h, toMeters] : toMeters;
}

/** geo.c addReplyDoubleDistance: "%.4f" as a bulk string. */
export const addReplyDoubleDistance = (d: number): RespValue => bulk(fixedExact(d, 4));

/**
 * networking.c addReplyHumanLongDouble: RESP2 a bulk string of ld2string(LD_STR_HUMAN) ("%.17Lf",
 * trailing zeros cut); RESP3 a double (our encoder writes it "%.17g": same value, other digits).
 */
export function addReplyHumanLongDouble(c: Ctx, d: number): RespValue {
  const s = humanLongDouble(d);
  return c.resp === 3 ? { type: 'double', value: Number(s) } : bulk(s);
}

/** geo.c geoAppendIfWithinShape: decode the score, keep the point when it is inside the shape. */
function geoAppendIfWithinShape(ga: GeoPoint[], shape: GeoShape, score: number, member: string): void {
  const xy = decodeGeohash(score);
  if (xy === undefined) return;
  const distance =
    shape.type === 'circular'
      ? geohashGetDistanceIfInRadiusWGS84(shape.xy[0], shape.xy[1], xy[0], xy[1], shape.radius * shape.conversion)
      : geohashGetDistanceIfInRectangle(shape.width * shape.conversion, shape.height * shape.conversion, shape.xy[0], shape.xy[1], xy[0], xy[1]);
  if (distance === undefined) return;
  ga.push({ longitude: xy[0], latitude: xy[1], dist: distance, score, member });
}

/**
 * geo.c geoGetPointsInRange: the members with min <= score < max, in sorted-set order, appended
 * when inside the shape; stops once `limit` (COUNT … ANY) points were found.
 */
function geoGetPointsInRange(z: ZsetVal, min: number, max: number, shape: GeoShape, ga: GeoPoint[], limit: number): number {
  const range: ScoreRange = { min, max, minex: false, maxex: true };
  const origin = ga.length;
  let ln = z.zsl.firstInRange(range);
  while (ln !== undefined) {
    if (!scoreLteMax(ln.score, range)) break;
    geoAppendIfWithinShape(ga, shape, ln.score, ln.ele);
    if (ga.length && limit && ga.length >= limit) break;
    ln = z.zsl.next(ln);
  }
  return ga.length - origin;
}

/** geo.c scoresOfGeoHashBox: [min (inclusive), max (exclusive)] scores of a cell. */
function scoresOfGeoHashBox(hash: GeoHashBits): [number, number] {
  const min = geohashAlign52Bits(hash);
  // hash.bits++ on the uint64
  const lo = (hash.lo + 1) >>> 0;
  const hi = lo === 0 ? (hash.hi + 1) >>> 0 : hash.hi;
  return [min, geohashAlign52Bits({ hi, lo, step: hash.step })];
}

/** geo.c membersOfAllNeighbors: the centre cell, then N, S, E, W, NE, NW, SE, SW. */
function membersOfAllNeighbors(z: ZsetVal, n: GeoHashRadius, shape: GeoShape, ga: GeoPoint[], limit: number): number {
  const nb = n.neighbors;
  const neighbors = [n.hash, nb.north, nb.south, nb.east, nb.west, nb.north_east, nb.north_west, nb.south_east, nb.south_west];
  let count = 0;
  let lastProcessed = 0;
  for (let i = 0; i < neighbors.length; i++) {
    const h = neighbors[i] as GeoHashBits;
    if (HASHISZERO(h)) continue;
    // With a huge radius adjacent neighbours can be the same cell: skip a repeat of the last one
    // scanned (index 0 never counts as "last", as in C's `last_processed &&`).
    const last = neighbors[lastProcessed] as GeoHashBits;
    if (lastProcessed && h.hi === last.hi && h.lo === last.lo && h.step === last.step) continue;
    if (ga.length && limit && ga.length >= limit) break;
    const [min, max] = scoresOfGeoHashBox(h);
    count += geoGetPointsInRange(z, min, max, shape, ga, limit);
    lastProcessed = i;
  }
  return count;
}

/** geo.c sort_gp_asc. */
function sortGpAsc(a: GeoPoint, b: GeoPoint): number {
  if (a.dist > b.dist) return 1;
  if (a.dist === b.dist) return 0;
  return -1;
}
const sortGpDesc = (a: GeoPoint, b: GeoPoint): number => -sortGpAsc(a, b);

export const RADIUS_COORDS = 1 << 0; // search around coordinates
export const RADIUS_MEMBER = 1 << 1; // search around a member
export const RADIUS_NOSTORE = 1 << 2; // no STORE / STOREDIST (the _RO variants)
export const GEOSEARCH = 1 << 3; // GEOSEARCH arguments
export const GEOSEARCHSTORE = 1 << 4; // GEOSEARCHSTORE: STOREDIST without a key

type Sort = 'none' | 'asc' | 'desc';

/** Parsed options of georadiusGeneric. */
interface RadiusOpts {
  withdist: boolean;
  withhash: boolean;
  withcoords: boolean;
  sort: Sort;
  any: boolean;
  count: number;
  storekey: string | undefined;
  storedist: boolean;
}

/**
 * georadiusGeneric's option loop (after the base arguments): fills `shape` for GEOSEARCH's
 * FROMMEMBER / FROMLONLAT / BYRADIUS / BYBOX, or returns the first error reply.
 */
function parseRadiusOptions(c: Ctx, z: ZsetVal | undefined, baseArgs: number, flags: number, shape: GeoShape, o: RadiusOpts): RespValue | undefined {
  let frommember = false, fromloc = false, byradius = false, bybox = false;
  const remaining = c.argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const a = optName(arg(c, baseArgs + i));
    const at = baseArgs + i;
    if (a === 'withdist') o.withdist = true;
    else if (a === 'withhash') o.withhash = true;
    else if (a === 'withcoord') o.withcoords = true;
    else if (a === 'any') o.any = true;
    else if (a === 'asc') o.sort = 'asc';
    else if (a === 'desc') o.sort = 'desc';
    else if (a === 'count' && i + 1 < remaining) {
      const v = string2ll(arg(c, at + 1));
      if (v === undefined) return err(E.notInteger);
      if (v <= 0n) return err('ERR COUNT must be > 0');
      o.count = Number(v);
      i++;
    } else if ((a === 'store' || a === 'storedist') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      o.storekey = arg(c, at + 1);
      o.storedist = a === 'storedist';
      i++;
    } else if (a === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      o.storedist = true;
    } else if (a === 'frommember' && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      // No source key: go on parsing, the reply depends on STORE.
      if (z !== undefined) {
        const xy = longLatFromMember(z, arg(c, at + 1));
        if (xy === undefined) return err('ERR could not decode requested zset member');
        shape.xy = xy;
      }
      frommember = true;
      i++;
    } else if (a === 'fromlonlat' && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      const xy = extractLongLatOrReply(c, at + 1);
      if (!Array.isArray(xy)) return xy;
      shape.xy = xy;
      fromloc = true;
      i += 2;
    } else if (a === 'byradius' && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      const d = extractDistanceOrReply(c, at + 1);
      if (!Array.isArray(d)) return d;
      [shape.radius, shape.conversion] = d;
      shape.type = 'circular';
      byradius = true;
      i += 2;
    } else if (a === 'bybox' && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      const b = extractBoxOrReply(c, at + 1);
      if (!Array.isArray(b)) return b;
      [shape.width, shape.height, shape.conversion] = b;
      shape.type = 'rectangle';
      bybox = true;
      i += 3;
    } else return err(E.syntax);
  }
  if (o.storekey !== undefined && (o.withdist || o.withhash || o.withcoords)) {
    const what = flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    return err(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  // addReplyErrorFormat's %s of argv[0] (a C string: it ends at a NUL byte)
  const name = arg(c, 0).split('\0')[0] ?? '';
  if (flags & GEOSEARCH && !(frommember || fromloc)) return err(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  if (flags & GEOSEARCH && !(byradius || bybox)) return err(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  if (o.any && !o.count) return err('ERR the ANY argument requires COUNT argument');
  return undefined;
}

/**
 * geo.c georadiusGeneric: GEORADIUS key lon lat radius unit …, GEORADIUSBYMEMBER key member
 * radius unit …, GEOSEARCH key …, GEOSEARCHSTORE dst src … — parse, find the points in the 9
 * cells, sort (qsort, or pqsort when COUNT keeps fewer), then reply or store.
 */
export function georadiusGeneric(c: Ctx, srcKeyIndex: number, flags: number): RespValue {
  const found = lookupKeyRead(c, arg(c, srcKeyIndex));
  if (found !== undefined) {
    const wrong = checkType(found, 'zset');
    if (wrong !== undefined) return wrong;
  }
  const z = found?.val as ZsetVal | undefined;
  const shape: GeoShape = { type: 'circular', xy: [0, 0], conversion: 0, radius: 0, width: 0, height: 0, bounds: [0, 0, 0, 0] };
  const o: RadiusOpts = { withdist: false, withhash: false, withcoords: false, sort: 'none', any: false, count: 0, storekey: undefined, storedist: false };
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const xy = extractLongLatOrReply(c, 2);
    if (!Array.isArray(xy)) return xy;
    shape.xy = xy;
    const d = extractDistanceOrReply(c, baseArgs - 2);
    if (!Array.isArray(d)) return d;
    [shape.radius, shape.conversion] = d;
  } else if (flags & RADIUS_MEMBER && z === undefined) {
    baseArgs = 5; // no key: parse on, the reply depends on STORE
  } else if (flags & RADIUS_MEMBER && z !== undefined) {
    baseArgs = 5;
    const xy = longLatFromMember(z, arg(c, 2));
    if (xy === undefined) return err('ERR could not decode requested zset member');
    shape.xy = xy;
    const d = extractDistanceOrReply(c, baseArgs - 2);
    if (!Array.isArray(d)) return d;
    [shape.radius, shape.conversion] = d;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      o.storekey = arg(c, 1);
    }
  }
  const bad = parseRadiusOptions(c, z, baseArgs, flags, shape, o);
  if (bad !== undefined) return bad;
  const db = c.client.db;
  if (z === undefined) {
    if (o.storekey === undefined) return EMPTY_ARRAY;
    const slot = db.dict.get(o.storekey); // dbDelete: no expiry check
    if (slot !== undefined) {
      c.core.deleteKey(db, slot);
      c.core.dirty++;
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', o.storekey, db.id); // geo.c georadiusGeneric
    }
    return int(0);
  }
  // COUNT without an order means the nearest COUNT: ASC (not with ANY).
  if (o.count !== 0 && o.sort === 'none' && !o.any) o.sort = 'asc';
  const georadius = geohashCalculateAreasByShapeWGS84(shape);
  const ga: GeoPoint[] = [];
  membersOfAllNeighbors(z, georadius, shape, ga, o.any ? o.count : 0);
  if (ga.length === 0 && o.storekey === undefined) return EMPTY_ARRAY;
  const resultLength = ga.length;
  const returned = o.count === 0 || resultLength < o.count ? resultLength : o.count;
  if (o.sort !== 'none') {
    const cmpFn = o.sort === 'asc' ? sortGpAsc : sortGpDesc;
    // glibc 2.36 qsort is a merge sort (stable), as Array.prototype.sort; pqsort is not.
    if (returned === resultLength) ga.sort(cmpFn);
    else pqsort(ga, cmpFn, 0, returned - 1);
  }
  if (o.storekey === undefined) return georadiusReply(c, ga, returned, shape.conversion, o);
  return georadiusStore(c, ga, returned, shape.conversion, o.storekey, o.storedist, (flags & GEOSEARCH) !== 0 ? 'geosearchstore' : 'georadiusstore');
}

/** georadiusGeneric's reply: members, or [member, dist?, hash?, [lon, lat]?] per point. */
function georadiusReply(c: Ctx, ga: GeoPoint[], returned: number, conversion: number, o: RadiusOpts): RespValue {
  const optionLength = (o.withdist ? 1 : 0) + (o.withcoords ? 1 : 0) + (o.withhash ? 1 : 0);
  const out: RespValue[] = [];
  for (let i = 0; i < returned; i++) {
    const gp = ga[i] as GeoPoint;
    const dist = gp.dist / conversion; // fix according to unit
    if (!optionLength) {
      out.push(bulk(gp.member));
      continue;
    }
    const item: RespValue[] = [bulk(gp.member)];
    if (o.withdist) item.push(addReplyDoubleDistance(dist));
    if (o.withhash) item.push(int(longLongOf(gp.score)));
    if (o.withcoords) item.push(array([addReplyHumanLongDouble(c, gp.longitude), addReplyHumanLongDouble(c, gp.latitude)]));
    out.push(array(item));
  }
  return array(out);
}

/** georadiusGeneric's STORE / STOREDIST: a new sorted set of the results (deleted when none). */
function georadiusStore(c: Ctx, ga: GeoPoint[], returned: number, conversion: number, storekey: string, storedist: boolean, event: string): RespValue {
  const db = c.client.db;
  const th = c.core.thresholds;
  if (returned === 0) {
    const slot = db.dict.get(storekey); // dbDelete
    if (slot !== undefined) {
      c.core.deleteKey(db, slot);
      c.core.dirty++;
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', storekey, db.id);
    }
    return int(0);
  }
  // zsetConvertToListpackIfNeeded: a listpack when short and narrow enough.
  const z = new ZsetVal(returned <= th.zsetMaxListpackEntries);
  for (let i = 0; i < returned; i++) {
    const gp = ga[i] as GeoPoint;
    zsetAddMember(z, gp.member, storedist ? gp.dist / conversion : gp.score, th.zsetMaxListpackEntries, th.zsetMaxListpackValue);
  }
  lookupKeyWrite(c, storekey); // setKey's lookupKeyWrite (lazy expiry) before the overwrite
  c.core.setKey(db, storekey, z, false);
  notifyKeyspaceEvent(c.core, NOTIFY_ZSET, event, storekey, db.id); // "geosearchstore" / "georadiusstore"
  c.core.dirty += returned;
  return int(returned);
}
