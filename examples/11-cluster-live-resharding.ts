// Redis Cluster live resharding on the simulator: a slot moves n2 -> n1 while a client reads and writes, with MOVED and ASK hops
// Run alone: npx tsx examples/11-cluster-live-resharding.ts   (or: npm run example -- 11)
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderMermaid, renderTrace } from '@protolab/sim';
import { keyHashSlot, showReply, simCluster } from '@protolab/redis-cluster';

// Three masters (n1 0-5460, n2 5461-10922, n3 10923-16383), one smart client c1 and a resharder
// ("admin") that moves a slot the way `redis-cli --cluster reshard` does:
//   SETSLOT IMPORTING on the target, SETSLOT MIGRATING on the source, GETKEYSINSLOT + MIGRATE
//   (one key per batch here, --cluster-pipeline 1), then SETSLOT NODE on every master.
const cl = simCluster({ seed: 7, masters: 3, clients: 1, link: { minDelayMs: 1, maxExtraDelayMs: 3 }, pipeline: 1 });
const slot = keyHashSlot('{user}');
console.log(`keys {user}a and {user}b live in slot ${slot}, on n2; we move it to n1.\n`);

// A slow resharder (40 ms each way to n2), so the slot stays open long enough to watch.
cl.sim.setLink('admin', 'n2', { minDelayMs: 40, maxExtraDelayMs: 0 });
cl.sim.setLink('n2', 'admin', { minDelayMs: 40, maxExtraDelayMs: 0 });
cl.command('c1', 'SET', '{user}a', 'A1');
cl.command('c1', 'SET', '{user}b', 'B1');
cl.sim.runFor(40);
cl.moveSlot(slot, 'n1');
cl.sim.runUntil(() => cl.core('n1').store.size > 0); // the first key ({user}b, the newest) arrived on n1
cl.command('c1', 'GET', '{user}b'); // gone from n2: ASK n1, then ASKING + GET on n1
cl.command('c1', 'SET', '{user}c', 'C1'); // a new key in an open slot: ASK, created on n1
cl.command('c1', 'MGET', '{user}a', '{user}b'); // one key moved, one not: TRYAGAIN, retried 100 ms later
cl.command('c1', 'GET', '{user}b'); // ASK again: ASK never updates the client's slot map
cl.sim.runFor(600);
cl.command('c1', 'GET', '{user}a'); // after SETSLOT NODE the cached owner n2 answers MOVED
cl.sim.runFor(300);

console.log('client c1, command by command:');
for (const h of cl.client('c1').history) {
  console.log(`  ${h.argv.join(' ').padEnd(26)} -> ${h.reply ? showReply(h.reply) : h.error?.message ?? ''}${h.hops.length > 0 ? `   via ${h.hops.join(' | ')}` : ''}`);
}
console.log('\nresharder:', JSON.stringify(cl.resharder().done));
const st = cl.client('c1').client.stats;
console.log(`client stats: ${st.moved} MOVED, ${st.ask} ASK, ${st.tryagain} TRYAGAIN, ${st.refreshes} CLUSTER SLOTS refreshes\n`);

// The whole run as a trace (deliveries only), and as a Mermaid sequence diagram.
console.log(renderTrace(cl.sim.trace, { kinds: ['deliver', 'drop', 'note', 'input'] }));
const mermaid = renderMermaid(cl.sim.trace.filter((e) => e.kind !== 'add'), { participants: ['c1', 'admin', 'n1', 'n2', 'n3'] });
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/11-cluster-live-resharding.mmd', import.meta.url), mermaid);
console.log(`\nMermaid sequence diagram: examples/out/11-cluster-live-resharding.mmd (${mermaid.split('\n').length} lines); the MOVED/ASK hops:`);
console.log(mermaid.split('\n').filter((l) => /: t=\d+ (-MOVED|-ASK|-TRYAGAIN|ASKING )/.test(l)).join('\n'));
