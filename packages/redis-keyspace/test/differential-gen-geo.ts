// Random geo commands (geo.c) for the differential peer tests: GEOADD with NX/XX/CH and bad
// coordinates, GEOPOS, GEOHASH, GEODIST with units, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO],
// GEOSEARCH and GEOSEARCHSTORE with every option and malformed variants. GEO_SPECIFIC plugs into
// differential-gen.ts's SPECIFIC. STOREDIST is left out here (its "%.17g" distances may differ in
// the last bit: see the keyspace README); geo.peer.test.ts compares it within 2 ulps.
import type { Prng } from '@protolab/sim';

type Gen = (r: Prng) => string[];

const KEYS = ['a', 'b', 'c', 'geo', 'geo2'];
const MEMBERS = ['m', 'n', 'o', 'Palermo', 'Catania', 'p1', ''];
const LONS = ['13.361389', '15.087269', '0', '-0', '180', '-180', '179.5', '-179.5', '-73.9454966', '200', 'x', 'inf', '1e-3', '12.5', ''];
const LATS = ['38.115556', '37.502669', '0', '85.05112878', '-85.05112878', '85.06', '40.747533', '-54.5', 'nan', '66.6', '1.5e1'];
const RADII = ['0', '1', '100', '200', '5000', '20000', '-1', 'x', '0.001', '1e9', 'inf'];
const UNITS = ['m', 'km', 'mi', 'ft', 'KM', 'parsec'];

const k = (r: Prng): string => r.pick(KEYS);
const m = (r: Prng): string => r.pick(MEMBERS);
const place = (r: Prng): string[] => [r.pick(LONS), r.pick(LATS), m(r)];

function options(r: Prng, store: 'none' | 'key' | 'flag'): string[] {
  const out: string[] = [];
  if (store === 'none' || r.chance(0.1)) {
    if (r.chance(0.4)) out.push('WITHDIST');
    if (r.chance(0.3)) out.push('WITHCOORD');
    if (r.chance(0.3)) out.push('WITHHASH');
  }
  out.push(...r.pick([[], [], ['ASC'], ['DESC'], ['asc', 'desc']]));
  out.push(...r.pick([[], [], ['COUNT', r.pick(['1', '2', '3', '0', '-1', 'x'])], ['COUNT', '2', 'ANY'], ['ANY'], ['COUNT']]));
  if (store === 'key' && r.chance(0.3)) out.push('STORE', k(r));
  if (store === 'flag' && r.chance(0.05)) out.push('STOREDIST', k(r)); // a syntax error for GEOSEARCHSTORE
  return r.chance(0.5) ? r.shuffle(out) : out;
}

function from(r: Prng): string[] {
  return r.pick([['FROMMEMBER', m(r)], ['FROMLONLAT', r.pick(LONS), r.pick(LATS)], ['FROMMEMBER', m(r)], [], ['FROMMEMBER', m(r), 'FROMLONLAT', '0', '0']]);
}

function by(r: Prng): string[] {
  return r.pick([['BYRADIUS', r.pick(RADII), r.pick(UNITS)], ['BYBOX', r.pick(RADII), r.pick(RADII), r.pick(UNITS)], [], ['BYRADIUS', '1']]);
}

export const GEO_SPECIFIC: Record<string, Gen> = {
  geoadd: (r) => ['GEOADD', k(r), ...r.pick([[], [], ['NX'], ['XX'], ['CH'], ['XX', 'CH'], ['NX', 'XX'], ['FOO']]), ...place(r), ...r.pick([[], [], place(r), [r.pick(LONS)]])],
  geopos: (r) => ['GEOPOS', k(r), ...r.pick([[], [m(r)], [m(r), m(r), m(r)]])],
  geohash: (r) => ['GEOHASH', k(r), ...r.pick([[], [m(r)], [m(r), m(r)]])],
  geodist: (r) => ['GEODIST', k(r), m(r), m(r), ...r.pick([[], [r.pick(UNITS)], ['km', 'x']])],
  georadius: (r) => ['GEORADIUS', k(r), r.pick(LONS), r.pick(LATS), r.pick(RADII), r.pick(UNITS), ...options(r, 'key')],
  georadius_ro: (r) => ['GEORADIUS_RO', k(r), r.pick(LONS), r.pick(LATS), r.pick(RADII), r.pick(UNITS), ...options(r, r.chance(0.1) ? 'key' : 'none')],
  georadiusbymember: (r) => ['GEORADIUSBYMEMBER', k(r), m(r), r.pick(RADII), r.pick(UNITS), ...options(r, 'key')],
  georadiusbymember_ro: (r) => ['GEORADIUSBYMEMBER_RO', k(r), m(r), r.pick(RADII), r.pick(UNITS), ...options(r, 'none')],
  geosearch: (r) => ['GEOSEARCH', k(r), ...r.shuffle([from(r), by(r), options(r, 'none')]).flat()],
  geosearchstore: (r) => ['GEOSEARCHSTORE', k(r), k(r), ...r.shuffle([from(r), by(r), options(r, 'flag')]).flat()],
};
