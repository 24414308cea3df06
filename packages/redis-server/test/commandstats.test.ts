/**
 * INFO commandstats / errorstats / latencystats / stats and CONFIG RESETSTAT on a virtual clock
 * (server.c call, rejectCommand, afterErrorReply, genRedisInfoString; Redis 7.0). Durations are
 * made exact by wrapping a command so that it moves the µs clock by a known amount; expected
 * percentiles are the HDR sub-bucket tops worked out by hand (or printed by redis-server 7.0.15).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { clockHarness } from './clock-harness.js';
import { HdrHistogram, highestEquivalentValue, lowestEquivalentValue } from '../src/hdr-histogram.js';
import { CommandStats, errorPrefix, parsePercentiles } from '../src/commandstats.js';

describe('deps/hdr_histogram as Redis 7.0 uses it (1 ns .. 1 s, 2 significant digits)', () => {
  test('a value is reported as the top of its sub-bucket: the values redis-server 7.0.15 printed for 8, 27 and 89 µs', () => {
    // INFO latencystats of the real server: lpush 8 µs → p50=8.031, set 27 µs → 27.007, config|get 89 µs → 89.087.
    expect(highestEquivalentValue(8000)).toBe(8031);
    expect(highestEquivalentValue(27000)).toBe(27007);
    expect(highestEquivalentValue(89000)).toBe(89087);
    expect(highestEquivalentValue(1)).toBe(1);
    expect(highestEquivalentValue(255)).toBe(255);
    expect(highestEquivalentValue(256)).toBe(257);
  });

  test('every recorded value lies within its sub-bucket, which is at most 1/128 of the value wide', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (v) => {
        const lo = lowestEquivalentValue(v);
        const hi = highestEquivalentValue(v);
        expect(lo).toBeLessThanOrEqual(v);
        expect(hi).toBeGreaterThanOrEqual(v);
        expect(hi - lo + 1).toBeLessThanOrEqual(Math.max(1, v / 128));
      }),
    );
  });

  test('percentiles: count_at_percentile = trunc(p/100 * total + 0.5), at least 1', () => {
    const h = new HdrHistogram();
    for (const us of [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]) h.record(us * 1000);
    // 10 values: p50 → the 5th (5 µs), p90 → the 9th, p99 → round(9.9) = 10th (100 µs), p0 → the lowest of the 1st.
    expect(h.valueAtPercentile(50)).toBe(highestEquivalentValue(5000));
    expect(h.valueAtPercentile(90)).toBe(highestEquivalentValue(9000));
    expect(h.valueAtPercentile(99)).toBe(highestEquivalentValue(100000));
    expect(h.valueAtPercentile(0)).toBe(lowestEquivalentValue(1000));
    expect(h.valueAtPercentile(150)).toBe(highestEquivalentValue(100000));
  });

  test('values are clamped to [1 ns, 1 s] (updateCommandLatencyHistogram)', () => {
    const h = new HdrHistogram();
    h.record(0);
    expect(h.valueAtPercentile(50)).toBe(1);
    h.record(5e9);
    expect(h.valueAtPercentile(100)).toBe(highestEquivalentValue(1_000_000_000));
  });

  test('the log iterator from 1024 ns by powers of 2 gives the buckets LATENCY HISTOGRAM printed for 8, 27 and 89 µs', () => {
    const h = new HdrHistogram();
    for (const ns of [8000, 27000, 89000]) h.record(ns);
    const steps = h.logSteps(1024, 2);
    const shown: [number, number][] = [];
    let prev = 0;
    for (const s of steps) {
      if (s.cumulativeCount > prev) shown.push([Math.floor(s.highestEquivalentValue / 1000), s.cumulativeCount]);
      prev = s.cumulativeCount;
    }
    // redis-server 7.0.15: lpush (8 µs) → {8: 1}, set (27 µs) → {33: 1}, config|get (89 µs) → {132: 1}.
    expect(shown).toEqual([[8, 1], [33, 2], [132, 3]]);
  });
});

describe('server.c call(): calls, usec, rejected_calls, failed_calls', () => {
  test('calls and usec add up each call; usec_per_call is %.2f; INFO latencystats gives p50/p99/p99.9 of the durations', () => {
    const h = clockHarness();
    h.connect(1);
    h.slow('get', 50);
    h.send(1, 'SET a 1\r\nGET a\r\nGET a\r\nGET a\r\n');
    const cs = h.info(1, 'commandstats');
    expect(cs.get('cmdstat_get')).toBe('calls=3,usec=150,usec_per_call=50.00,rejected_calls=0,failed_calls=0');
    expect(cs.get('cmdstat_set')).toBe('calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0');
    const ls = h.info(1, 'latencystats');
    // 50 000 ns: bucket 8 (2^16 > v >= 2^15 … sub-bucket width 256): 49920..50175.
    expect(ls.get('latency_percentiles_usec_get')).toBe('p50=50.175,p99=50.175,p99.9=50.175');
    // 0 µs is recorded as 1 ns (the histogram's lowest value).
    expect(ls.get('latency_percentiles_usec_set')).toBe('p50=0.001,p99=0.001,p99.9=0.001');
  });

  test('usec_per_call keeps two decimals of usec / calls', () => {
    const h = clockHarness();
    h.connect(1);
    h.slow('echo', 1);
    h.send(1, 'ECHO a\r\nECHO b\r\nECHO c\r\n');
    h.slow('echo', 1); // now 2 µs each
    h.send(1, 'ECHO d\r\n');
    expect(h.info(1, 'commandstats').get('cmdstat_echo')).toBe('calls=4,usec=5,usec_per_call=1.25,rejected_calls=0,failed_calls=0');
  });

  test('an arity error is rejected (no call), a WRONGTYPE is failed (a call); an unknown command moves no cmdstat', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'SET a 1\r\nGET\r\nLPUSH a x\r\nNOPE x\r\nCONFIG GET\r\nCONFIG NOPE\r\n');
    const cs = h.info(1, 'commandstats');
    expect(cs.get('cmdstat_get')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect(cs.get('cmdstat_lpush')).toBe('calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1');
    expect(cs.get('cmdstat_config|get')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect([...cs.keys()].filter((k) => k.includes('nope'))).toEqual([]);
    expect([...cs.keys()]).toEqual(['cmdstat_set', 'cmdstat_get', 'cmdstat_lpush', 'cmdstat_config|get']);
    const es = h.info(1, 'errorstats');
    // GET arity, NOPE, CONFIG GET arity, CONFIG NOPE: ERR; LPUSH: WRONGTYPE.
    expect([...es]).toEqual([['errorstat_ERR', 'count=4'], ['errorstat_WRONGTYPE', 'count=1']]);
    const st = h.info(1, 'stats');
    expect(st.get('total_error_replies')).toBe('5');
    // SET, LPUSH and the first INFO ran; the rejected ones are not processed commands.
    expect(st.get('total_commands_processed')).toBe('4');
    // A rejected command has no latency sample.
    expect([...h.info(1, 'latencystats').keys()]).toEqual(['latency_percentiles_usec_set', 'latency_percentiles_usec_lpush', 'latency_percentiles_usec_info']);
  });

  test('MULTI: a command refused at queue time is rejected and EXEC then fails with EXECABORT', () => {
    const h = clockHarness();
    h.connect(1);
    expect(h.send(1, 'MULTI\r\nGET\r\nSET a 1\r\nEXEC\r\n')).toMatch(/-EXECABORT/);
    const cs = h.info(1, 'commandstats');
    expect(cs.get('cmdstat_get')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect(cs.get('cmdstat_exec')).toBe('calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1');
    expect(cs.get('cmdstat_set')).toBeUndefined(); // queued, never run
    expect([...h.info(1, 'errorstats')]).toEqual([['errorstat_ERR', 'count=1'], ['errorstat_EXECABORT', 'count=1']]);
  });

  test('EXEC: each queued command is a call of its own; an error inside EXEC is its failure and an error reply', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'SET k v\r\nMULTI\r\nSET a 1\r\nLPUSH k x\r\nINCR a\r\nCONFIG GET maxmemory\r\nEXEC\r\n');
    const cs = h.info(1, 'commandstats');
    expect(cs.get('cmdstat_set')).toMatch(/^calls=2,.*failed_calls=0$/);
    expect(cs.get('cmdstat_lpush')).toMatch(/^calls=1,.*rejected_calls=0,failed_calls=1$/);
    expect(cs.get('cmdstat_incr')).toMatch(/^calls=1,.*failed_calls=0$/);
    expect(cs.get('cmdstat_config|get')).toMatch(/^calls=1,.*failed_calls=0$/);
    expect(cs.get('cmdstat_exec')).toMatch(/^calls=1,.*failed_calls=0$/);
    expect(cs.get('cmdstat_multi')).toMatch(/^calls=1,/);
    expect([...h.info(1, 'errorstats')]).toEqual([['errorstat_WRONGTYPE', 'count=1']]);
    expect(h.info(1, 'stats').get('total_error_replies')).toBe('1');
  });

  test('a monitor touching the keyspace and a RESP2 subscriber are rejected (rejectCommand)', () => {
    const h = clockHarness();
    h.connect(1);
    h.connect(2);
    h.send(1, 'MONITOR\r\nGET a\r\n');
    h.send(2, 'SUBSCRIBE ch\r\nSET a 1\r\n');
    h.connect(3);
    const got = h.info(3, 'commandstats');
    expect(got.get('cmdstat_get')).toMatch(/calls=0,.*rejected_calls=1,failed_calls=0$/);
    expect(got.get('cmdstat_set')).toMatch(/calls=0,.*rejected_calls=1,failed_calls=0$/);
  });
});

describe('blocked.c updateStatsOnUnblock', () => {
  test('a pop that blocks is a call at once; its latency sample is taken when served (call time + serving time)', () => {
    const h = clockHarness();
    h.connect(1);
    h.connect(2);
    expect(h.send(1, 'BLPOP q 0\r\n')).toBe('');
    expect(h.info(2, 'commandstats').get('cmdstat_blpop')).toBe('calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0');
    expect(h.info(2, 'latencystats').get('latency_percentiles_usec_blpop')).toBeUndefined();
    h.send(2, 'LPUSH q x\r\n');
    expect(h.info(2, 'commandstats').get('cmdstat_blpop')).toMatch(/^calls=1,/);
    expect(h.info(2, 'latencystats').get('latency_percentiles_usec_blpop')).toBe('p50=0.001,p99=0.001,p99.9=0.001');
  });
});

describe('networking.c afterErrorReply: errorstat_<PREFIX>', () => {
  test('the prefix is the text up to a space within the first 32 bytes of "-PREFIX …", else ERR (as redis-server 7.0.15 counted them)', () => {
    expect(errorPrefix('WRONGTYPE Operation against a key')).toBe('WRONGTYPE');
    expect(errorPrefix('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 x')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'); // 30 bytes: kept
    expect(errorPrefix('ABCDEFGHIJKLMNOPQRSTUVWXYZ01234 x')).toBe('ERR'); // 31 bytes: ERR
    expect(errorPrefix('NOSPACE')).toBe('ERR');
  });

  test('7.0 keeps every prefix, in the rax\'s byte order (redis-server 7.0.15 kept 300 distinct ones from EVAL error_reply)', () => {
    const cs = new CommandStats();
    for (let i = 1; i <= 300; i++) cs.afterErrorReply(`E${i} x`);
    cs.afterErrorReply('E7 again');
    const h = clockHarness();
    h.connect(1);
    for (const [k, v] of cs.errors) h.srv.stats.commands.errors.set(k, v);
    const es = h.info(1, 'errorstats');
    expect(es.size).toBe(300);
    expect(es.get('errorstat_E7')).toBe('count=2');
    expect([...es.keys()].slice(0, 4)).toEqual(['errorstat_E1', 'errorstat_E10', 'errorstat_E100', 'errorstat_E101']);
  });

  test('DEBUG ERROR is written as raw protocol: the client gets the error, no counter moves but calls (as 7.0.15)', () => {
    const h = clockHarness();
    h.connect(1);
    expect(h.send(1, 'DEBUG ERROR "MYERR custom"\r\n')).toBe('-MYERR custom\r\n');
    expect(h.send(1, 'MULTI\r\nDEBUG ERROR "MYERR in exec"\r\nEXEC\r\n')).toBe('+OK\r\n+QUEUED\r\n*1\r\n-MYERR in exec\r\n');
    expect(h.info(1, 'errorstats').size).toBe(0);
    expect(h.info(1, 'stats').get('total_error_replies')).toBe('0');
    expect(h.info(1, 'commandstats').get('cmdstat_debug')).toBe('calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0');
  });

  test('CommandStats alone: total_error_replies counts every error reply', () => {
    const cs = new CommandStats();
    cs.afterErrorReply('ERR x');
    cs.afterErrorReply('ERR y');
    cs.afterErrorReply('MOVED 1 127.0.0.1:7000');
    expect(cs.totalErrorReplies).toBe(3);
    expect([...cs.errors]).toEqual([['ERR', 2], ['MOVED', 1]]);
  });
});

describe('CONFIG RESETSTAT and the latency-tracking configs', () => {
  test('RESETSTAT clears commandstats, errorstats, latencystats and total_error_replies', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'SET a 1\r\nLPUSH a x\r\nGET\r\n');
    expect(h.info(1, 'errorstats').size).toBe(2);
    expect(h.send(1, 'CONFIG RESETSTAT\r\n')).toBe('+OK\r\n');
    // Only CONFIG RESETSTAT itself, counted after it ran.
    expect([...h.info(1, 'commandstats').keys()]).toEqual(['cmdstat_config|resetstat']);
    expect(h.info(1, 'errorstats').size).toBe(0);
    expect([...h.info(1, 'latencystats').keys()]).toEqual(['latency_percentiles_usec_config|resetstat', 'latency_percentiles_usec_info']);
    expect(h.info(1, 'stats').get('total_error_replies')).toBe('0');
  });

  test('latency-tracking no: calls still counted, no histogram; latency-tracking-info-percentiles sets the p-fields', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'CONFIG SET latency-tracking no\r\nSET a 1\r\n');
    expect(h.info(1, 'commandstats').get('cmdstat_set')).toMatch(/^calls=1,/);
    expect(h.info(1, 'latencystats').size).toBe(0);
    h.slow('get', 10);
    h.send(1, 'CONFIG SET latency-tracking yes\r\nCONFIG SET latency-tracking-info-percentiles "0 99.99999 100"\r\nGET a\r\n');
    expect(h.info(1, 'latencystats').get('latency_percentiles_usec_get')).toBe('p0=9.984,p99.99999=10.047,p100=10.047');
    h.send(1, 'CONFIG SET latency-tracking-info-percentiles ""\r\n');
    expect(h.info(1, 'latencystats').get('latency_percentiles_usec_get')).toBe('');
  });

  test('latency-tracking-info-percentiles: values and errors as redis-server 7.0.15 gives them', () => {
    expect(parsePercentiles('50 99 99.9')).toEqual({ value: '50 99 99.9' });
    expect(parsePercentiles('99.90 10 0 100')).toEqual({ value: '99.9 10 0 100' });
    expect(parsePercentiles('1e1')).toEqual({ value: '10' });
    expect(parsePercentiles('0x10')).toEqual({ value: '16' });
    expect(parsePercentiles('50.0000')).toEqual({ value: '50' });
    expect(parsePercentiles('')).toEqual({ value: '' });
    const invalid = { error: 'Invalid latency-tracking-info-percentiles parameters' };
    const range = { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    for (const bad of ['50 abc', ' 50', '50  99', 'nan', '']) if (bad !== '') expect(parsePercentiles(bad)).toEqual(invalid);
    for (const out of ['101', '-1', 'inf']) expect(parsePercentiles(out)).toEqual(range);
  });

  test('CONFIG SET of a bad percentile list keeps the old one and answers config.c\'s error', () => {
    const h = clockHarness();
    h.connect(1);
    expect(h.send(1, 'CONFIG SET latency-tracking-info-percentiles "50 abc"\r\n')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters\r\n",
    );
    expect(h.send(1, 'CONFIG GET latency-tracking-info-percentiles\r\n')).toBe('*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$10\r\n50 99 99.9\r\n');
    expect(h.send(1, 'CONFIG SET latency-tracking maybe\r\n')).toMatch(/argument must be 'yes' or 'no'/);
  });
});
