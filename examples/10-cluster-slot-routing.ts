// Redis Cluster slot routing: CRC16 hash slots, hash tags, and the node that serves each key
// Run alone: npx tsx examples/10-cluster-slot-routing.ts   (or: npm run example -- 10)
import calculateSlot from 'cluster-key-slot';
import { ClusterNode, type ClusterNodeInfo, hashTag, keyHashSlot, newConnection, SlotMap, clusterSlotsReply, showReply } from '@protolab/redis-cluster';

// 1. Every key maps to one of 16384 slots: CRC-16/XMODEM of the hashed bytes, & 0x3FFF.
//    A hash tag — the bytes between the FIRST '{' and the first '}' after it, if non-empty —
//    replaces the key, so related keys can share a slot (and a node, and a MULTI).
const keys = [
  '123456789', // the CRC check string: slot 12739
  '{user1000}.following',
  '{user1000}.followers', // same tag → same slot
  'foo{}{bar}', // empty first tag = no tag: the whole key is hashed (cluster-key-slot gets this wrong)
  'foo{{bar}}zap', // the tag is "{bar"
  '{a}{b}', // only the first tag counts
  '}a{b}', // a '}' before the first '{' is ignored
  'a\ud800b', // a lone surrogate is sent as EF BF BD, like Buffer.from does
  '日本{語}',
];
// The "Redis" column is keyHashSlot, which matches CLUSTER KEYSLOT of a real redis-server 7.0
// (checked on 7 507 keys by packages/redis-cluster/test/cluster.peer.test.ts); the last column is the npm package.
console.log('key                        tag          Redis   cluster-key-slot 1.1.2');
for (const k of keys) {
  const tag = hashTag(k);
  const ours = keyHashSlot(k);
  const theirs = calculateSlot(k);
  console.log(`${JSON.stringify(k).padEnd(26)} ${JSON.stringify(tag ?? null).padEnd(12)} ${String(ours).padStart(5)}   ${theirs}${theirs === ours ? '' : `   <- cluster-key-slot is wrong here: Redis says ${ours}`}`);
}

// 2. A 3-master cluster as `redis-cli --cluster create` splits it, and what node n1 answers.
const ids = ['n1', 'n2', 'n3'];
const nodes: ClusterNodeInfo[] = ids.map((id, i) => ({ id, ip: '127.0.0.1', port: 7000 + i, role: 'master', replicationOffset: 1, health: 'online' }));
const slots = SlotMap.evenly(ids);
console.log('\nCLUSTER SLOTS:', JSON.stringify(clusterSlotsReply({ nodes, slots })));
const n1 = new ClusterNode({ id: 'n1', nodes, slots });
const conn = newConnection();
const ask = (...argv: string[]): void => {
  const out = n1.execute(conn, argv);
  console.log(`n1> ${argv.join(' ').padEnd(44)} ${'reply' in out ? showReply(out.reply) : '(migrate)'}`);
};
ask('SET', '{user1000}.following', 'alice'); // slot 3443: n1 owns 0-5460
ask('GET', '{user1000}.following');
ask('GET', 'foo'); // slot 12182 belongs to n3
ask('MGET', '{user1000}.following', '{user1000}.followers'); // one slot: fine
ask('MGET', '{user1000}.following', 'foo'); // two slots: CROSSSLOT, even though n1 owns only one
ask('CLUSTER', 'KEYSLOT', 'foo{}{bar}');
