/**
 * Geo commands (redis/redis src/geo.c, 7.0): GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS[_RO],
 * GEORADIUSBYMEMBER[_RO], GEOSEARCH and GEOSEARCHSTORE. A geo set is a sorted set whose scores
 * are 52-bit geohashes (geohash.ts); GEOADD rewrites itself into ZADD (geoaddCommand), and the
 * searches (geo-radius.ts) scan the score ranges of at most nine geohash cells (geohash-helper.ts)
 * on the sorted set's ordered half, as geoGetPointsInRange walks the skiplist.
 */
import type { RespValue } from '@protolab/resp';
import { E, NULL_BULK, array, bulk, err } from './replies.js';
import type { ZsetVal } from './values.js';
import { ZSET_COMMANDS } from './t_zset.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, checkType, cmd, isReply, lookupKeyRead, lookupKeyReadOrReply, optName } from './server.js';
import { GEO_STEP_MAX, bits64ToBigInt, geohashEncode, geohashEncodeWGS84 } from './geohash.js';
import { geohashGetDistance } from './geohash-helper.js';
import {
  GEOSEARCH,
  GEOSEARCHSTORE,
  RADIUS_COORDS,
  RADIUS_MEMBER,
  RADIUS_NOSTORE,
  addReplyDoubleDistance,
  addReplyHumanLongDouble,
  decodeGeohash,
  extractLongLatOrReply,
  extractUnitOrReply,
  georadiusGeneric,
  georadiusGetKeys,
} from './geo-radius.js';


/** The ZADD row's handler, which GEOADD calls with its rewritten argv. */
let zaddProc: ((c: Ctx) => RespValue) | undefined;

/** geo.c geoaddCommand: GEOADD key [NX|XX] [CH] lon lat member … → ZADD key … score member …. */
function geoaddCommand(c: Ctx): RespValue {
  let xx = false, nx = false;
  let longidx = 2;
  for (; longidx < c.argv.length; longidx++) {
    const opt = optName(arg(c, longidx));
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt !== 'ch') break; // CH is ZADD's to handle
  }
  if ((c.argv.length - longidx) % 3 !== 0 || (xx && nx)) return err(E.syntax);
  const elements = (c.argv.length - longidx) / 3;
  const argv = ['zadd', ...c.argv.slice(1, longidx)];
  for (let i = 0; i < elements; i++) {
    const xy = extractLongLatOrReply(c, longidx + i * 3);
    if (!Array.isArray(xy)) return xy;
    // The coordinates as the element's score: the step-26 hash, aligned to 52 bits.
    const hash = geohashEncodeWGS84(xy[0], xy[1], GEO_STEP_MAX) ?? { hi: 0, lo: 0, step: GEO_STEP_MAX };
    // the uint64 in decimal (as sdsfromlonglong): exact as a JS number below 2^53, else as a bigint
    const score = hash.hi < 0x200000 ? String(hash.hi * 4294967296 + hash.lo) : bits64ToBigInt(hash.hi, hash.lo).toString();
    argv.push(score, arg(c, longidx + i * 3 + 2));
  }
  zaddProc ??= ZSET_COMMANDS.find((s) => s.name === 'zadd')?.proc;
  if (zaddProc === undefined) return err('ERR zadd is not registered');
  c.propagateAs = argv; // replaceClientCommandVector: replicas and the AOF see the ZADD
  return zaddProc({ ...c, argv });
}

/** GEOHASH's alphabet (geo.c geohashCommand). */
const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH / GEOPOS's common part: the key read (missing reads as empty, another type is WRONGTYPE)
 * and each member of argv[2..] decoded from its score, undefined when absent.
 */
function memberPositions(c: Ctx): (ReturnType<typeof decodeGeohash>)[] | RespValue {
  const o = lookupKeyRead(c, arg(c, 1));
  if (o !== undefined && checkType(o, 'zset') !== undefined) return err(E.wrongType);
  const z = o?.val as ZsetVal | undefined;
  const out: (ReturnType<typeof decodeGeohash>)[] = [];
  for (let j = 2; j < c.argv.length; j++) {
    const score = z?.m.get(arg(c, j));
    out.push(score === undefined ? undefined : decodeGeohash(score));
  }
  return out;
}

/**
 * geo.c geohashCommand: 11-character standard geohashes. Scores use latitudes ±85.05…, so each
 * point is decoded and re-encoded with the standard ranges (±180, ±90) at step 26; the 52 bits
 * give 10 characters and the 11th is '0'.
 */
function geohashCommand(c: Ctx): RespValue {
  const positions = memberPositions(c);
  if (!Array.isArray(positions)) return positions;
  const out: RespValue[] = [];
  for (const xy of positions) {
    if (xy === undefined) {
      out.push(NULL_BULK);
      continue;
    }
    const hash = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, xy[0], xy[1], 26) ?? { hi: 0, lo: 0, step: 26 };
    const bits = bits64ToBigInt(hash.hi, hash.lo);
    let buf = '';
    for (let i = 0; i < 11; i++) {
      const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
      buf += GEOALPHABET.charAt(idx);
    }
    out.push(bulk(buf));
  }
  return array(out);
}

/** geo.c geoposCommand: [lon, lat] per member, a null array for a missing one. */
function geoposCommand(c: Ctx): RespValue {
  const positions = memberPositions(c);
  if (!Array.isArray(positions)) return positions;
  const out: RespValue[] = [];
  for (const xy of positions) {
    if (xy === undefined) out.push({ type: 'null', resp2: 'array' });
    else out.push(array([addReplyHumanLongDouble(c, xy[0]), addReplyHumanLongDouble(c, xy[1])]));
  }
  return array(out);
}

/** geo.c geodistCommand: GEODIST key m1 m2 [unit], "%.4f", null when a member is missing. */
function geodistCommand(c: Ctx): RespValue {
  let toMeter = 1;
  if (c.argv.length === 5) {
    const u = extractUnitOrReply(arg(c, 4));
    if (typeof u !== 'number') return u;
    toMeter = u;
  } else if (c.argv.length > 5) return err(E.syntax);
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', NULL_BULK);
  if (isReply(o)) return o;
  const s1 = o.val.m.get(arg(c, 2));
  const s2 = o.val.m.get(arg(c, 3));
  if (s1 === undefined || s2 === undefined) return NULL_BULK;
  const a = decodeGeohash(s1);
  const b = decodeGeohash(s2);
  if (a === undefined || b === undefined) return NULL_BULK;
  return addReplyDoubleDistance(geohashGetDistance(a[0], a[1], b[0], b[1]) / toMeter);
}

const W = ['write', 'denyoom'] as const;
const R = ['readonly'] as const;

export const GEO_COMMANDS: readonly CommandSpec[] = [
  cmd('geoadd', -5, W, [1, 1, 1], 'geo', geoaddCommand),
  cmd('geodist', -4, R, [1, 1, 1], 'geo', geodistCommand),
  cmd('geohash', -2, R, [1, 1, 1], 'geo', geohashCommand),
  cmd('geopos', -2, R, [1, 1, 1], 'geo', geoposCommand),
  cmd('georadius', -6, W, [1, 1, 1], 'geo', (c) => georadiusGeneric(c, 1, RADIUS_COORDS), { getKeys: georadiusGetKeys(6) }),
  cmd('georadius_ro', -6, R, [1, 1, 1], 'geo', (c) => georadiusGeneric(c, 1, RADIUS_COORDS | RADIUS_NOSTORE)),
  cmd('georadiusbymember', -5, W, [1, 1, 1], 'geo', (c) => georadiusGeneric(c, 1, RADIUS_MEMBER), { getKeys: georadiusGetKeys(5) }),
  cmd('georadiusbymember_ro', -5, R, [1, 1, 1], 'geo', (c) => georadiusGeneric(c, 1, RADIUS_MEMBER | RADIUS_NOSTORE)),
  cmd('geosearch', -7, R, [1, 1, 1], 'geo', (c) => georadiusGeneric(c, 1, GEOSEARCH)),
  cmd('geosearchstore', -8, W, [1, 2, 1], 'geo', (c) => georadiusGeneric(c, 2, GEOSEARCH | GEOSEARCHSTORE)),
];

