// Geo commands against redis-server 7.0.15, byte for byte (RESP2): a few hundred seeded points —
// uniform ones, the latitude limits ±85.05112878, longitude ±180 and its neighbours, duplicates
// (equal distances, so the order qsort / pqsort leave them in shows), a dense cluster — then
// GEOPOS / GEOHASH / GEODIST of all of them and GEOSEARCH / GEORADIUS* with every option over
// tiny to planet-sized radii and boxes, STORE / STOREDIST read back with ZRANGE WITHSCORES,
// out-of-range scores written with ZADD, and the error replies.
import { expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { describePeer } from '@protolab/testkit';
import { decodeReply, encode, encodeCommand, type RespValue } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { bytesOf, startRealServer } from './real-server.js';

const LAT = 85.05112878;

function seededPoints(p: Prng, n: number): [string, string][] {
  const out: [string, string][] = [];
  const num = (v: number): string => (p.chance(0.5) ? String(v) : v.toFixed(p.int(0, 8)));
  for (let i = 0; i < n; i++) {
    const kind = p.int(0, 10);
    if (kind <= 3) out.push([num(-180 + p.float() * 360), num(-LAT + p.float() * 2 * LAT)]);
    else if (kind === 4) out.push([num(-180 + p.float() * 360), p.pick([String(LAT), String(-LAT), '85.0511', '-85.05', '84.9999999', '0'])]);
    else if (kind === 5) out.push([p.pick(['180', '-180', '179.99999999999997', '-179.9999999', '179.5', '-179.5', '0', '-0']), num(-LAT + p.float() * 2 * LAT)]);
    else if (kind === 6) out.push([p.pick(['180', '-180']), p.pick([String(LAT), String(-LAT)])]);
    else if (kind === 7 && out.length > 0) out.push(p.pick(out)); // a duplicate position
    else out.push([num(13.3 + p.float() * 0.2), num(38.1 + p.float() * 0.2)]); // a dense cluster
  }
  return out;
}

const UNITS = ['m', 'km', 'mi', 'ft', 'KM'];
const RADII = ['0', '0.001', '1', '150', '2500', '30000', '400000', '2000000', '5009431', '20037726', '50000000', '1e-300', 'inf'];

function searchArgs(p: Prng, members: string[]): string[] {
  const from = p.chance(0.5)
    ? ['FROMMEMBER', p.pick(members)]
    : ['FROMLONLAT', p.pick(['0', '180', '-180', '179.99999999999997', '13.4', String(-180 + p.float() * 360)]), p.pick([String(LAT), String(-LAT), '38.2', '0', '66.5', String(-80 + p.float() * 160)])];
  const by = p.chance(0.5) ? ['BYRADIUS', p.pick(RADII), p.pick(UNITS)] : ['BYBOX', p.pick(RADII), p.pick(RADII), p.pick(UNITS)];
  const opts: string[] = [];
  if (p.chance(0.5)) opts.push('WITHDIST');
  if (p.chance(0.4)) opts.push('WITHCOORD');
  if (p.chance(0.4)) opts.push('WITHHASH');
  opts.push(...p.pick([[], [], ['ASC'], ['DESC']]));
  opts.push(...p.pick([[], [], ['COUNT', String(p.int(1, 12))], ['COUNT', String(p.int(1, 40)), 'ANY'], ['COUNT', '1']]));
  return [...p.shuffle([from, by, ...opts.map((o) => [o])]).flat()];
}

describePeer('redis-server', 'geo commands: keyspace vs redis-server 7.0.15, byte for byte', () => {
  it('seeded points (poles, antimeridian, duplicates, a cluster): GEOADD, GEOPOS, GEOHASH, GEODIST and searches with every option give identical reply bytes', async () => {
    const real = await startRealServer();
    const ks = new Keyspace({ now: () => Date.now() });
    let compared = 0;
    const same = async (argv: string[]): Promise<void> => {
      const theirs = await real.client.raw(encodeCommand(bytesOf(argv)));
      const ours = Buffer.from(encode(ks.execute(argv)));
      expect(ours.toString('latin1'), argv.join(' ')).toBe(theirs.toString('latin1'));
      compared++;
    };
    // STOREDIST scores are distances in "%.17g": the last bit of a distance can differ where glibc's
    // sin / cos / asin misround (see the README), so those are compared to within 2 ulps, members exactly.
    let nearlyEqual = 0;
    const sameDistances = async (argv: string[]): Promise<void> => {
      const theirs = decodeReply(await real.client.raw(encodeCommand(bytesOf(argv))));
      const ours = ks.execute(argv);
      const flat = (r: RespValue): string[] => (r.type === 'array' ? r.value.map((v) => (v.type === 'bulk' ? Buffer.from(v.value).toString('latin1') : '?')) : ['?']);
      const [a, b] = [flat(ours), flat(theirs)];
      expect(a.length, argv.join(' ')).toBe(b.length);
      for (let i = 0; i < a.length; i++) {
        if (i % 2 === 0 || a[i] === b[i]) expect(a[i], argv.join(' ')).toBe(b[i]);
        else {
          const x = Number(a[i]), y = Number(b[i]);
          expect(Math.abs(x - y), `${argv.join(' ')}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(y));
          nearlyEqual++;
        }
      }
      compared++;
    };
    try {
      for (const seed of [1, 2, 3]) {
        const p = new Prng(seed);
        await same(['FLUSHALL']);
        const pts = seededPoints(p, seed === 1 ? 100 : 300); // seed 1 stays a listpack, the others a skiplist
        const members = pts.map((_, i) => `p${i}`);
        for (let i = 0; i < pts.length; i += 25) {
          await same(['GEOADD', 'g', ...pts.slice(i, i + 25).flatMap(([lon, lat], j) => [lon, lat, `p${i + j}`])]);
        }
        await same(['OBJECT', 'ENCODING', 'g']);
        await same(['ZRANGE', 'g', '0', '-1', 'WITHSCORES']);
        await same(['GEOPOS', 'g', ...members, 'nope']);
        await same(['GEOHASH', 'g', ...members, 'nope']);
        for (let i = 0; i < 100; i++) await same(['GEODIST', 'g', p.pick(members), p.pick(members), ...p.pick([[], [p.pick(UNITS)]])]);
        for (let i = 0; i < 250; i++) await same(['GEOSEARCH', 'g', ...searchArgs(p, members)]);
        for (let i = 0; i < 60; i++) {
          const r = p.pick(RADII), u = p.pick(UNITS);
          const opts = p.pick([[], ['WITHDIST', 'ASC'], ['COUNT', '3'], ['COUNT', '5', 'DESC', 'WITHHASH'], ['WITHCOORD', 'DESC']]);
          await same(['GEORADIUS', 'g', String(-180 + p.float() * 360), String(-LAT + p.float() * 2 * LAT), r, u, ...opts]);
          await same(['GEORADIUS_RO', 'g', p.pick(['180', '-180', '0']), p.pick([String(LAT), '0']), r, u, ...opts]);
          await same(['GEORADIUSBYMEMBER', 'g', p.pick(members), r, u, ...opts]);
          await same(['GEORADIUSBYMEMBER_RO', 'g', p.pick(members), r, u, ...opts]);
        }
        for (let i = 0; i < 40; i++) {
          const store = p.pick(['STORE', 'STOREDIST']);
          await same(['DEL', 'dst', 'dst2']); // what ZRANGE reads next was stored by the command before it
          await same(['GEORADIUSBYMEMBER', 'g', p.pick(members), p.pick(RADII), p.pick(UNITS), store, 'dst', ...p.pick([[], ['COUNT', '4'], ['COUNT', '2', 'DESC']])]);
          await (store === 'STORE' ? same : sameDistances)(['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
          await same(['OBJECT', 'ENCODING', 'dst']);
          const dist = p.chance(0.5);
          await same(['GEOSEARCHSTORE', 'dst2', 'g', ...searchArgs(p, members).filter((a) => !a.startsWith('WITH')), ...(dist ? ['STOREDIST'] : [])]);
          await (dist ? sameDistances : same)(['ZRANGE', 'dst2', '0', '-1', 'WITHSCORES']);
        }
      }
      console.log(`${compared} commands compared, byte-identical but for ${nearlyEqual} STOREDIST scores within 2 ulps`);
    } finally {
      await real.stop();
    }
  }, 240_000);

  it('hand-picked cases: out-of-range scores, the antimeridian miss, errors, STORE edge cases', async () => {
    const real = await startRealServer();
    const ks = new Keyspace({ now: () => Date.now() });
    const cases: string[][] = [
      ['GEOADD', 'k', '180', String(LAT), 'm1', '-180', String(-LAT), 'm2', '0', '0', 'm3'],
      ['ZADD', 'k', '1e300', 'big', '-1', 'neg', '1.5', 'frac', '9007199254740993', 'odd', 'inf', 'pinf', '-inf', 'ninf', '1e19', 'e19', '-1e19', 'me19', '4503599627370495.5', 'h'],
      ['GEOPOS', 'k', 'big', 'neg', 'frac', 'odd', 'pinf', 'ninf', 'e19', 'me19', 'h'],
      ['GEOHASH', 'k', 'big', 'neg', 'frac', 'odd', 'pinf', 'ninf', 'e19', 'me19', 'h'],
      ['GEODIST', 'k', 'big', 'neg', 'km'],
      ['GEOSEARCH', 'k', 'FROMMEMBER', 'big', 'BYRADIUS', '10', 'km', 'WITHCOORD', 'WITHHASH', 'WITHDIST'],
      ['GEOSEARCH', 'k', 'FROMMEMBER', 'neg', 'BYBOX', '100', '100', 'km', 'WITHCOORD', 'WITHHASH', 'WITHDIST'],
      ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '30000', 'km', 'WITHHASH', 'ASC'],
      ['GEOADD', 'pts', '-179.44257795810702', '0', 'place:0'],
      ['GEOSEARCH', 'pts', 'FROMLONLAT', '179.99999999999997', '0', 'BYBOX', '124', '10', 'km', 'WITHDIST'],
      ['GEOSEARCH', 'pts', 'FROMLONLAT', '179.9', '0', 'BYRADIUS', '124', 'km', 'WITHDIST'],
      ['GEOADD', 'k', '200', '1', 'x'], ['GEOADD', 'k', 'nan', '1', 'x'], ['GEOADD', 'k', 'inf', '1', 'x'], ['GEOADD', 'k', '-0', '100', 'x'],
      ['GEOADD', 'k', '200.0078125', '1', 'x'], ['GEOADD', 'k', '1', '1e300', 'x'], ['GEOADD', 'k', '1', '-1e-7', 'x', '1', '90', 'y'],
      ['GEOADD', 'k', 'nx', 'xx', '1', '2', 'm'], ['GEOADD', 'k', 'ch', 'ch', 'ch'], ['GEOADD', 'k', '1', '2', 'm', '3'], ['GEOADD', 'k', 'CH', 'ch', '1', '2', 'm3'],
      ['GEODIST', 'k', 'm1', 'm2', 'parsec'], ['GEODIST', 'k', 'm1', 'm2', 'km', 'x'], ['GEODIST', 'k', 'm1', 'm2', 'FT'], ['GEODIST', 'nokey', 'a', 'b', 'bad'],
      ['GEORADIUS', 'k', '1', '2', '-1', 'm'], ['GEORADIUS', 'k', '1', '2', '1', 'foo'], ['GEORADIUS', 'k', '1', '2', 'x', 'm'], ['GEORADIUS', 'k', '1', '200', '1', 'm'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYBOX', '1', '1', 'km'], ['GEOSEARCH', 'k', 'FROMMEMBER', 'm3', 'BYRADIUS', '1', 'km', 'COUNT', '0'],
      ['GEOSEARCH', 'k', 'FROMMEMBER', 'm3', 'BYRADIUS', '1', 'km', 'ANY'], ['GEOSEARCHSTORE', 'd', 'k', 'FROMMEMBER', 'm3', 'BYRADIUS', '1', 'km', 'WITHDIST'],
      ['GEORADIUS', 'k', '0', '0', '1', 'km', 'STORE', 'd', 'WITHDIST'], ['GEORADIUS_RO', 'k', '0', '0', '1', 'km', 'STORE', 'd'],
      ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'], ['GEOSEARCH', 'k', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'],
      ['GEORADIUSBYMEMBER', 'k', 'nope', '1', 'km'], ['GEORADIUSBYMEMBER', 'nokey', 'nope', '-5', 'km', 'STORE', 'd'], ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYBOX', 'x', '1', 'km'], ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYBOX', '1', 'y', 'km'], ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', 'x', 'km'],
      ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km', 'COUNT', 'x'], ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km', 'COUNT', '9999999999999999999'],
      ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '30000', 'km', 'COUNT', '9223372036854775807', 'ANY'], ['GEOSEARCH', 'k', 'FROMMEMBER', 'm3', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['GeoSearch', 'k', 'BYRADIUS', '1', 'km'], ['GEOSEARCHSTORE', 'd', 'k', 'FROMLONLAT', '0', '0'], ['GEOSEARCH', 'k', 'FROMMEMBER', 'm3', 'FROMMEMBER', 'm1', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km', 'STORE', 'x'], ['GEOSEARCH', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1'],
      ['GEOPOS', 'k'], ['GEOHASH', 'k'], ['GEODIST', 'k', 'm1'], ['SET', 's', '1'], ['GEOPOS', 's', 'a'], ['GEOHASH', 's', 'a'], ['GEODIST', 's', 'a', 'b'], ['GEOADD', 's', '1', '1', 'm'],
      ['GEOSEARCH', 's', 'FROMLONLAT', '200', '0', 'BYRADIUS', '1', 'km'], ['GEORADIUSBYMEMBER', 's', 'x', '1', 'km'],
      ['SET', 'd', 'v', 'EX', '1000'], ['GEOSEARCHSTORE', 'd', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'm'], ['EXISTS', 'd'],
      ['SET', 'd', 'v', 'EX', '1000'], ['GEOSEARCHSTORE', 'd', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '10', 'km'], ['TTL', 'd'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['GEOSEARCHSTORE', 'k', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '40000', 'km', 'STOREDIST', 'DESC', 'COUNT', '3'], ['ZRANGE', 'k', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', 'nokey', '0', '0', '1', 'km', 'STORE', 'd'], ['EXISTS', 'd'], ['GEORADIUS', 'nokey', '0', '0', '1', 'km', 'STORE', 'd', 'STOREDIST', 'e'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'k', '0', '0', '1', 'km', 'STORE', 'd', 'STOREDIST', 'e'], ['COMMAND', 'GETKEYS', 'GEORADIUSBYMEMBER', 'k', 'm', '1', 'store', 'd'],
      ['COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'd', 'k', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'], ['COMMAND', 'GETKEYS', 'GEORADIUS', 'k', '0', '0', '1', 'km', 'store'],
    ];
    try {
      for (const argv of cases) {
        const theirs = await real.client.raw(encodeCommand(bytesOf(argv)));
        const ours = Buffer.from(encode(ks.execute(argv)));
        expect(ours.toString('latin1'), argv.join(' ')).toBe(theirs.toString('latin1'));
      }
      console.log(`${cases.length} hand-picked commands compared, byte-identical`);
    } finally {
      await real.stop();
    }
  }, 60_000);
});
