// PFADD / PFCOUNT / PFMERGE on a cluster node: they are the keyspace's commands (hyperloglog.c),
// routed by their keys as Redis routes them — every key of PFCOUNT and PFMERGE (destination
// included) in one slot, CROSSSLOT otherwise, MOVED when the slot is another node's.
import { describe, expect, it } from 'vitest';
import { type Arg, ClusterNode, type ClusterNodeInfo, keyHashSlot, newConnection, SlotMap } from '@protolab/redis-cluster';
import { show as showReply } from './show.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const infos: ClusterNodeInfo[] = [
  { id: A, ip: '127.0.0.1', port: 7000, role: 'master', replicationOffset: 1, health: 'online' },
  { id: B, ip: '127.0.0.1', port: 7001, role: 'master', replicationOffset: 1, health: 'online' },
];

describe('ClusterNode: HyperLogLog commands execute on the keyspace', () => {
  it('PFADD, PFCOUNT and PFMERGE within one slot answer as redis-server does; keys of two slots are CROSSSLOT; another node\'s slot is MOVED', () => {
    const slots = SlotMap.evenly([A, B]);
    const a = new ClusterNode({ id: A, nodes: infos, slots, now: () => 1_000_000 });
    const c = newConnection();
    const run = (...argv: Arg[]): unknown => {
      const out = a.execute(c, argv);
      if (!('reply' in out)) throw new Error('unexpected MIGRATE job');
      return showReply(out.reply);
    };
    expect(run('PFADD', '{b}h1', 'a', 'b', 'c')).toBe(1);
    expect(run('PFADD', '{b}h2', 'c', 'd')).toBe(1);
    expect(run('PFCOUNT', '{b}h1')).toBe(3);
    expect(run('PFCOUNT', '{b}h1', '{b}h2')).toBe(4);
    expect(run('PFMERGE', '{b}m', '{b}h1', '{b}h2')).toBe('+OK');
    expect(run('PFCOUNT', '{b}m')).toBe(4);
    expect(run('PFMERGE', '{b}m', 'foo')).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
    expect(run('PFCOUNT', '{b}h1', 'foo')).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
    expect(run('PFADD', 'foo', 'x')).toBe(`-MOVED ${keyHashSlot('foo')} 127.0.0.1:7001`);
  });
});
