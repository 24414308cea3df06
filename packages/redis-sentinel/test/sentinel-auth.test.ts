import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { reply, type RespValue } from '@protolab/resp';
import {
  newSentinelClient, parseSentinelConfig, rewriteSentinelConfig, Sentinel, sentinelAuthArgv, sentinelClientName, sentinelConfigOf,
  sentinelDispatch, sentinelEventMessage, sentinelPingReplyIsValid, type SentinelContext,
} from '../src/index.js';
import { reason } from './config-reason.js';

/**
 * sentinel auth-pass / auth-user / sentinel-pass / sentinel-user (redis/redis src/sentinel.c, 7.0:
 * sentinelHandleConfiguration, rewriteConfigSentinelOption, sentinelSetCommand,
 * sentinelSendAuthIfNeeded, sentinelSetClientName, sentinelPingReplyCallback). Reply texts were read
 * from redis-sentinel 7.0.15 (SENTINEL SET on a live sentinel); the live comparison of the links is
 * test/sentinel-auth.peer.test.ts.
 */
const M = '127.0.0.1:16400';
const R = '127.0.0.1:16401';
const S = '127.0.0.1:26401';
const MONITOR = 'sentinel monitor mymaster 127.0.0.1 16400 2';


/** A sentinel over the file's masters, knowing one replica (INFO) and one other sentinel (hello) of the first. */
function sentinelOf(text: string): Sentinel {
  const c = parseSentinelConfig(text);
  const s = new Sentinel('127.0.0.1:26400', 'a1b2c3d4'.repeat(5), c.masters.map(sentinelConfigOf), () => 0);
  s.sentinel_auth_pass = c.sentinelPass;
  s.sentinel_auth_user = c.sentinelUser;
  const n = s.masters.get(c.masterName);
  if (n === undefined) throw new Error('no first master');
  const info = { runid: 'm'.repeat(40), role: 'master' as const, master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 };
  s.onMessage(M, { type: 'INFO_REPLY', info }, 1000);
  s.onMessage(S, { type: 'HELLO', hello: { sentinel: S, runid: 'b'.repeat(40), current_epoch: 0, master_name: c.masterName, master_addr: M, master_config_epoch: 0 } }, 1000);
  return s;
}

function ctx(s: Sentinel, over: Partial<SentinelContext> = {}): SentinelContext {
  return {
    core: s,
    nowMs: 1500,
    process: { run_id: 'c'.repeat(40), tcp_port: 26400, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => 1 },
    ...over,
  };
}

const set = (c: SentinelContext, ...args: string[]): RespValue[] => sentinelDispatch(c, newSentinelClient(1), ['SENTINEL', 'SET', ...args]);

describe('sentinel.conf auth lines (sentinelHandleConfiguration, 7.0)', () => {
  test('auth-pass and auth-user are per master, may stand before their monitor line, and are kept as written', () => {
    const c = parseSentinelConfig(['sentinel auth-pass mymaster s3cret', MONITOR, 'sentinel monitor other 127.0.0.1 16500 1', 'sentinel auth-user other alice', 'sentinel auth-pass other ""'].join('\n'));
    expect(c.masters.map((m) => [m.masterName, m.authPass, m.authUser])).toEqual([['mymaster', 's3cret', undefined], ['other', '', 'alice']]);
    expect(sentinelConfigOf(c)).toMatchObject({ authPass: 's3cret' });
    expect(sentinelConfigOf(c)).not.toHaveProperty('authUser');
  });

  test('sentinel-pass and sentinel-user are the sentinel\'s own; an empty value leaves them unset', () => {
    expect(parseSentinelConfig(`sentinel sentinel-user bob\nsentinel sentinel-pass pw\n${MONITOR}`)).toMatchObject({ sentinelUser: 'bob', sentinelPass: 'pw' });
    expect(parseSentinelConfig(`sentinel sentinel-pass ""\n${MONITOR}`)).toMatchObject({ sentinelPass: undefined, sentinelUser: undefined });
  });

  test('bad auth lines get sentinel.c\'s reasons', () => {
    expect(reason(`${MONITOR}\nsentinel auth-pass nope pw`)).toBe('line 2: No such master with specified name.');
    expect(reason(`${MONITOR}\nsentinel auth-user nope u`)).toBe('line 2: No such master with specified name.');
    expect(reason(`${MONITOR}\nsentinel auth-pass mymaster`)).toBe('line 2: Unrecognized sentinel configuration statement.');
    expect(reason(`${MONITOR}\nsentinel auth-pass mymaster a b`)).toBe('line 2: Unrecognized sentinel configuration statement.');
    expect(reason(`${MONITOR}\nsentinel sentinel-pass a b`)).toBe('line 2: Unrecognized sentinel configuration statement.');
  });
});

describe('the config rewrite (rewriteConfigSentinelOption → rewriteConfigRewriteLine, 7.0)', () => {
  const word = fc.stringMatching(/^[A-Za-z0-9!#$%&*+,./:;<=>?@^_~-]{1,16}$/);

  test('auth lines written by the rewrite read back as the same per-master pairs, and a second rewrite changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(word, { nil: undefined }), fc.option(word, { nil: undefined })), { minLength: 1, maxLength: 3 }), fc.option(word, { nil: undefined }), (pairs, sentinelPass) => {
        const monitors = pairs.map((_, i) => `sentinel monitor m${i} 127.0.0.1 ${16400 + i} 1`);
        const s = new Sentinel('127.0.0.1:26400', 'e'.repeat(40), monitors.map((l) => sentinelConfigOf(parseSentinelConfig(l))), () => 0);
        pairs.forEach(([pass, user], i) => {
          const n = s.masters.get(`m${i}`);
          if (n === undefined) throw new Error('missing master');
          n.auth_pass = pass;
          n.auth_user = user;
        });
        s.sentinel_auth_pass = sentinelPass;
        const text = rewriteSentinelConfig(`port 26400\n${monitors.join('\n')}\n`, s);
        const back = parseSentinelConfig(text);
        expect(back.masters.map((m) => [m.authPass, m.authUser])).toEqual(pairs);
        expect(back.sentinelPass).toBe(sentinelPass);
        expect(rewriteSentinelConfig(text, s)).toBe(text);
      }),
    );
  });

  test('an auth line of the user\'s is rewritten where it stands, removed when cleared, and a new one goes after the marker before the epochs', () => {
    const original = `port 26400\n${MONITOR}\nsentinel auth-pass mymaster old\nlogfile ""\n`;
    const s = sentinelOf(original);
    const n = s.masters.get('mymaster');
    if (n === undefined) throw new Error('no master');
    n.auth_pass = 'new';
    expect(rewriteSentinelConfig(original, s).split('\n').slice(0, 4)).toEqual(['port 26400', MONITOR, 'sentinel auth-pass mymaster new', 'logfile ""']);
    n.auth_pass = undefined;
    expect(rewriteSentinelConfig(original, s)).not.toContain('auth-pass');
    n.auth_user = 'alice';
    const lines = rewriteSentinelConfig(original, s).split('\n');
    const marker = lines.indexOf('# Generated by CONFIG REWRITE');
    expect(lines.slice(marker + 1, marker + 4)).toEqual([`sentinel myid ${'a1b2c3d4'.repeat(5)}`, 'sentinel auth-user mymaster alice', 'sentinel config-epoch mymaster 0']);
    s.sentinel_auth_user = 'bob';
    s.sentinel_auth_pass = 'pw';
    expect(rewriteSentinelConfig(original, s).trimEnd().split('\n').slice(-3)).toEqual(['sentinel current-epoch 0', 'sentinel sentinel-user bob', 'sentinel sentinel-pass pw']);
  });
});

describe('SENTINEL SET auth-pass / auth-user (sentinelSetCommand, 7.0)', () => {
  test('sets and clears the pair, drops the master\'s links, publishes +set with the password redacted, flushes and answers +OK', () => {
    const s = sentinelOf(MONITOR);
    const n = s.masters.get('mymaster');
    if (n === undefined) throw new Error('no master');
    const dropped: string[] = [];
    let flushes = 0;
    const c = ctx(s, { dropInstanceConnections: (name) => { dropped.push(name); }, flushConfig: () => { flushes++; return true; } });
    expect(set(c, 'mymaster', 'auth-pass', 'hunter2', 'AUTH-USER', 'alice')).toEqual([{ type: 'simple', value: 'OK' }]);
    expect([n.auth_pass, n.auth_user, dropped, flushes]).toEqual(['hunter2', 'alice', ['mymaster', 'mymaster'], 1]);
    expect(n.events.slice(-2).map((e) => sentinelEventMessage(n, e))).toEqual([
      { channel: '+set', message: 'master mymaster 127.0.0.1 16400 auth-pass ******' },
      { channel: '+set', message: 'master mymaster 127.0.0.1 16400 AUTH-USER alice' },
    ]);
    expect(set(c, 'mymaster', 'auth-pass', '', 'auth-user', '')).toEqual([{ type: 'simple', value: 'OK' }]);
    expect([n.auth_pass, n.auth_user]).toEqual([undefined, undefined]);
  });

  test('the error replies redis-sentinel 7.0.15 gives', () => {
    const s = sentinelOf(MONITOR);
    expect(set(ctx(s), 'nope', 'auth-pass', 'x')).toEqual([{ type: 'error', value: 'ERR No such master with that name' }]);
    expect(set(ctx(s), 'mymaster', 'quorumx', '1')).toEqual([{ type: 'error', value: "ERR Unknown option or number of arguments for SENTINEL SET 'quorumx'" }]);
    expect(set(ctx(s), 'mymaster', 'auth-pass')).toEqual([{ type: 'error', value: "ERR wrong number of arguments for 'sentinel|set' command" }]);
    // An option without its value: the arity passes (-5), the option loop refuses it.
    expect(set(ctx(s), 'mymaster', 'auth-pass', 'x', 'auth-user')).toEqual([{ type: 'error', value: "ERR Unknown option or number of arguments for SENTINEL SET 'auth-user'" }]);
    expect(s.masters.get('mymaster')?.auth_pass).toBe('x');
    expect(set(ctx(s, { flushConfig: () => false }), 'mymaster', 'auth-pass', 'y')).toEqual([{ type: 'error', value: 'ERR Failed to save config file. Check server logs.' }]);
    expect(set(ctx(s), 'mymaster', 'notification-script', '/bin/true')).toEqual([{ type: 'error', value: "ERR protolab's sentinel does not implement 'sentinel|set notification-script'" }]);
  });

  test('down-after-milliseconds, failover-timeout, parallel-syncs and quorum: set, each a +set event, refused unless > 0 with 7.0.15\'s text, and the C ints wrap', () => {
    const s = sentinelOf(`${MONITOR}\nsentinel down-after-milliseconds mymaster 5000\nsentinel parallel-syncs mymaster 1`);
    const n = s.masters.get('mymaster');
    if (n === undefined) throw new Error('no master');
    expect(set(ctx(s), 'mymaster', 'failover-timeout', '-1')).toEqual([{ type: 'error', value: "ERR Invalid argument '-1' for SENTINEL SET 'failover-timeout'" }]);
    expect(set(ctx(s), 'mymaster', 'Quorum', 'x')).toEqual([{ type: 'error', value: "ERR Invalid argument 'x' for SENTINEL SET 'Quorum'" }]);
    expect(set(ctx(s), 'mymaster', 'parallel-syncs', '0')).toEqual([{ type: 'error', value: "ERR Invalid argument '0' for SENTINEL SET 'parallel-syncs'" }]);
    expect(set(ctx(s), 'mymaster', 'down-after-milliseconds', '2200', 'failover-timeout', '60000', 'parallel-syncs', '3', 'quorum', '1')).toEqual([{ type: 'simple', value: 'OK' }]);
    expect(n.config).toMatchObject({ downAfterMs: 2200, failoverTimeoutMs: 60000, parallelSyncs: 3, quorum: 1 });
    expect(n.events.slice(-4).map((e) => sentinelEventMessage(n, e).message)).toEqual(['down-after-milliseconds 2200', 'failover-timeout 60000', 'parallel-syncs 3', 'quorum 1'].map((x) => `master mymaster 127.0.0.1 16400 ${x}`));
    // The file: the user's down-after line rewritten in place, the default-valued parallel-syncs line
    // replaced by the new value, failover-timeout added after the marker; back to the default, removed.
    const original = `${MONITOR}\nsentinel down-after-milliseconds mymaster 5000\nsentinel parallel-syncs mymaster 1\n`;
    const text = rewriteSentinelConfig(original, s);
    expect(text.split('\n').slice(0, 3)).toEqual(['sentinel monitor mymaster 127.0.0.1 16400 1', 'sentinel down-after-milliseconds mymaster 2200', 'sentinel parallel-syncs mymaster 3']);
    expect(text).toContain('\nsentinel failover-timeout mymaster 60000\n');
    expect(parseSentinelConfig(text)).toMatchObject({ downAfterMs: 2200, failoverTimeoutMs: 60000, parallelSyncs: 3, quorum: 1 });
    expect(set(ctx(s), 'mymaster', 'down-after-milliseconds', '30000', 'quorum', '4294967297')).toEqual([{ type: 'simple', value: 'OK' }]);
    expect(n.config.quorum).toBe(1);
    expect(rewriteSentinelConfig(original, s)).not.toContain('down-after-milliseconds');
  });
});

describe('SENTINEL CONFIG SET / GET sentinel-user, sentinel-pass (sentinelConfigSetCommand, sentinelConfigGetCommand, 7.0)', () => {
  const cfg = (c: SentinelContext, ...args: string[]): RespValue[] => sentinelDispatch(c, newSentinelClient(1), ['SENTINEL', 'CONFIG', ...args]);
  /** A map reply of name → bulk value (announce-port's too: addReplyBulkLongLong). */
  const bulks = (...xs: string[]): RespValue => {
    const pairs: (readonly [RespValue, RespValue])[] = [];
    for (let i = 0; i + 1 < xs.length; i += 2) pairs.push([reply.bulk(xs[i] ?? ''), reply.bulk(xs[i + 1] ?? '')]);
    return reply.map(pairs);
  };

  test('GET lists the six parameters in sentinel.c\'s order, matching the pattern case-insensitively; SET sets, clears, flushes, then drops the sentinel links', () => {
    const s = sentinelOf(MONITOR);
    let drops = 0;
    const flushed: (string | undefined)[] = [];
    const c = ctx(s, { dropSentinelConnections: () => { drops++; }, flushConfig: () => { flushed.push(s.sentinel_auth_pass); return true; } });
    expect(cfg(c, 'GET', '*')).toEqual([bulks('resolve-hostnames', 'no', 'announce-hostnames', 'no', 'announce-ip', '', 'announce-port', '0', 'sentinel-user', '', 'sentinel-pass', '')]);
    expect(cfg(c, 'SET', 'SENTINEL-PASS', 'pw')).toEqual([{ type: 'simple', value: 'OK' }]);
    expect(cfg(c, 'get', 'SENTINEL-*')).toEqual([bulks('sentinel-user', '', 'sentinel-pass', 'pw')]);
    expect([flushed, drops]).toEqual([['pw'], 1]);
    expect(cfg(c, 'SET', 'sentinel-pass', '')).toEqual([{ type: 'simple', value: 'OK' }]);
    expect(s.sentinel_auth_pass).toBeUndefined();
    expect(cfg(c, 'GET', 'nothing')).toEqual([bulks()]);
  });

  test('the error replies redis-sentinel 7.0.15 gives', () => {
    const c = ctx(sentinelOf(MONITOR));
    const only = [{ type: 'error', value: 'ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.' }];
    expect(cfg(c, 'SET', 'nope', 'x')).toEqual([{ type: 'error', value: "ERR Invalid argument 'nope' to SENTINEL CONFIG SET" }]);
    expect(cfg(c, 'SET', 'sentinel-user')).toEqual(only);
    expect(cfg(c, 'foo', 'bar')).toEqual(only);
    expect(cfg(c, 'GET')).toEqual(only);
    expect(cfg(c)).toEqual([{ type: 'error', value: "ERR wrong number of arguments for 'sentinel|config' command" }]);
  });
});

describe('the first commands of a link (sentinelSendAuthIfNeeded, sentinelSetClientName, sentinelPingReplyCallback)', () => {
  test('a master and its replicas AUTH with the master\'s pair, other sentinels with sentinel-pass / sentinel-user', () => {
    const s = sentinelOf(`${MONITOR}\nsentinel auth-pass mymaster pw`);
    expect([sentinelAuthArgv(s, M), sentinelAuthArgv(s, R), sentinelAuthArgv(s, S), sentinelAuthArgv(s, '127.0.0.1:1')]).toEqual([['AUTH', 'pw'], ['AUTH', 'pw'], undefined, undefined]);
    const acl = sentinelOf(`sentinel sentinel-pass spw\nsentinel sentinel-user sam\n${MONITOR}\nsentinel auth-user mymaster alice\nsentinel auth-pass mymaster pw`);
    expect([sentinelAuthArgv(acl, M), sentinelAuthArgv(acl, R), sentinelAuthArgv(acl, S)]).toEqual([['AUTH', 'alice', 'pw'], ['AUTH', 'alice', 'pw'], ['AUTH', 'sam', 'spw']]);
    // A user with no password sends nothing (auth_pass NULL).
    expect(sentinelAuthArgv(sentinelOf(`${MONITOR}\nsentinel auth-user mymaster alice`), M)).toBeUndefined();
  });

  test('the connection names are sentinel-<first 8 of myid>-cmd / -pubsub', () => {
    expect([sentinelClientName('a1b2c3d4'.repeat(5), 'cmd'), sentinelClientName('0123456789'.repeat(4), 'pubsub')]).toEqual(['sentinel-a1b2c3d4-cmd', 'sentinel-01234567-pubsub']);
  });

  test('only PONG, LOADING and MASTERDOWN replies make an instance available; -NOAUTH does not', () => {
    expect(sentinelPingReplyIsValid({ type: 'simple', value: 'PONG' })).toBe(true);
    expect(sentinelPingReplyIsValid({ type: 'error', value: 'LOADING Redis is loading the dataset in memory' })).toBe(true);
    expect(sentinelPingReplyIsValid({ type: 'error', value: 'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to \'no\'.' })).toBe(true);
    expect(sentinelPingReplyIsValid({ type: 'error', value: 'NOAUTH Authentication required.' })).toBe(false);
    expect(sentinelPingReplyIsValid({ type: 'error', value: 'BUSY Redis is busy running a script.' })).toBe(false);
  });
});
