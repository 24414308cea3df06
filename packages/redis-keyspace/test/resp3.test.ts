// RESP3 reply shapes (execute(argv, { resp: 3 })), pinned from redis-server 7.0.15 after HELLO 3
// (captured with `redis-cli -3` on this machine), and a property tying them to the RESP2 replies.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RespValue } from '@protolab/resp';
import { formatDouble17g } from '@protolab/redis-common';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import { GENERATORS } from './differential-gen.js';
import { show } from './helpers.js';

/** show() extended with the RESP3 types: %{k => v}, ~{…}, ,double, =txt:… */
function show3(r: RespValue): string {
  switch (r.type) {
    case 'map':
      return `%{${r.value.map(([k, v]) => `${show3(k)} => ${show3(v)}`).join(', ')}}`;
    case 'set':
      return `~{${r.value.map(show3).join(', ')}}`;
    case 'double':
      return `,${formatDouble17g(r.value)}`;
    case 'verbatim':
      return `=${r.format}:${Buffer.from(r.value).toString('latin1').slice(0, 12)}`;
    case 'array':
      return `[${r.value.map(show3).join(', ')}]`;
    default:
      return show(r);
  }
}

function session(): { run3: (...argv: string[]) => string; run2: (...argv: string[]) => string } {
  const ks = new Keyspace({ now: () => 1_700_000_000_000, prng: new Prng(1) });
  return {
    run3: (...argv) => show3(ks.execute(argv, { resp: 3 })),
    run2: (...argv) => show3(ks.execute(argv)),
  };
}

describe('networking.c addReplyMapLen / addReplySetLen / addReplyDouble under RESP3 (7.0.15)', () => {
  it('HGETALL is a map (an empty map for a missing key); HKEYS and HVALS stay arrays', () => {
    const { run3, run2 } = session();
    run3('HSET', 'h', 'f', '1', 'g', '2');
    expect(run3('HGETALL', 'h')).toBe('%{$f => $1, $g => $2}');
    expect(run3('HGETALL', 'nosuch')).toBe('%{}');
    expect(run3('HKEYS', 'h')).toBe('[$f, $g]');
    expect(run2('HGETALL', 'h')).toBe('[$f, $1, $g, $2]');
    expect(run2('HGETALL', 'nosuch')).toBe('[]');
  });

  it('SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count are sets; SRANDMEMBER with a count is an array', () => {
    const { run3 } = session();
    run3('SADD', 's', 'a', 'b');
    expect(run3('SMEMBERS', 's')).toMatch(/^~\{\$[ab], \$[ab]\}$/);
    expect(run3('SMEMBERS', 'nosuch')).toBe('~{}');
    expect(run3('SINTER', 'nosuch')).toBe('~{}');
    expect(run3('SDIFF', 's', 's')).toBe('~{}');
    expect(run3('SPOP', 'nosuch', '2')).toBe('~{}');
    expect(run3('SPOP', 's', '0')).toBe('~{}');
    expect(run3('SRANDMEMBER', 's', '10')).toMatch(/^\[\$[ab], \$[ab]\]$/);
    expect(run3('SRANDMEMBER', 'nosuch', '2')).toBe('[]');
  });

  it('scores are doubles: ZSCORE, ZMSCORE (nil for a missing member), ZINCRBY, ZADD INCR (nil when NX refuses)', () => {
    const { run3, run2 } = session();
    run3('ZADD', 'z', '1', 'a', '2', 'b', '3.5', 'c');
    expect(run3('ZSCORE', 'z', 'a')).toBe(',1');
    expect(run3('ZMSCORE', 'z', 'a', 'x')).toBe('[,1, (nil)]');
    expect(run3('ZINCRBY', 'z', '1', 'a')).toBe(',2');
    expect(run3('ZADD', 'z', 'INCR', '1', 'a')).toBe(',3');
    expect(run3('ZADD', 'z', 'NX', 'INCR', '1', 'a')).toBe('(nil)');
    expect(run3('ZADD', 'z', 'INCR', '0.1', 'd')).toBe(',0.10000000000000001');
    expect(run2('ZSCORE', 'z', 'd')).toBe('$0.10000000000000001');
  });

  it('WITHSCORES / WITHVALUES replies are arrays of [member, score] pairs', () => {
    const { run3, run2 } = session();
    run3('ZADD', 'z', '1', 'a', '2', 'b', '3.5', 'c');
    expect(run3('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toBe('[[$a, ,1], [$b, ,2], [$c, ,3.5]]');
    expect(run3('ZREVRANGEBYSCORE', 'z', 'inf', '3', 'WITHSCORES')).toBe('[[$c, ,3.5]]');
    expect(run3('ZRANGEBYSCORE', 'z', '-inf', '0', 'WITHSCORES')).toBe('[]');
    expect(run3('ZUNION', '1', 'z', 'WITHSCORES')).toBe('[[$a, ,1], [$b, ,2], [$c, ,3.5]]');
    expect(run3('ZRANDMEMBER', 'z', '-2', 'WITHSCORES')).toMatch(/^\[\[\$[abc], ,[0-9.]+\], \[\$[abc], ,[0-9.]+\]\]$/);
    expect(run3('ZRANDMEMBER', 'nosuch', '2', 'WITHSCORES')).toBe('[]');
    expect(run2('ZRANGE', 'z', '0', '0', 'WITHSCORES')).toBe('[$a, $1]');
    run3('HSET', 'h', 'f', '1');
    expect(run3('HRANDFIELD', 'h', '5', 'WITHVALUES')).toBe('[[$f, $1]]');
    expect(run3('HRANDFIELD', 'h', '5')).toBe('[$f]');
  });

  it('ZPOPMIN without a count is flat, with a count nested (use_nested_array); ZMPOP always nests', () => {
    const { run3 } = session();
    run3('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(run3('ZPOPMIN', 'z')).toBe('[$a, ,1]');
    expect(run3('ZPOPMIN', 'z', '1')).toBe('[[$b, ,2]]');
    expect(run3('ZPOPMAX', 'z', '0')).toBe('[]');
    expect(run3('ZPOPMIN', 'nosuch', '2')).toBe('[]');
    expect(run3('ZMPOP', '1', 'z', 'MIN')).toBe('[$z, [[$c, ,3]]]');
    expect(run3('ZMPOP', '1', 'nosuch', 'MIN')).toBe('(nil)');
  });

  it('LCS … IDX is a map; INFO is a verbatim "txt" string', () => {
    const { run3 } = session();
    run3('SET', 's1', 'ohmytext');
    run3('SET', 's2', 'mynewtext');
    expect(run3('LCS', 's1', 's2', 'IDX')).toBe('%{$matches => [[[:4, :7], [:5, :8]], [[:2, :3], [:0, :1]]], $len => :6}');
    expect(run3('LCS', 's1', 's2', 'LEN')).toBe(':6');
    expect(run3('INFO', 'keyspace')).toBe('=txt:# Keyspace\r\n');
  });

  it('COMMAND INFO flags, categories, tips and key specs are sets; COMMAND DOCS is a map of maps', () => {
    const { run3 } = session();
    // The key spec as redis-server 7.0.15 sends it after HELLO 3 (~1 %3 flags ~2 +RO +access begin_search %2 … find_keys %2 …).
    expect(run3('COMMAND', 'INFO', 'get')).toBe(
      '[[$get, :2, ~{+readonly, +fast}, :1, :1, :1, ~{+@read, +@string, +@fast}, ~{}, ~{%{$flags => ~{+RO, +access}, ' +
        '$begin_search => %{$type => $index, $spec => %{$index => :1}}, $find_keys => %{$type => $range, $spec => %{$lastkey => :0, $keystep => :1, $limit => :0}}}}, ~{}]]',
    );
    expect(run3('COMMAND', 'DOCS', 'get')).toBe('%{$get => %{$group => $string}}');
    expect(run3('COMMAND', 'DOCS', 'nosuch')).toBe('%{}');
  });

  it('execute refuses a protocol other than 2 or 3 with a typed error', () => {
    const ks = new Keyspace({ now: () => 0 });
    expect(() => ks.execute(['PING'], { resp: 4 as 3 })).toThrow(/resp must be 2 or 3/);
  });
});

/** A double as a comparable text (-0 kept). */
const numberKey = (d: number): string => (Object.is(d, -0) ? '-0' : String(d));

/**
 * The number a RESP2 bulk carries where RESP3 sends a double: Redis's text for it ("%.17g" from
 * addReplyDouble, "%.17Lf" trimmed from addReplyHumanLongDouble for GEOPOS / WITHCOORD, inf / nan)
 * read back, so both forms of one double compare equal.
 */
function resp2Number(leaf: string): string {
  const t = leaf.slice(1).toLowerCase();
  return `#${t === 'inf' || t === '+inf' ? 'Infinity' : t === '-inf' ? '-Infinity' : t === 'nan' || t === '-nan' ? 'NaN' : numberKey(Number(t))}`;
}

/** The reply's leaves in order, as a RESP2 client receives them (a RESP3 double as `#number`). */
function leaves(r: RespValue, out: string[] = []): string[] {
  switch (r.type) {
    case 'array':
    case 'set':
      for (const x of r.value) leaves(x, out);
      break;
    case 'map':
      for (const [k, v] of r.value) leaves(v, leaves(k, out));
      break;
    case 'double':
      out.push(`#${numberKey(r.value)}`);
      break;
    case 'verbatim':
      out.push(`$${Buffer.from(r.value).toString('latin1')}`);
      break;
    default:
      out.push(show(r));
  }
  return out;
}

describe('RESP3 shapes against the RESP2 replies', () => {
  it('networking.c: a RESP3 reply carries the RESP2 reply\'s elements in the same order (only aggregate headers and the double / verbatim types differ), and the keyspaces stay equal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 30 }), (seed) => {
        const r = new Prng(seed);
        const two = new Keyspace({ now: () => 1_700_000_000_000, prng: new Prng(seed) });
        const three = new Keyspace({ now: () => 1_700_000_000_000, prng: new Prng(seed) });
        for (let i = 0; i < 60; i++) {
          const argv = r.pick(GENERATORS)(r).map((a) => (a === 'SCAN*' ? 'SCAN' : a === 'HSCAN*' ? 'HSCAN' : a));
          const a = two.execute(argv);
          const b = three.execute(argv, { resp: 3 });
          const got = leaves(b);
          // where RESP3 has a double, RESP2 has a bulk string holding the same number
          const want = leaves(a).map((x, j) => (got[j]?.startsWith('#') === true && x.startsWith('$') ? resp2Number(x) : x));
          expect(got, JSON.stringify(argv)).toEqual(want);
        }
        expect([...three.entries()]).toEqual([...two.entries()]);
      }),
      { numRuns: 60 },
    );
  });
});
