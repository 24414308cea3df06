// BITOP in a cluster (redis/redis src/bitops.c bitopCommand, cluster.c getNodeByQuery): it is a
// data command of the keyspace's table, so a node runs it when all its keys (the destination and
// every source) hash to one slot it owns, and answers CROSSSLOT / MOVED as for any other command.
import { expect, it } from 'vitest';
import { type Arg, ClusterNode, type ClusterNodeInfo, keyHashSlot, newConnection, SlotMap } from '@protolab/redis-cluster';
import { show } from './show.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const infos: ClusterNodeInfo[] = [
  { id: A, ip: '127.0.0.1', port: 7000, role: 'master', replicationOffset: 1, health: 'online' },
  { id: B, ip: '127.0.0.1', port: 7001, role: 'master', replicationOffset: 1, health: 'online' },
];
const slots = SlotMap.evenly([A, B]);
const node = new ClusterNode({ id: A, nodes: infos, slots, now: () => 1_000_000 });
function run(...argv: Arg[]): unknown {
  const out = node.execute(conn, argv);
  if (!('reply' in out)) throw new Error('unexpected MIGRATE job');
  return show(out.reply);
}
const conn = newConnection();

it('BITOP runs on a node when destination and sources share a slot it owns, and its result is readable there', () => {
  expect(run('SET', '{b}x', 'foobar')).toBe('+OK');
  expect(run('SET', '{b}y', 'abcdef')).toBe('+OK');
  expect(run('BITOP', 'AND', '{b}d', '{b}x', '{b}y')).toBe(6);
  expect(run('GET', '{b}d')).toBe('`bc`ab');
  expect(run('BITCOUNT', '{b}d')).toBe(17); // 0x60 0x62 0x63 0x60 0x61 0x62: 2+3+4+2+3+3
  expect(run('BITOP', 'NOT', '{b}d', '{b}missing')).toBe(0);
  expect(run('EXISTS', '{b}d')).toBe(0);
});

it('BITOP over keys of different slots is CROSSSLOT, and over keys another node owns is MOVED', () => {
  expect(run('BITOP', 'OR', '{b}d', '{b}x', 'other')).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
  expect(run('BITOP', 'OR', 'foo', 'foo')).toBe(`-MOVED ${keyHashSlot('foo')} 127.0.0.1:7001`);
});
