import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

/**
 * signalModifiedKey is called for the keys a command modified, not for every key it names: a STORE
 * command's sources are only read, so a WATCH on a source survives it, while a WATCH on its
 * destination fails the EXEC. Recorded from redis-server 7.0.15 on 2026-12-05 (client A WATCHes,
 * client B runs the command, A sends MULTI PING EXEC): every command below "ran" for a watched
 * source, and LMOVE (which pops its source) "aborted". protolab aborted all of them before.
 */
const CASES: readonly [setup: string, command: string][] = [
  ['SADD s 1', 'SUNIONSTORE d s'], ['SADD s 1', 'SINTERSTORE d s'], ['SADD s 1', 'SDIFFSTORE d s'],
  ['PFADD s a', 'PFMERGE d s'], ['SADD s 1', 'SORT s STORE d'], ['SADD s 1', 'COPY s d'], ['SET s x', 'BITOP OR d s'],
  ['ZADD s 1 a', 'ZUNIONSTORE d 1 s'], ['ZADD s 1 a', 'ZINTERSTORE d 1 s'], ['ZADD s 1 a', 'ZDIFFSTORE d 1 s'], ['ZADD s 1 a', 'ZRANGESTORE d s 0 -1'],
  ['GEOADD s 0 0 m', 'GEOSEARCHSTORE d s FROMLONLAT 0 0 BYRADIUS 10 km'], ['GEOADD s 0 0 m', 'GEORADIUS s 0 0 10 km STORE d'],
];

function execAfter(watched: string, setup: string, command: string): string {
  const h = harness();
  h.connect(1);
  h.connect(2);
  h.send(2, `${setup}\r\n`);
  h.send(1, `WATCH ${watched}\r\n`);
  h.send(2, `${command}\r\n`);
  return h.send(1, 'MULTI\r\nPING\r\nEXEC\r\n');
}

describe('db.c signalModifiedKey: WATCHed sources of STORE commands (as redis-server 7.0.15)', () => {
  test.each(CASES)('after %s, "%s" leaves a WATCH on its source s valid and fails a WATCH on its destination d', (setup, command) => {
    expect(execAfter('s', setup, command)).toBe('+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
    expect(execAfter('d', setup, command)).toBe('+OK\r\n+QUEUED\r\n*-1\r\n');
  });

  test('LMOVE pops its source: a WATCH on the source fails the EXEC', () => {
    expect(execAfter('s', 'RPUSH s a', 'LMOVE s d LEFT RIGHT')).toBe('+OK\r\n+QUEUED\r\n*-1\r\n');
  });
});
