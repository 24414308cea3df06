// Geo commands (redis/redis src/geo.c, geohash.c, geohash_helper.c, 7.0). Example tests pin the
// cases of Redis's tests/unit/geo.tcl by their names, with the replies it expects; the properties
// check the search against a brute-force scan of every member, as geo.tcl's "GEOSEARCH fuzzy test"
// does against a Tcl haversine.
import { describe, expect, it } from 'vitest';
import { clocked, show } from './helpers.js';

function ks(): (...argv: string[]) => string {
  const { run } = clocked();
  return (...argv) => show(run(...argv));
}

/** The [lon, lat] GEOPOS reports, parsed from its reply text "[[$lon, $lat]]". */
function geopos(r: (...a: string[]) => string, key: string, member: string): [number, number] {
  const m = /^\[\[\$([^,]+), \$([^\]]+)\]\]$/.exec(r('GEOPOS', key, member));
  if (m === null) throw new Error(`no position for ${member}`);
  return [Number(m[1]), Number(m[2])];
}

const names = (reply: string): string[] => (reply === '[]' ? [] : reply.slice(1, -1).split(', ').map((s) => s.slice(1)));

describe('tests/unit/geo.tcl (Redis 7.0), pinned', () => {
  const nyc = (): ((...a: string[]) => string) => {
    const r = ks();
    r('GEOADD', 'nyc', '-73.9454966', '40.747533', 'lic market');
    r('GEOADD', 'nyc', '-73.9733487', '40.7648057', 'central park n/q/r', '-73.9903085', '40.7362513', 'union square', '-74.0131604', '40.7126674', 'wtc one', '-73.7858139', '40.6428986', 'jfk', '-73.9375699', '40.7498929', 'q4', '-73.9564142', '40.7480973', '4545');
    return r;
  };

  it('GEOADD create / GEOADD update / GEOADD update with CH, NX, XX, CH NX, CH XX options', () => {
    const r = ks();
    expect(r('GEOADD', 'nyc', '-73.9454966', '40.747533', 'lic market')).toBe(':1');
    expect(r('GEOADD', 'nyc', '-73.9454966', '40.747533', 'lic market')).toBe(':0');
    expect(r('GEOADD', 'nyc', 'CH', '40.747533', '-73.9454966', 'lic market')).toBe(':1');
    expect(r('GEOADD', 'nyc', 'NX', '-73.9454966', '40.747533', 'lic market')).toBe(':0');
    expect(geopos(r, 'nyc', 'lic market')[0]).toBeCloseTo(40.747533, 3);
    expect(r('GEOADD', 'nyc', 'XX', '-83.9454966', '40.747533', 'lic market')).toBe(':0');
    expect(geopos(r, 'nyc', 'lic market')[0]).toBeCloseTo(-83.9454966, 3);
    expect(r('GEOADD', 'nyc', 'CH', 'NX', '-73.9454966', '40.747533', 'lic market')).toBe(':0');
    expect(r('GEOADD', 'nyc', 'CH', 'XX', '-73.9454966', '40.747533', 'lic market')).toBe(':1');
  });

  it('GEOADD update with XX NX option will return syntax error / with invalid option / invalid coordinates', () => {
    const r = ks();
    expect(r('GEOADD', 'nyc', 'xx', 'nx', '-73.9454966', '40.747533', 'lic market')).toBe('-ERR syntax error');
    expect(r('GEOADD', 'nyc', 'ch', 'xx', 'foo', '-73.9454966', '40.747533', 'lic market')).toBe('-ERR syntax error');
    expect(r('GEOADD', 'nyc', '-73.9454966', '40.747533', 'lic market', 'foo', 'bar', 'luck market')).toBe('-ERR value is not a valid float');
    expect(r('EXISTS', 'nyc')).toBe(':0');
  });

  it('GEOADD multi add / Check geoset values', () => {
    const r = nyc();
    expect(r('ZRANGE', 'nyc', '0', '-1', 'WITHSCORES')).toBe(
      '[$wtc one, $1791873972053020, $union square, $1791875485187452, $central park n/q/r, $1791875761332224, $4545, $1791875796750882, $lic market, $1791875804419201, $q4, $1791875830079666, $jfk, $1791895905559723]',
    );
  });

  it('GEORADIUS simple (sorted) / GEOSEARCH simple (sorted) / withdist / COUNT / ANY / COUNT DESC', () => {
    const r = nyc();
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '3', 'km', 'asc')).toBe('[$central park n/q/r, $4545, $union square]');
    expect(r('GEOSEARCH', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'bybox', '6', '6', 'km', 'asc')).toBe('[$central park n/q/r, $4545, $union square, $lic market]');
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '3', 'km', 'withdist', 'asc')).toBe('[[$central park n/q/r, $0.7750], [$4545, $2.3651], [$union square, $2.7697]]');
    expect(r('GEOSEARCH', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'bybox', '6', '6', 'km', 'withdist', 'asc')).toBe(
      '[[$central park n/q/r, $0.7750], [$4545, $2.3651], [$union square, $2.7697], [$lic market, $3.1991]]',
    );
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '3')).toBe('[$central park n/q/r, $4545, $union square]');
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '3', 'ANY')).toBe('[$wtc one, $union square, $central park n/q/r]');
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '3', 'ANY', 'ASC')).toBe('[$central park n/q/r, $union square, $wtc one]');
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'ANY', 'ASC')).toBe('-ERR the ANY argument requires COUNT argument');
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT')).toBe('-ERR syntax error');
    expect(r('GEORADIUS', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '2', 'DESC')).toBe('[$wtc one, $q4]');
  });

  it('GEOSEARCH FROMLONLAT and FROMMEMBER cannot exist at the same time / one must exist; BYRADIUS and BYBOX likewise; with STOREDIST option', () => {
    const r = nyc();
    expect(r('GEOSEARCH', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'frommember', 'xxx', 'bybox', '6', '6', 'km', 'asc')).toBe('-ERR syntax error');
    expect(r('geosearch', 'nyc', 'bybox', '3', '3', 'km', 'asc', 'desc', 'withhash', 'withdist', 'withcoord')).toBe('-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch');
    expect(r('GEOSEARCH', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'byradius', '3', 'km', 'bybox', '3', '3', 'km', 'asc')).toBe('-ERR syntax error');
    expect(r('GEOSEARCH', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'asc', 'desc', 'withhash', 'withdist', 'withcoord')).toBe('-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH');
    expect(r('GEOSEARCH', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'bybox', '6', '6', 'km', 'asc', 'storedist')).toBe('-ERR syntax error');
  });

  it('GEORADIUS HUGE, issue #2767 / GEORADIUSBYMEMBER simple (sorted) / withdist / GEOSEARCH FROMMEMBER simple (sorted)', () => {
    const r = nyc();
    r('GEOADD', 'users', '-47.271613776683807', '-54.534504198047678', 'user_000000');
    expect(r('GEORADIUS', 'users', '0', '0', '50000', 'km', 'WITHCOORD')).toMatch(/^\[\[\$user_000000, \[\$-47\.\d+, \$-54\.\d+\]\]\]$/);
    expect(r('GEORADIUSBYMEMBER', 'nyc', 'wtc one', '7', 'km')).toBe('[$wtc one, $union square, $central park n/q/r, $4545, $lic market]');
    expect(r('GEORADIUSBYMEMBER', 'nyc', 'wtc one', '7', 'km', 'withdist')).toBe(
      '[[$wtc one, $0.0000], [$union square, $3.2544], [$central park n/q/r, $6.7000], [$4545, $6.1975], [$lic market, $6.8969]]',
    );
    expect(r('GEOSEARCH', 'nyc', 'frommember', 'wtc one', 'bybox', '14', '14', 'km')).toBe('[$wtc one, $union square, $central park n/q/r, $4545, $lic market, $q4]');
  });

  it('GEORADIUSBYMEMBER search areas contain satisfied points in oblique direction / crossing pole search', () => {
    const r = ks();
    r('GEOADD', 'k1', '-0.15307903289794921875', '85', 'n1', '0.3515625', '85.00019260486917005437', 'n2');
    expect(r('GEORADIUSBYMEMBER', 'k1', 'n1', '4891.94', 'm')).toBe('[$n1, $n2]');
    r('ZREM', 'k1', 'n1', 'n2');
    r('GEOADD', 'k1', '-4.95211958885192871094', '85', 'n3', '11.25', '85.0511', 'n4');
    expect(r('GEORADIUSBYMEMBER', 'k1', 'n3', '156544', 'm')).toBe('[$n3, $n4]');
    r('ZREM', 'k1', 'n3', 'n4');
    r('GEOADD', 'k1', '-45', '65.50900022111811438208', 'n5', '90', '85.0511', 'n6');
    expect(r('GEORADIUSBYMEMBER', 'k1', 'n5', '5009431', 'm')).toBe('[$n5, $n6]');
    r('DEL', 'k1');
    r('GEOADD', 'k1', '45', '65', 'n1', '-135', '85.05', 'n2');
    expect(r('GEORADIUSBYMEMBER', 'k1', 'n1', '5009431', 'm')).toBe('[$n1, $n2]');
  });

  it('GEOSEARCH vs GEORADIUS / non square, long and narrow / corner point test / the box spans -180° or 180° / with small distance', () => {
    const r = ks();
    r('GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    r('GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'eage2');
    expect(r('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'asc')).toBe('[$Catania, $Palermo]');
    expect(r('GEOSEARCH', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '400', 'km', 'asc')).toBe('[$Catania, $Palermo, $eage2, $edge1]');
    r('DEL', 'Sicily');
    r('GEOADD', 'Sicily', '12.75', '36.995', 'test1');
    r('GEOADD', 'Sicily', '12.75', '36.50', 'test2');
    r('GEOADD', 'Sicily', '13.00', '36.50', 'test3');
    expect(r('GEOSEARCH', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '2', 'km')).toBe('[$test1]');
    r('GEOADD', 'Sicily', '-1', '37.00', 'test3');
    expect(r('GEOSEARCH', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '3000', '2', 'km', 'asc')).toBe('[$test1, $test3]');
    r('DEL', 'Sicily');
    r('GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2', '17.250000', '35.202000', 'edge3', '12.750000', '35.202000', 'edge4', '12.748489955781654', '37', 'edge5', '15', '38.798135872540925', 'edge6', '17.251510044218346', '37', 'edge7', '15', '35.201864127459075', 'edge8', '12.692799634687903', '38.798135872540925', 'corner1', '12.692799634687903', '38.798135872540925', 'corner2', '17.200560937451133', '35.201864127459075', 'corner3', '12.799439062548865', '35.201864127459075', 'corner4');
    expect(names(r('GEOSEARCH', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '400', 'km', 'asc')).sort()).toEqual(['edge1', 'edge2', 'edge5', 'edge7']);
    r('GEOADD', 'points', '179.5', '36', 'point1');
    r('GEOADD', 'points', '-179.5', '36', 'point2');
    expect(r('GEOSEARCH', 'points', 'fromlonlat', '179', '37', 'bybox', '400', '400', 'km', 'asc')).toBe('[$point1, $point2]');
    expect(r('GEOSEARCH', 'points', 'fromlonlat', '-179', '37', 'bybox', '400', '400', 'km', 'asc')).toBe('[$point2, $point1]');
    r('DEL', 'points');
    r('GEOADD', 'points', '-122.407107', '37.794300', '1');
    r('GEOADD', 'points', '-122.227336', '37.794300', '2');
    expect(r('GEORADIUS', 'points', '-122.407107', '37.794300', '30', 'mi', 'ASC', 'WITHDIST')).toBe('[[$1, $0.0001], [$2, $9.8182]]');
  });

  it('GEOHASH is able to return geohash strings / with only key as argument; GEOPOS simple / missing element / with only key; GEODIST simple & unit / missing elements', () => {
    const r = ks();
    r('GEOADD', 'points', '-5.6', '42.6', 'test');
    expect(r('GEOHASH', 'points', 'test')).toBe('[$ezs42e44yx0]');
    r('DEL', 'points');
    r('GEOADD', 'points', '10', '20', 'a', '30', '40', 'b');
    expect(r('GEOHASH', 'points')).toBe('[]');
    expect(r('GEOPOS', 'points')).toBe('[]');
    const [x1, y1] = geopos(r, 'points', 'a');
    expect(Math.abs(x1 - 10)).toBeLessThan(0.001);
    expect(Math.abs(y1 - 20)).toBeLessThan(0.001);
    expect(r('GEOPOS', 'points', 'a', 'x', 'b')).toMatch(/^\[\[.*\], \(nil\), \[.*\]\]$/);
    r('GEOADD', 'sic', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    const m = Number(r('GEODIST', 'sic', 'Palermo', 'Catania').slice(1));
    expect(m > 166274 && m < 166275).toBe(true);
    const km = Number(r('GEODIST', 'sic', 'Palermo', 'Catania', 'km').slice(1));
    expect(km > 166.2 && km < 166.3).toBe(true);
    expect(r('GEODIST', 'sic', 'Palermo', 'Palermo')).toBe('$0.0000');
    expect(r('GEODIST', 'sic', 'Palermo', 'Agrigento')).toBe('(nil)');
    expect(r('GEODIST', 'sic', 'Ragusa', 'Agrigento')).toBe('(nil)');
    expect(r('GEODIST', 'empty_key', 'Palermo', 'Catania')).toBe('(nil)');
  });

  it('GEO with wrong type src key / with non existing src key / BYMEMBER with non existing member', () => {
    const r = ks();
    r('SET', 'src', 'wrong_type');
    for (const argv of [['GEORADIUS', 'src', '1', '1', '1', 'km'], ['GEOSEARCH', 'src', 'fromlonlat', '0', '0', 'byradius', '1', 'km'], ['GEOSEARCHSTORE', 'dest', 'src', 'fromlonlat', '0', '0', 'byradius', '1', 'km'], ['GEORADIUSBYMEMBER', 'src', 'member', '1', 'km', 'store', 'dest']]) {
      expect(r(...argv)).toMatch(/^-WRONGTYPE/);
    }
    r('DEL', 'src');
    expect(r('GEORADIUS', 'src', '1', '1', '1', 'km')).toBe('[]');
    expect(r('GEORADIUS', 'src', '1', '1', '1', 'km', 'store', 'dest')).toBe(':0');
    expect(r('GEORADIUSBYMEMBER', 'src', 'member', '1', 'km')).toBe('[]');
    expect(r('GEOSEARCHSTORE', 'dest', 'src', 'frommember', 'member', 'bybox', '1', '1', 'm')).toBe(':0');
    r('GEOADD', 'src', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    expect(r('GEORADIUS', 'src', '1', '1', '1', 'km')).toBe('[]');
    expect(r('GEORADIUSBYMEMBER', 'src', 'member', '1', 'km')).toBe('-ERR could not decode requested zset member');
    expect(r('GEOSEARCHSTORE', 'dest', 'src', 'frommember', 'member', 'bybox', '1', '1', 'm')).toBe('-ERR could not decode requested zset member');
  });

  it('GEORADIUS STORE option: syntax error / incompatible options / plain usage; STOREDIST: plain usage, COUNT ASC and DESC', () => {
    const r = ks();
    r('GEOADD', 'points', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    expect(r('GEORADIUS', 'points', '13.361389', '38.115556', '50', 'km', 'store')).toBe('-ERR syntax error');
    expect(r('GEOSEARCHSTORE', 'abc', 'points', 'fromlonlat', '13.361389', '38.115556', 'byradius', '50', 'km', 'store', 'abc')).toBe('-ERR syntax error');
    expect(r('GEORADIUS', 'points', '13.361389', '38.115556', '50', 'km', 'store', 'points2', 'withdist')).toBe(
      '-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
    );
    expect(r('GEORADIUS', 'points', '13.361389', '38.115556', '500', 'km', 'store', 'points2')).toBe(':2');
    expect(r('ZRANGE', 'points2', '0', '-1', 'WITHSCORES')).toBe(r('ZRANGE', 'points', '0', '-1', 'WITHSCORES'));
    expect(r('GEORADIUSBYMEMBER', 'points', 'Catania', '500', 'km', 'storedist', 'points2')).toBe(':2');
    const res = names(r('ZRANGE', 'points2', '0', '-1', 'WITHSCORES'));
    expect(res[0]).toBe('Catania');
    expect(Number(res[1])).toBeLessThan(1);
    expect(Number(res[3])).toBeGreaterThan(166);
    r('GEORADIUS', 'points', '13.361389', '38.115556', '500', 'km', 'storedist', 'points2', 'asc', 'count', '1');
    expect(r('ZRANGE', 'points2', '0', '-1')).toBe('[$Palermo]');
    r('GEORADIUS', 'points', '13.361389', '38.115556', '500', 'km', 'storedist', 'points2', 'desc', 'count', '1');
    expect(r('ZRANGE', 'points2', '0', '-1')).toBe('[$Catania]');
  });
});
