// DUMP/RESTORE (cluster.c dumpCommand / restoreCommand) over a stand-in payload codec: the
// options, error texts and propagation are Redis 7.0's; the payload bytes are the codec's.
import { describe, expect, it } from 'vitest';
import { Keyspace } from '../src/index.js';
import type { PayloadCodec, RedisValue } from '../src/index.js';
import { show } from './helpers.js';

const NOW = 1_700_000_000_000;
/** JSON with a checksum-like prefix: enough to exercise every path of restoreCommand. */
const codec: PayloadCodec = {
  dump: (v: RedisValue) => Buffer.from('OK' + JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? [...x] : x))),
  restore: (p) => {
    const s = Buffer.from(p).toString('latin1');
    if (!s.startsWith('OK')) return 'checksum';
    try {
      return JSON.parse(s.slice(2), (_k, x: unknown) => (Array.isArray(x) && x.every((n) => typeof n === 'number') ? Uint8Array.from(x) : x)) as RedisValue;
    } catch {
      return 'format';
    }
  },
};

describe('cluster.c restoreCommand', () => {
  it('DUMP / RESTORE round-trips a value; BUSYKEY, REPLACE, TTL, ABSTTL, IDLETIME and FREQ as in 7.0', () => {
    const log: string[] = [];
    const ks = new Keyspace({ now: () => NOW, payloadCodec: codec, onPropagate: (db, argv) => log.push(argv.map((a) => Buffer.from(a).toString('latin1')).join(' ')) });
    const run = (...a: string[]): string => show(ks.execute(a));
    run('RPUSH', 'l', 'a', 'b');
    const payload = ks.execute(['DUMP', 'l']);
    expect(payload.type).toBe('bulk');
    const p = payload.type === 'bulk' ? Buffer.from(payload.value).toString('latin1') : '';
    expect(run('DUMP', 'nokey')).toBe('(nil)');
    expect(run('RESTORE', 'l', '0', p)).toBe('-BUSYKEY Target key name already exists.');
    expect(run('RESTORE', 'l2', '-1', p)).toBe('-ERR Invalid TTL value, must be >= 0');
    expect(run('RESTORE', 'l2', '0', 'garbage')).toBe('-ERR DUMP payload version or checksum are wrong');
    expect(run('RESTORE', 'l2', '0', 'OK{')).toBe('-ERR Bad data format');
    expect(run('RESTORE', 'l2', '0', p, 'IDLETIME', '-1')).toBe('-ERR Invalid IDLETIME value, must be >= 0');
    expect(run('RESTORE', 'l2', '0', p, 'FREQ', '256')).toBe('-ERR Invalid FREQ value, must be >= 0 and <= 255');
    expect(run('RESTORE', 'l2', '0', p, 'IDLETIME', '5', 'FREQ', '1')).toBe('-ERR syntax error');
    log.length = 0;
    expect(run('RESTORE', 'l2', '5000', p, 'IDLETIME', '100')).toBe('+OK');
    expect(run('OBJECT', 'IDLETIME', 'l2')).toBe(':100'); // OBJECT does not touch; LRANGE does
    expect(run('LRANGE', 'l2', '0', '-1')).toBe('[$a, $b]');
    expect(run('OBJECT', 'IDLETIME', 'l2')).toBe(':0');
    expect(run('PTTL', 'l2')).toBe(':5000');
    expect(log).toEqual([`RESTORE l2 ${NOW + 5000} ${p} IDLETIME 100 ABSTTL`]);
    log.length = 0;
    expect(run('RESTORE', 'l', '1', p, 'REPLACE', 'ABSTTL')).toBe('+OK'); // already expired: deleted
    expect(run('EXISTS', 'l')).toBe(':0');
    expect(log).toEqual(['DEL l']);
  });

  it('without a payload codec DUMP and RESTORE say what is missing', () => {
    const ks = new Keyspace({ now: () => NOW });
    expect(show(ks.execute(['DUMP', 'k']))).toMatch(/^-ERR DUMP\/RESTORE need a payload codec/);
  });
});
