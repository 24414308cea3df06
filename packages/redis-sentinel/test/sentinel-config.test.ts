import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseSentinelConfig, SentinelConfigError } from '../src/index.js';
import { reason } from './config-reason.js';


const MONITOR = 'sentinel monitor mymaster 127.0.0.1 6379 2';

describe('sentinel.conf as redis-sentinel 7.0.15 reads it (config.c, sentinelHandleConfiguration)', () => {
  test('the modelled directives, with Redis defaults for the rest', () => {
    const c = parseSentinelConfig(['# comment', 'port 26380', 'bind 127.0.0.1 ::1', 'dir /tmp', MONITOR, 'sentinel down-after-milliseconds mymaster 5000', 'sentinel failover-timeout mymaster 60000', 'sentinel parallel-syncs mymaster 2', `sentinel myid ${'ab'.repeat(20)}`, ''].join('\n'));
    const master = { masterName: 'mymaster', masterIp: '127.0.0.1', masterPort: 6379, quorum: 2, downAfterMs: 5000, failoverTimeoutMs: 60000, parallelSyncs: 2, notificationScript: undefined, clientReconfigScript: undefined, saved: { currentEpoch: 0, configEpoch: 0, leaderEpoch: 0, knownReplicas: [], knownSentinels: [] } };
    expect(c).toEqual({ port: 26380, bind: ['127.0.0.1', '::1'], masters: [master], ...master, myid: 'ab'.repeat(20) });
    expect(parseSentinelConfig(MONITOR)).toMatchObject({ port: 26379, downAfterMs: 30000, failoverTimeoutMs: 180000, parallelSyncs: 1, myid: undefined });
  });

  test('bad lines get the reasons the real binary prints (read from redis-sentinel 7.0.15)', () => {
    expect(reason('sentinel monitor mymaster 127.0.0.1')).toBe('line 1: Unrecognized sentinel configuration statement.');
    expect(reason('sentinel monitor mymaster 127.0.0.1 6379 0')).toBe('line 1: Quorum must be 1 or greater.');
    expect(reason('sentinel down-after-milliseconds nope 100')).toBe('line 1: No such master with specified name.');
    expect(reason(`${MONITOR}\nsentinel down-after-milliseconds mymaster 0`)).toBe('line 2: negative or zero time parameter.');
    expect(reason(`${MONITOR}\nsentinel down-after-milliseconds mymaster x`)).toBe('line 2: negative or zero time parameter.');
    expect(reason(`${MONITOR}\nsentinel failover-timeout mymaster -1`)).toBe('line 2: negative or zero time parameter.');
    expect(reason(`${MONITOR}\nsentinel down-after-milliseconds mymaster`)).toBe('line 2: Unrecognized sentinel configuration statement.');
    expect(reason(`${MONITOR}\n${MONITOR}`)).toBe('line 2: Duplicate master name.');
    expect(reason('sentinel foo bar')).toBe('line 1: Unrecognized sentinel configuration statement.');
    expect(reason('sentinel myid abc')).toBe('line 1: Malformed Sentinel id in myid option.');
    expect(reason('foo bar')).toBe('line 1: Bad directive or wrong number of arguments');
    expect(reason('port x')).toBe("line 1: argument couldn't be parsed into an integer");
    expect(reason('port 70000')).toBe('line 1: argument must be between 0 and 65535 inclusive');
    expect(reason('port')).toBe('line 1: wrong number of arguments');
    // atoi, as sentinel.c: a port or parallel-syncs that is not a number reads as 0 and is accepted.
    expect(reason('sentinel monitor mymaster 127.0.0.1 x 2')).toBe('ok');
  });

  test('several masters, one monitor line each: per-master lines apply to the master they name, current-epoch and myid to the sentinel', () => {
    const c = parseSentinelConfig([
      'sentinel monitor alpha 10.0.0.1 6379 2',
      'sentinel monitor beta 10.0.0.2 6380 1',
      'sentinel down-after-milliseconds beta 5000',
      'sentinel failover-timeout alpha 60000',
      'sentinel parallel-syncs beta 3',
      'sentinel notification-script beta /bin/true',
      'sentinel config-epoch beta 2',
      'sentinel leader-epoch alpha 1',
      'sentinel known-replica beta 10.0.0.3 6381',
      `sentinel known-sentinel alpha 10.0.0.9 26379 ${'c'.repeat(40)}`,
      'sentinel current-epoch 2',
    ].join('\n'));
    expect(c.masters.map((m) => m.masterName)).toEqual(['alpha', 'beta']);
    expect(c.masters[0]).toEqual({ masterName: 'alpha', masterIp: '10.0.0.1', masterPort: 6379, quorum: 2, downAfterMs: 30000, failoverTimeoutMs: 60000, parallelSyncs: 1, notificationScript: undefined, clientReconfigScript: undefined, saved: { currentEpoch: 2, configEpoch: 0, leaderEpoch: 1, knownReplicas: [], knownSentinels: [{ addr: '10.0.0.9:26379', runid: 'c'.repeat(40) }] } });
    expect(c.masters[1]).toEqual({ masterName: 'beta', masterIp: '10.0.0.2', masterPort: 6380, quorum: 1, downAfterMs: 5000, failoverTimeoutMs: 180000, parallelSyncs: 3, notificationScript: '/bin/true', clientReconfigScript: undefined, saved: { currentEpoch: 2, configEpoch: 2, leaderEpoch: 0, knownReplicas: ['10.0.0.3:6381'], knownSentinels: [] } });
    // The top level is the first master's, as before.
    expect(c).toMatchObject({ masterName: 'alpha', masterPort: 6379 });
    // loadSentinelConfigFromQueue: every monitor line is applied before the per-master lines, so one may
    // come before its master's monitor line (redis-sentinel 7.0.15 loads these files, or refuses them so).
    expect(parseSentinelConfig('sentinel monitor alpha 10.0.0.1 6379 2\nsentinel down-after-milliseconds beta 5000\nsentinel monitor beta 10.0.0.2 6380 1').masters[1]?.downAfterMs).toBe(5000);
    expect(reason('port 0\nsentinel down-after-milliseconds beta 0\nsentinel monitor beta 10.0.0.2 6380 1')).toBe('line 2: negative or zero time parameter.');
    expect(reason('port 0\nsentinel down-after-milliseconds gamma 10\nsentinel monitor beta 10.0.0.2 6380 1')).toBe('line 2: No such master with specified name.');
    expect(reason('sentinel\nsentinel monitor beta 10.0.0.2 6380 1')).toBe('ok');
    expect(reason('port 0\nsentinel monitor alpha 10.0.0.1 6379 2\nsentinel monitor beta 10.0.0.2 6380 1\nsentinel monitor alpha 10.0.0.3 6379 2')).toBe('line 4: Duplicate master name.');
  });

  test("the report is config.c's FATAL CONFIG FILE ERROR block", () => {
    try {
      parseSentinelConfig('sentinel monitor mymaster 127.0.0.1 6379 0');
      expect.unreachable();
    } catch (e) {
      expect(e instanceof SentinelConfigError && e.fatalText()).toBe("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'sentinel monitor mymaster 127.0.0.1 6379 0'\nQuorum must be 1 or greater.\n");
    }
  });

  test('any text either parses or is refused with a SentinelConfigError naming a line of it', () => {
    const line = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(MONITOR, 'port 1', 'bind 0.0.0.0', 'sentinel', 'sentinel monitor', '"unbalanced', 'sentinel parallel-syncs mymaster 3'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const text = lines.join('\n');
        try {
          parseSentinelConfig(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SentinelConfigError);
          if (e instanceof SentinelConfigError) expect(e.line).toBeLessThanOrEqual(Math.max(1, text.split('\n').length));
        }
      }),
    );
  });
});
