// What reaches the AOF / replicas (contract C2 onPropagate), pinned from an appendonly.aof captured
// on redis-server 7.0.15 for the same command sequences (docs/redis-expiry.md §5).
import { describe, expect, it } from 'vitest';
import { Keyspace } from '../src/index.js';
import { clocked } from './helpers.js';

const NOW = 1_700_000_000_000;

function propagated(cmds: string[][], between?: (clock: { now: number }) => void): string[] {
  const { run, log, clock } = clocked(NOW);
  for (const c of cmds) {
    if (c[0] === '@advance') {
      clock.now += Number(c[1]);
      between?.(clock);
      continue;
    }
    run(...c);
  }
  return log.map((o) => `${o.db} ${o.argv.join(' ')}`);
}

describe('server.c propagate: the AOF form of each write (Redis 7.0.15)', () => {
  it('t_string.c setGenericCommand: a TTL becomes PXAT <abs> (NX/XX/GET dropped); GET alone is stripped; others verbatim', () => {
    expect(
      propagated([
        ['SET', 'a', '1', 'EX', '10'],
        ['SET', 'n', 'v', 'NX'],
        ['SET', 'n', 'w', 'nx', 'get'], // no write: not propagated
        ['SET', 'n', 'w', 'xx', 'GET', 'px', '100000'],
        ['SET', 'n', 'w', 'GET'],
        ['SET', 'x', '1', 'PXAT', '99999999999999', 'NX', 'GET'],
        ['SET', 'p', '1', 'KEEPTTL'],
        ['SETEX', 'q', '100', 'v'],
        ['PSETEX', 'q', '100', 'v'],
        ['SET', 'n', 'w', 'GET', 'GET'],
      ]),
    ).toEqual([
      `0 SET a 1 PXAT ${NOW + 10_000}`,
      '0 SET n v NX',
      `0 SET n w PXAT ${NOW + 100_000}`,
      '0 SET n w',
      '0 SET x 1 PXAT 99999999999999',
      '0 SET p 1 KEEPTTL',
      `0 SET q v PXAT ${NOW + 100_000}`,
      `0 SET q v PXAT ${NOW + 100}`,
      '0 SET n w',
    ]);
  });

  it('expire.c: EXPIRE* → PEXPIREAT <abs> keeping options; a past time → DEL; failed conditions → nothing', () => {
    expect(
      propagated([
        ['SET', 'y', '1'],
        ['EXPIRE', 'y', '100', 'GT'],
        ['EXPIRE', 'y', '100', 'LT'],
        ['PEXPIREAT', 'y', '99999999999999'],
        ['EXPIREAT', 'y', '99999999999'],
        ['PEXPIRE', 'y', '5000'],
        ['PERSIST', 'y'],
        ['PERSIST', 'y'],
        ['EXPIRE', 'y', '-1'],
      ]),
    ).toEqual([
      '0 SET y 1',
      `0 PEXPIREAT y ${NOW + 100_000} LT`,
      '0 PEXPIREAT y 99999999999999',
      '0 PEXPIREAT y 99999999999000',
      `0 PEXPIREAT y ${NOW + 5000}`,
      '0 PERSIST y',
      '0 DEL y',
    ]);
  });

  it('GETEX → PEXPIREAT / PERSIST / DEL; GETDEL → DEL; DEL verbatim; no-op writes are not logged', () => {
    expect(
      propagated([
        ['SET', 'x', '1'],
        ['GETEX', 'x', 'EX', '100'],
        ['GETEX', 'x'],
        ['GETEX', 'x', 'PERSIST'],
        ['GETEX', 'x', 'PERSIST'],
        ['GETEX', 'x', 'PXAT', '1'],
        ['SET', 'k', '1'],
        ['DEL', 'k', 'k', 'k'],
        ['DEL', 'nothing'],
        ['SET', 'g', '1'],
        ['GETDEL', 'g'],
        ['INCR', 'cnt'],
        ['RPUSH', 'l', 'a', 'b'],
        ['SADD', 's', '1', '2'],
        ['SADD', 's', '1'],
        ['ZADD', 'z', '1', 'a'],
        ['HSET', 'h', 'f', 'v'],
        ['FLUSHDB'],
        ['FLUSHDB'],
      ]),
    ).toEqual([
      '0 SET x 1',
      `0 PEXPIREAT x ${NOW + 100_000}`,
      '0 PERSIST x',
      '0 DEL x',
      '0 SET k 1',
      '0 DEL k k k',
      '0 SET g 1',
      '0 DEL g',
      '0 INCR cnt',
      '0 RPUSH l a b',
      '0 SADD s 1 2',
      '0 ZADD z 1 a',
      '0 HSET h f v',
      '0 FLUSHDB',
      '0 FLUSHDB', // forceCommandPropagation: logged even when the db was empty
    ]);
  });

  it('db.c deleteExpiredKeyAndPropagate: a lazily expired key is logged as DEL before the write that found it', () => {
    expect(propagated([['SET', 'k', 'v', 'PX', '1'], ['@advance', '2'], ['SET', 'k', 'v2'], ['SET', 'j', 'v', 'PX', '1'], ['@advance', '2'], ['GET', 'j']])).toEqual([
      `0 SET k v PXAT ${NOW + 1}`,
      '0 DEL k',
      '0 SET k v2',
      `0 SET j v PXAT ${NOW + 3}`,
      '0 DEL j',
    ]);
  });

  it('multi.c: one write in EXEC is logged alone; two or more are wrapped in MULTI … EXEC; read-only EXEC logs nothing', () => {
    expect(
      propagated([
        ['MULTI'], ['SET', 'a', '1'], ['EXEC'],
        ['MULTI'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['EXEC'],
        ['MULTI'], ['GET', 'a'], ['EXEC'],
        ['RPUSH', 'l', 'x'],
        ['MULTI'], ['INCR', 'l'], ['SET', 'q', '1'], ['EXEC'],
      ]),
    ).toEqual(['0 SET a 1', '0 MULTI', '0 SET a 1', '0 SET b 2', '0 EXEC', '0 RPUSH l x', '0 SET q 1']);
  });

  it('multi.c: lazy-expiry DELs inside EXEC are part of the transaction (captured on 7.0.15)', () => {
    expect(
      propagated([
        ['SET', 'e1', 'v', 'PX', '1'], ['SET', 'e2', 'v', 'PX', '1'], ['SET', 'e3', 'v', 'PX', '1'],
        ['@advance', '5'],
        ['MULTI'], ['GET', 'e1'], ['SET', 'a', '1'], ['EXEC'],
        ['MULTI'], ['GET', 'e2'], ['SET', 'a', '2'], ['SET', 'b', '2'], ['EXEC'],
        ['MULTI'], ['GET', 'e3'], ['EXEC'],
      ]).slice(3),
    ).toEqual(['0 MULTI', '0 DEL e1', '0 SET a 1', '0 EXEC', '0 MULTI', '0 DEL e2', '0 SET a 2', '0 SET b 2', '0 EXEC', '0 DEL e3']);
  });

  it('the db of each write is the SELECTed one; SELECT itself is not logged', () => {
    expect(propagated([['SELECT', '3'], ['SET', 'a', '1'], ['SELECT', '0'], ['DEL', 'a']])).toEqual(['3 SET a 1']);
  });

  it('activeExpireCycle logs one DEL per reclaimed key, never wrapped in MULTI', () => {
    const { ks, log, clock } = clocked(NOW);
    for (let i = 0; i < 5; i++) ks.execute(['SET', `k${i}`, 'v', 'PX', '10']);
    log.length = 0;
    clock.now += 11;
    ks.activeExpireCycle('slow');
    expect(log.map((o) => o.argv[0])).toEqual(['DEL', 'DEL', 'DEL', 'DEL', 'DEL']);
    expect(log.map((o) => o.argv[1]).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('typed API writes propagate exactly like the commands', () => {
    const a: string[] = [];
    const clock = { now: NOW };
    const ks = new Keyspace({ now: () => clock.now, onPropagate: (db, argv) => a.push(argv.map((x) => Buffer.from(x).toString()).join(' ')) });
    ks.set('k', 'v', { px: 50 });
    ks.set('k', 'v');
    ks.set('k', 'w', { ex: 5, nx: true });
    ks.expire('k', 10);
    expect(a).toEqual([`SET k v PXAT ${NOW + 50}`, 'SET k v', `PEXPIREAT k ${NOW + 10_000}`]);
  });
});
