import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encode } from '@protolab/resp';
import { newSentinelClient, parseSentinelConfig, SentinelConfigError, sentinelDispatch, SentinelNode, type SentinelContext } from '../src/index.js';
import { SENTINEL_SCRIPT_MAX_QUEUE, SENTINEL_SCRIPT_MAX_RETRY, SENTINEL_SCRIPT_MAX_RUNNING, SentinelScripts, sentinelScriptRetryDelay } from '../src/scripts.js';

/**
 * The user scripts of redis/redis src/sentinel.c (7.0): the queue (sentinelScheduleScriptExecution,
 * sentinelRunPendingScripts, sentinelCollectTerminatedScripts, sentinelKillTimedoutScripts), which
 * events run the notification script, the client reconfiguration script's arguments, the
 * configuration lines and SENTINEL PENDING-SCRIPTS. Expected values are the test's own.
 */
describe('sentinel.c script queue', () => {
  test('at most 16 jobs run at once, oldest first; the others start as running ones end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (jobs) => {
        const q = new SentinelScripts(() => undefined);
        for (let i = 0; i < jobs; i++) q.schedule('/s', [String(i)]);
        const first = q.runPending(0);
        expect(first.map((j) => j.argv[1])).toEqual(Array.from({ length: Math.min(jobs, SENTINEL_SCRIPT_MAX_RUNNING) }, (_, i) => String(i)));
        expect(q.runPending(0)).toEqual([]); // all slots busy (or nothing left)
        const ended = first[0];
        if (ended === undefined) return;
        q.terminated(ended, 0, 0, 1);
        const next = q.runPending(1);
        expect(next.map((j) => j.argv[1])).toEqual(jobs > SENTINEL_SCRIPT_MAX_RUNNING ? [String(SENTINEL_SCRIPT_MAX_RUNNING)] : []);
      }),
    );
  });

  test('the queue never holds more than 256 jobs: the oldest one not running is dropped', () => {
    const q = new SentinelScripts(() => undefined);
    for (let i = 0; i < 10; i++) q.schedule('/s', [String(i)]);
    q.runPending(0); // 0..9 running
    for (let i = 10; i < 300; i++) q.schedule('/s', [String(i)]);
    expect(q.queue.length).toBe(SENTINEL_SCRIPT_MAX_QUEUE);
    // The running ten stay; of the 290 waiting, the 44 oldest went.
    expect(q.queue.slice(0, 10).map((j) => j.argv[1])).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    expect(q.queue[10]?.argv[1]).toBe(String(10 + 300 - 10 - (SENTINEL_SCRIPT_MAX_QUEUE - 10)));
  });

  test('exit status 1 or a signal is retried after 30 s, 60 s, 120 s … until the 10th run, which ends with -script-error; status 0 ends quietly; status 2 ends with -script-error at once', () => {
    expect([1, 2, 3, 4].map(sentinelScriptRetryDelay)).toEqual([30_000, 60_000, 120_000, 240_000]);
    const events: string[] = [];
    const q = new SentinelScripts((e) => events.push(e));
    q.schedule('/s', ['a']);
    let now = 0;
    for (let run = 1; run <= SENTINEL_SCRIPT_MAX_RETRY; run++) {
      const [job] = q.runPending(now);
      expect(job?.retry_num).toBe(run);
      if (job === undefined) return;
      q.terminated(job, run % 2 === 0 ? 0 : 1, run % 2 === 0 ? 9 : 0, now);
      if (run < SENTINEL_SCRIPT_MAX_RETRY) {
        const delay = 30_000 * 2 ** (run - 1);
        expect(q.runPending(now + delay - 1)).toEqual([]);
        now += delay;
      }
    }
    expect(q.queue).toEqual([]);
    expect(events).toEqual(['-script-error /s 9 0']);
    q.schedule('/t', []);
    const [ok] = q.runPending(0);
    if (ok !== undefined) q.terminated(ok, 0, 0, 0);
    q.schedule('/u', []);
    const [bad] = q.runPending(0);
    if (bad !== undefined) q.terminated(bad, 2, 0, 0);
    expect(events).toEqual(['-script-error /s 9 0', '-script-error /u 0 2']);
    expect(q.queue).toEqual([]);
  });

  test('a job running longer than 60 s is handed back for SIGKILL with -script-timeout', () => {
    const events: string[] = [];
    const q = new SentinelScripts((e) => events.push(e));
    q.schedule('/slow', []);
    const [job] = q.runPending(1000);
    if (job !== undefined) q.started(job, 4242);
    expect(q.timedOut(61_000)).toEqual([]);
    expect(q.timedOut(61_001).map((j) => j.pid)).toEqual([4242]);
    expect(events).toEqual(['-script-timeout /slow 4242']);
  });
});

describe('sentinel.c sentinelEvent → the notification script; sentinelCallClientReconfScript', () => {
  const M = '127.0.0.1:16400';
  const R = '127.0.0.1:16401';
  const node = (): SentinelNode => new SentinelNode('127.0.0.1:26400', 'a'.repeat(40), { masterName: 'mymaster', masterAddr: M, quorum: 1, downAfterMs: 2000, failoverTimeoutMs: 60_000, notificationScript: '/n', clientReconfigScript: '/r' }, () => 0);
  const argvs = (n: SentinelNode): string[] => n.scripts.queue.map((j) => j.argv.join(' '));

  test('WARNING events about an instance are queued with their Pub/Sub channel and message; NOTICE events and +tilt are not', () => {
    const n = node();
    n.sentinelGenerateInitialMonitorEvents();
    n.tick(0);
    n.onMessage(M, { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 } }, 0); // +slave: NOTICE
    n.tick(5000); // a 5 s gap: +tilt, which has no instance
    for (let t = 6000; t <= 40_000; t += 1000) n.tick(t); // TILT ends at 35 000, then +sdown of the silent master
    expect(n.events).toContain(`+slave slave ${R}`);
    expect(n.events).toContain('+tilt #tilt mode entered');
    expect(argvs(n).slice(0, 3)).toEqual(['/n +monitor master mymaster 127.0.0.1 16400 quorum 1', '/n +sdown master mymaster 127.0.0.1 16400', '/n +odown master mymaster 127.0.0.1 16400 #quorum 1/1']);
    expect(argvs(n).some((a) => a.includes('+slave') || a.includes('tilt'))).toBe(false);
  });

  test('the promoting sentinel runs `<script> mymaster leader start <old-ip> <old-port> <new-ip> <new-port>` at +failover-state-reconf-slaves', () => {
    const n = node();
    n.tick(0);
    n.onMessage(M, { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 } }, 0);
    for (let t = 1000; t <= 10_000; t += 1000) {
      const outs = n.tick(t);
      for (const o of outs) {
        if (o.to === R && o.msg.type === 'PING') n.onMessage(R, { type: 'PONG' }, t);
        if (o.to === R && o.msg.type === 'INFO') n.onMessage(R, { type: 'INFO_REPLY', info: { runid: 'r'.repeat(40), role: n.master.promoted_slave === R && n.master.failover_state === 'SENTINEL_FAILOVER_STATE_WAIT_PROMOTION' ? 'master' : 'slave', master_host: M, slave_repl_offset: 10, slave_priority: 100, slaves: [], master_link_down_time: 0 } }, t);
      }
    }
    expect(n.events).toContain(`+failover-state-reconf-slaves master mymaster ${M}`);
    expect(argvs(n)).toContain('/r mymaster leader start 127.0.0.1 16400 127.0.0.1 16401');
  });

  test('an observer that learns a new master address from a hello runs it with `observer`', () => {
    const n = node();
    n.tick(0);
    n.onMessage('127.0.0.1:26401', { type: 'HELLO', hello: { sentinel: '127.0.0.1:26401', runid: 'b'.repeat(40), current_epoch: 1, master_name: 'mymaster', master_addr: R, master_config_epoch: 1 } }, 100);
    expect(argvs(n)).toContain('/r mymaster observer start 127.0.0.1 16400 127.0.0.1 16401');
    expect(argvs(n)).toContain('/n +switch-master mymaster 127.0.0.1 16400 127.0.0.1 16401');
  });

  test('SENTINEL PENDING-SCRIPTS: argv, flags, pid, run-time or run-delay, retry-num, as redis-sentinel 7.0.15 writes them (recorded)', () => {
    const n = node();
    n.sentinelGenerateInitialMonitorEvents();
    const [job] = n.scripts.runPending(1000);
    if (job !== undefined) n.scripts.started(job, 13268);
    const ctx: SentinelContext = { core: n, nowMs: 3031, process: { run_id: 'c'.repeat(40), tcp_port: 26379, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => 1 } };
    const bytes = (): string => Buffer.from(sentinelDispatch(ctx, newSentinelClient(1), ['SENTINEL', 'PENDING-SCRIPTS']).map((v) => Buffer.from(encode(v)).toString('latin1')).join(''), 'latin1').toString();
    expect(bytes()).toBe('*1\r\n*10\r\n$4\r\nargv\r\n*3\r\n$2\r\n/n\r\n$8\r\n+monitor\r\n$40\r\nmaster mymaster 127.0.0.1 16400 quorum 1\r\n$5\r\nflags\r\n$7\r\nrunning\r\n$3\r\npid\r\n$5\r\n13268\r\n$8\r\nrun-time\r\n$4\r\n2031\r\n$9\r\nretry-num\r\n$1\r\n1\r\n');
    if (job !== undefined) n.scripts.terminated(job, 1, 0, 3031);
    expect(bytes()).toBe('*1\r\n*10\r\n$4\r\nargv\r\n*3\r\n$2\r\n/n\r\n$8\r\n+monitor\r\n$40\r\nmaster mymaster 127.0.0.1 16400 quorum 1\r\n$5\r\nflags\r\n$9\r\nscheduled\r\n$3\r\npid\r\n$1\r\n0\r\n$9\r\nrun-delay\r\n$5\r\n30000\r\n$9\r\nretry-num\r\n$1\r\n1\r\n');
  });
});

describe('sentinel.c sentinelHandleConfiguration: the script lines', () => {
  const base = 'port 26379\nsentinel monitor mymaster 127.0.0.1 6379 2\n';
  test('paths are kept; a missing or non-executable script and an unknown master give 7.0.15\'s FATAL texts', () => {
    const c = parseSentinelConfig(`${base}sentinel notification-script mymaster /n.sh\nsentinel client-reconfig-script mymaster /r.sh\n`, () => true);
    expect([c.notificationScript, c.clientReconfigScript]).toEqual(['/n.sh', '/r.sh']);
    const reason = (text: string): string => {
      try {
        parseSentinelConfig(text, () => false);
      } catch (e) {
        if (e instanceof SentinelConfigError) return e.reason;
      }
      return '';
    };
    expect(reason(`${base}sentinel notification-script mymaster /nonexistent/x.sh\n`)).toBe('Notification script seems non existing or non executable.');
    expect(reason(`${base}sentinel client-reconfig-script mymaster /tmp/noexec.txt\n`)).toBe('Client reconfiguration script seems non existing or non executable.');
    expect(reason('port 26379\nsentinel notification-script other /n.sh\n')).toBe('No such master with specified name.');
  });
});
