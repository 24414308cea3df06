/**
 * latency.c (Redis 7.0) on a virtual clock: latency-monitor-threshold, the "command" and
 * "fast-command" events call() samples, LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR /
 * HISTOGRAM / HELP, and INFO stats' fields in 7.0's order.
 */
import { describe, expect, test } from 'vitest';
import { clockHarness } from './clock-harness.js';
import { LatencyMonitor, LATENCY_TS_LEN, latencyGraph } from '../src/latency.js';

const MS = 1000;

describe('latency-monitor-threshold and the events call() records', () => {
  test('with the threshold 0 (the default) nothing is recorded, however slow the command', () => {
    const h = clockHarness();
    h.connect(1);
    h.slow('lrange', 500 * MS);
    expect(h.send(1, 'CONFIG GET latency-monitor-threshold\r\n')).toBe('*2\r\n$25\r\nlatency-monitor-threshold\r\n$1\r\n0\r\n');
    h.send(1, 'LRANGE l 0 -1\r\n');
    expect(h.send(1, 'LATENCY LATEST\r\n')).toBe('*0\r\n');
  });

  test('a command at or over the threshold is sampled as "command", a fast one as "fast-command"; under it, not', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'CONFIG SET latency-monitor-threshold 10\r\n');
    h.slow('lrange', 20 * MS); // not flagged fast
    h.slow('get', 10 * MS); // flagged fast, exactly the threshold
    h.slow('echo', 9 * MS); // under the threshold
    h.send(1, 'LRANGE l 0 -1\r\nGET a\r\nECHO x\r\n');
    const sec = Math.floor(h.srv.nowMs() / 1000);
    expect(h.send(1, 'LATENCY LATEST\r\n')).toBe(`*2\r\n*4\r\n$7\r\ncommand\r\n:${sec}\r\n:20\r\n:20\r\n*4\r\n$12\r\nfast-command\r\n:${sec}\r\n:10\r\n:10\r\n`);
  });

  test('one sample per second per event: a later one in the same second keeps the larger latency; the max is all-time', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'CONFIG SET latency-monitor-threshold 1\r\n');
    h.slow('lrange', 5 * MS);
    h.send(1, 'LRANGE l 0 -1\r\n');
    const s1 = Math.floor(h.srv.nowMs() / 1000);
    h.slow('lrange', 30 * MS); // 35 ms in all now, still within the same second
    h.send(1, 'LRANGE l 0 -1\r\n');
    expect(Math.floor(h.srv.nowMs() / 1000)).toBe(s1);
    h.advanceUs(2_000_000);
    h.srv.serverCommands.delete('lrange');
    h.slow('lrange', 2 * MS);
    h.send(1, 'LRANGE l 0 -1\r\n');
    const s2 = Math.floor(h.srv.nowMs() / 1000);
    expect(h.send(1, 'LATENCY HISTORY command\r\n')).toBe(`*2\r\n*2\r\n:${s1}\r\n:35\r\n*2\r\n:${s2}\r\n:2\r\n`);
    expect(h.send(1, 'LATENCY LATEST\r\n')).toBe(`*1\r\n*4\r\n$7\r\ncommand\r\n:${s2}\r\n:2\r\n:35\r\n`);
    // HISTORY names an event exactly (dictFetchValue); an unknown one is an empty array.
    expect(h.send(1, 'LATENCY HISTORY COMMAND\r\n')).toBe('*0\r\n');
  });

  test('the ring keeps LATENCY_TS_LEN (160) samples, oldest first', () => {
    const lm = new LatencyMonitor();
    lm.threshold = 1;
    for (let t = 1; t <= 200; t++) lm.addSampleIfNeeded('e', t, 1000 + t);
    const ts = lm.events.get('e');
    expect(ts).toBeDefined();
    if (ts === undefined) return;
    const samples = LatencyMonitor.samples(ts);
    expect(samples.length).toBe(LATENCY_TS_LEN);
    expect(samples[0]).toEqual({ time: 1041, latency: 41 });
    expect(samples.at(-1)).toEqual({ time: 1200, latency: 200 });
    expect(ts.max).toBe(200);
  });

  test('LATENCY RESET: all events, or the named ones in any case; the reply counts what was dropped', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'CONFIG SET latency-monitor-threshold 1\r\n');
    h.slow('lrange', 5 * MS);
    h.slow('get', 5 * MS);
    h.send(1, 'LRANGE l 0 -1\r\nGET a\r\n');
    expect(h.send(1, 'LATENCY RESET COMMAND nosuch\r\n')).toBe(':1\r\n');
    expect(h.send(1, 'LATENCY RESET\r\n')).toBe(':1\r\n');
    expect(h.send(1, 'LATENCY RESET\r\n')).toBe(':0\r\n');
    // CONFIG RESETSTAT does not touch the latency monitor.
    h.send(1, 'GET a\r\nCONFIG RESETSTAT\r\n');
    expect(h.send(1, 'LATENCY LATEST\r\n')).toMatch(/^\*1\r\n/);
  });
});

describe('LATENCY GRAPH, DOCTOR, HELP and the errors', () => {
  test('GRAPH draws sparkline.c\'s 4 rows and the age labels, as redis-server 7.0.15 does for one 20 ms sample', () => {
    const lm = new LatencyMonitor();
    lm.threshold = 1;
    lm.addSampleIfNeeded('command', 20, 5000);
    const ts = lm.events.get('command');
    if (ts === undefined) throw new Error('no series');
    // The real server's reply for one sample taken 0 s ago.
    expect(latencyGraph('command', ts, 5000)).toBe(`command - high 20 ms, low 20 ms (all time high 20 ms)\n${'-'.repeat(80)}\n \n \n \n_\n \n0\ns\n`);
  });

  test('GRAPH of rising samples fills the columns with _ o # and |, labels in seconds and minutes', () => {
    const lm = new LatencyMonitor();
    lm.threshold = 1;
    lm.addSampleIfNeeded('command', 10, 1000);
    lm.addSampleIfNeeded('command', 20, 1030);
    lm.addSampleIfNeeded('command', 40, 1090);
    const ts = lm.events.get('command');
    if (ts === undefined) throw new Error('no series');
    // steps = 12; relvals 0, 10, 30 of 30 → steps 0, 4, 11 (sparklineRenderRange with SPARKLINE_FILL).
    const rows = latencyGraph('command', ts, 1100).split('\n').slice(2);
    // Ages 100 s, 70 s, 10 s: labels 1m, 1m, 10s, one character per row under a blank margin row.
    expect(rows).toEqual(['  #', '  |', ' o|', '_||', '   ', '111', 'mm0', '  s', '']);
  });

  test('GRAPH of an unknown event is an error; DOCTOR says monitoring is off, then reports the events', () => {
    const h = clockHarness();
    h.connect(1);
    expect(h.send(1, 'LATENCY GRAPH command\r\n')).toBe("-ERR No samples available for event 'command'\r\n");
    expect(h.send(1, 'LATENCY DOCTOR\r\n')).toMatch(/monitoring is off/);
    h.send(1, 'CONFIG SET latency-monitor-threshold 5\r\n');
    expect(h.send(1, 'LATENCY DOCTOR\r\n')).toMatch(/No event reached the latency-monitor-threshold of 5 ms/);
    h.slow('lrange', 8 * MS);
    h.send(1, 'LRANGE l 0 -1\r\n');
    const doctor = h.send(1, 'LATENCY DOCTOR\r\n');
    expect(doctor).toMatch(/1\. command: 1 sample\(s\), average 8 ms, mean deviation 0 ms, one every 1\.00 s, highest ever 8 ms\./);
    expect(doctor).toMatch(/SLOWLOG GET/);
    // RESP3: a verbatim string.
    expect(h.send(1, 'HELLO 3\r\nLATENCY DOCTOR\r\n')).toMatch(/=\d+\r\ntxt:Latency events recorded/);
  });

  test('HELP, an unknown subcommand, and the subcommands\' arities (rejected, as processCommand checks them)', () => {
    const h = clockHarness();
    h.connect(1);
    const help = h.send(1, 'LATENCY HELP\r\n');
    expect(help.startsWith('*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n')).toBe(true);
    expect(help).toMatch(/\+HISTOGRAM \[COMMAND \.\.\.\]\r\n/);
    expect(h.send(1, 'LATENCY foo\r\n')).toBe("-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n");
    expect(h.send(1, 'LATENCY HISTORY\r\n')).toBe("-ERR wrong number of arguments for 'latency|history' command\r\n");
    expect(h.send(1, 'LATENCY\r\n')).toBe("-ERR wrong number of arguments for 'latency' command\r\n");
    expect(h.info(1, 'commandstats').get('cmdstat_latency|history')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect(h.send(1, 'COMMAND INFO latency\r\n')).toMatch(/latency\|histogram/);
  });
});

describe('LATENCY HISTOGRAM (server.c fillCommandCDF)', () => {
  test('a map per command of calls and histogram_usec (µs bucket → cumulative count), in RESP2 and RESP3', () => {
    const h = clockHarness();
    h.connect(1);
    h.slow('lpush', 8);
    h.send(1, 'LPUSH l a\r\n');
    h.srv.serverCommands.delete('lpush');
    h.slow('lpush', 27);
    h.send(1, 'LPUSH l b\r\n');
    expect(h.send(1, 'LATENCY HISTOGRAM lpush\r\n')).toBe('*2\r\n$5\r\nlpush\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n*4\r\n:8\r\n:1\r\n:33\r\n:2\r\n');
    expect(h.send(1, 'HELLO 3\r\n')).toMatch(/proto/);
    expect(h.send(1, 'LATENCY HISTOGRAM LPUSH nosuch\r\n')).toBe('%1\r\n$5\r\nlpush\r\n%2\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n%2\r\n:8\r\n:1\r\n:33\r\n:2\r\n');
  });

  test('no argument: every command with a histogram; a container name: its subcommands; a name twice: twice', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'SET a 1\r\nCONFIG GET hz\r\nCONFIG SET hz 10\r\n');
    const all = h.send(1, 'LATENCY HISTOGRAM\r\n');
    expect([...all.matchAll(/\$\d+\r\n([a-z|]+)\r\n\*4\r\n\$5\r\ncalls/g)].map((m) => m[1])).toEqual(['set', 'config|get', 'config|set']);
    const config = h.send(1, 'LATENCY HISTOGRAM config\r\n');
    expect([...config.matchAll(/\$\d+\r\n([a-z|]+)\r\n\*4\r\n\$5\r\ncalls/g)].map((m) => m[1])).toEqual(['config|get', 'config|set']);
    expect(h.send(1, 'LATENCY HISTOGRAM set SET\r\n')).toMatch(/^\*4\r\n\$3\r\nset\r\n.*\$3\r\nset\r\n/s);
  });
});

describe('INFO stats: 7.0\'s fields in 7.0\'s order', () => {
  /** The field names of redis-server 7.0.15's `INFO stats`, in order (then protolab's two 7.2-named extras). */
  const FIELDS_7_0 = [
    'total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'total_net_input_bytes', 'total_net_output_bytes',
    'total_net_repl_input_bytes', 'total_net_repl_output_bytes', 'instantaneous_input_kbps', 'instantaneous_output_kbps',
    'instantaneous_input_repl_kbps', 'instantaneous_output_repl_kbps', 'rejected_connections', 'sync_full', 'sync_partial_ok', 'sync_partial_err',
    'expired_keys', 'expired_stale_perc', 'expired_time_cap_reached_count', 'expire_cycle_cpu_milliseconds', 'evicted_keys', 'evicted_clients',
    'total_eviction_exceeded_time', 'current_eviction_exceeded_time', 'keyspace_hits', 'keyspace_misses', 'pubsub_channels', 'pubsub_patterns',
    'pubsubshard_channels', 'latest_fork_usec', 'total_forks', 'migrate_cached_sockets', 'slave_expires_tracked_keys', 'active_defrag_hits',
    'active_defrag_misses', 'active_defrag_key_hits', 'active_defrag_key_misses', 'total_active_defrag_time', 'current_active_defrag_time',
    'tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes', 'unexpected_error_replies', 'total_error_replies',
    'dump_payload_sanitizations', 'total_reads_processed', 'total_writes_processed', 'io_threaded_reads_processed',
    'io_threaded_writes_processed', 'reply_buffer_shrinks', 'reply_buffer_expands',
  ];

  test('every field of 7.0, in its order, then the two disconnection counters', () => {
    const h = clockHarness();
    h.connect(1);
    expect([...h.info(1, 'stats').keys()]).toEqual([...FIELDS_7_0, 'client_output_buffer_limit_disconnections', 'client_query_buffer_limit_disconnections']);
  });

  test('reads and writes processed count the adapter\'s data() calls and the writes handed back; kbps from serverCron samples', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'SET a 1\r\n');
    h.send(1, 'GET a\r\nGET a\r\n');
    const st = h.info(1, 'stats');
    expect(st.get('total_reads_processed')).toBe('3'); // the INFO's read too
    expect(st.get('total_writes_processed')).toBe('2'); // the INFO's write comes after
    expect(st.get('instantaneous_input_kbps')).toBe('0.00');
    // 16 samples of 100 ms: 10240 bytes read in 100 ms is 100 KiB/s in one slot of 16 → 6.25.
    const k = clockHarness();
    k.connect(1);
    k.advanceUs(100_000);
    k.srv.tick();
    k.send(1, `SET b ${'x'.repeat(10240 - 'SET b \r\n'.length)}\r\n`);
    expect(k.srv.stats.totalNetInputBytes).toBe(10240);
    k.advanceUs(100_000);
    k.srv.tick();
    expect(k.info(1, 'stats').get('instantaneous_input_kbps')).toBe('6.25');
  });

  test('a unit registers a field it counts (srv.stats.provided): sync_full from the replication unit, total_forks …', () => {
    const h = clockHarness();
    h.connect(1);
    let syncs = 0;
    h.srv.stats.provided.set('sync_full', () => syncs);
    syncs = 3;
    expect(h.info(1, 'stats').get('sync_full')).toBe('3');
    expect(h.info(1, 'stats').get('total_forks')).toBe('0');
  });
});

describe('INFO stats fields another unit counts', () => {
  test('sync_full / sync_partial_ok / sync_partial_err are the replication unit\'s (replication.c stat_sync_*)', async () => {
    const { ReplPump } = await import('./replication-pump.js');
    const net = new ReplPump();
    const m = net.add(6379, {});
    net.add(6380, {});
    const before = infoStats(m.srv);
    expect([before.get('sync_full'), before.get('sync_partial_ok'), before.get('sync_partial_err')]).toEqual(['0', '0', '0']);
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    const after = infoStats(m.srv);
    // The replica's first PSYNC carries its own replid (replicationCacheMasterUsingMyself): refused, a
    // partial error, then the full sync — what the replication unit counts (replication.test.ts).
    expect([after.get('sync_full'), after.get('sync_partial_ok'), after.get('sync_partial_err')]).toEqual(['1', '0', '1']);
  });

  test('total_forks counts the BGSAVE and BGREWRITEAOF children the persistence unit starts (server.stat_total_forks)', async () => {
    const { persistentHarness } = await import('./persistence-harness.js');
    const h = persistentHarness({ save: [] });
    expect(h.cmd('INFO stats')).toMatch(/\r\ntotal_forks:0\r\n/);
    expect(h.cmd('BGSAVE')).toBe('+Background saving started\r\n');
    h.advance(10);
    h.tick();
    expect(h.cmd('BGREWRITEAOF')).toMatch(/^\+Background append only file rewriting/);
    h.advance(10);
    h.tick();
    expect(h.cmd('INFO stats')).toMatch(/\r\ntotal_forks:2\r\n/);
  });
});

/** INFO stats of a server, read through its own INFO command. */
function infoStats(srv: import('../src/index.js').RedisServer): Map<string, string> {
  srv.connect(99);
  const out = srv.data(99, Buffer.from('INFO stats\r\n'));
  srv.close(99);
  const text = out.map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString('latin1') : '')).join('');
  return new Map(text.split('\r\n').filter((l) => l.includes(':') && !l.startsWith('$')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}
