import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { formatValue } from '@protolab/resp';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { deliverEvent, newSentinelClient, sentinelDispatch, sentinelEventMessage, SentinelNode, type SentinelClient, type SentinelMsg } from '../src/index.js';

/**
 * Runner of test/transcripts/sentinel-commands.txt: one sentinel core (mymaster at 10.0.0.1:6379,
 * quorum 1, down-after 5000 ms, failover-timeout 10000 ms, no jitter) and its clients, in virtual
 * milliseconds. Commands:
 *   tick T                          the sentinel's timer at T; prints what it sends (PING/INFO/…)
 *   run T                           the timer every 1000 ms from the last tick until T; prints the events only
 *   pong ADDR T                     ADDR answers PING at T
 *   info ADDR T role=R [master=A] [offset=N] [slaves=A,B]   ADDR answers INFO at T
 *   client NAME T ARGV…             client NAME sends ARGV at T; prints the replies as redis-cli
 * Every event the core raises is printed as `event <channel> <message>` (sentinelEvent's Pub/Sub
 * form) and, for each subscribed client, as the message it receives.
 */
function runner(): (cmd: TranscriptCommand) => string {
  const core = new SentinelNode('10.0.0.9:26379', 'e'.repeat(40), { masterName: 'mymaster', masterAddr: '10.0.0.1:6379', quorum: 1, downAfterMs: 5000, failoverTimeoutMs: 10000 }, () => 0);
  const clients = new Map<string, SentinelClient>();
  let out: string[] = [];
  core.onEvent = (text) => {
    const { channel, message } = sentinelEventMessage(core, text);
    out.push(`event ${channel} ${message}`);
    for (const [name, c] of clients) {
      for (const v of deliverEvent(c, channel, message)) out.push(`${name} receives ${formatValue(v).split('\n').join(' ')}`);
    }
  };
  const feed = (from: string, msg: SentinelMsg, t: number): void => {
    for (const o of core.onMessage(from, msg, t)) out.push(`→ ${o.to} ${o.msg.type}`);
  };
  let last = 0;
  return (cmd) => {
    out = [];
    const [a = '', b = '', ...rest] = cmd.args;
    switch (cmd.name) {
      case 'tick':
        last = Number(a);
        for (const o of core.tick(last)) out.push(`→ ${o.to} ${o.msg.type}${o.msg.type === 'REPLICAOF' ? ` ${o.msg.host ?? 'NO ONE'}` : ''}`);
        break;
      case 'run':
        while (last + 1000 <= Number(a)) core.tick((last += 1000));
        break;
      case 'pong':
        feed(a, { type: 'PONG' }, Number(b));
        break;
      case 'info': {
        const kv = new Map(rest.map((w) => w.split('=') as [string, string]));
        const role = kv.get('role') === 'slave' ? 'slave' : 'master';
        feed(a, { type: 'INFO_REPLY', info: { runid: a === '10.0.0.1:6379' ? 'm'.repeat(40) : 'r'.repeat(40), role, master_host: kv.get('master'), slave_repl_offset: Number(kv.get('offset') ?? '0'), slave_priority: 100, slaves: (kv.get('slaves') ?? '').split(',').filter((s) => s !== ''), master_link_down_time: 0 } }, Number(b));
        break;
      }
      case 'client': {
        let c = clients.get(a);
        if (c === undefined) clients.set(a, (c = newSentinelClient(clients.size + 1)));
        const ctx = { core, nowMs: Number(b), process: { run_id: 'c'.repeat(40), tcp_port: 26379, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => clients.size } };
        for (const v of sentinelDispatch(ctx, c, rest)) out.push(formatValue(v));
        break;
      }
      default:
        throw new Error(`unknown command ${cmd.name}`);
    }
    return out.join('\n');
  };
}

describe('SENTINEL command transcripts', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/sentinel-commands.txt', import.meta.url)), runner);
});
