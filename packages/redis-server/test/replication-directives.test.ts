import { describe, expect, test } from 'vitest';
import { memtoull, replicationDirectives } from '../src/replication/directives.js';
import { RedisServerError } from '../src/index.js';

describe('replication directives (config.c at start)', () => {
  test('memtoull: k/m/g are powers of 1000, kb/mb/gb of 1024, any case; anything else is refused', () => {
    expect(memtoull('16384')).toBe(16384);
    expect(memtoull('64kb')).toBe(65536);
    expect(memtoull('1MB')).toBe(1048576);
    expect(memtoull('2k')).toBe(2000);
    expect(memtoull('1g')).toBe(1_000_000_000);
    for (const bad of ['', '1.5mb', '-1', 'lots', '1 mb', '99999999999999999999']) expect(memtoull(bad)).toBeUndefined();
  });

  test('replicaof/slaveof host port, NO ONE, and the repl-* / min-replicas-* / replica-priority values', () => {
    const d = replicationDirectives(new Map([
      ['slaveof', '10.0.0.1 6380'], ['repl-backlog-size', '64kb'], ['repl-diskless-sync', 'no'],
      ['min-slaves-to-write', '2'], ['min-replicas-max-lag', '5'], ['replica-priority', '0'], ['port', '7000'],
    ]));
    expect(d.replicaof).toEqual({ host: '10.0.0.1', port: 6380 });
    expect(d.config).toEqual({ replBacklogSize: 65536, replDisklessSync: false, minReplicasToWrite: 2, minReplicasMaxLagSec: 5, replicaPriority: 0 });
    expect(replicationDirectives(new Map([['replicaof', 'no one']])).replicaof).toBeUndefined();
  });

  test('a bad value is a typed BAD_OPTION error naming the directive and config.c\'s reason', () => {
    const cases: [string, string, RegExp][] = [
      ['replicaof', 'host', /wrong number of arguments/],
      ['replicaof', 'host 70000', /Invalid master port/],
      ['repl-backlog-size', '0', /between 1 and/],
      ['repl-timeout', 'soon', /couldn't be parsed into an integer/],
      ['repl-diskless-sync', 'maybe', /'yes' or 'no'/],
    ];
    for (const [name, value, why] of cases) {
      let caught: unknown;
      try {
        replicationDirectives(new Map([[name, value]]));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RedisServerError);
      expect((caught as RedisServerError).code).toBe('BAD_OPTION');
      expect((caught as Error).message).toMatch(why);
      expect((caught as Error).message).toContain(`'${name} ${value}'`);
    }
  });
});
