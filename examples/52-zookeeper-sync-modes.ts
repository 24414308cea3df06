// ZooKeeper follower sync: LearnerHandler.syncFollower picks DIFF, TRUNC or SNAP; three followers, one of each
// Run alone: npx tsx examples/52-zookeeper-sync-modes.ts   (or: npm run example -- 52)
import { Ensemble, makeZxid, syncFollower, zxidToHex, type EnsembleEvent } from '@protolab/zookeeper';

const z = makeZxid;
const fmt = (r: ReturnType<typeof syncFollower>): string =>
  `${r.syncMode.padEnd(5)} ${r.reason.padEnd(22)} packets: ${r.packets.map((p) => `${p.type} ${zxidToHex(p.zxid)}`).join(', ')}   startForwarding ${zxidToHex(r.startForwardingZxid)}`;

console.log('1. The pure decision (leader: committedLog (1,1)..(1,5), lastProcessedZxid (2,0), txn log (1,1)..(1,5)):');
const leaderDb = { lastProcessedZxid: z(2, 0), committedLog: [1, 2, 3, 4, 5].map((c) => z(1, c)), txnLog: { zxids: [1, 2, 3, 4, 5].map((c) => z(1, c)), withinSizeLimit: true } };
for (const [what, peer] of [
  ['peer in sync at (2,0)', z(2, 0)],
  ['peer behind at (1,3)', z(1, 3)],
  ['peer with uncommitted (1,7)', z(1, 7)],
  ['new peer at 0', 0n],
  ['peer (0,9) from an older epoch', z(0, 9)],
] as const) {
  console.log(`   ${what.padEnd(32)} -> ${fmt(syncFollower({ ...leaderDb, peerLastZxid: peer }))}`);
}

console.log('\n2. The same decisions made by a running leader (3 servers, seeded simulation):');
const lastSync = (e: Ensemble, sid: number): EnsembleEvent['event'] => e.events.filter((x) => x.event.type === 'syncSent' && x.event.learner === sid).at(-1)!.event;
const print = (label: string, ev: EnsembleEvent['event']): void => {
  if (ev.type !== 'syncSent') return;
  console.log(`   ${label.padEnd(58)} ${ev.mode.padEnd(5)} (${ev.reason}, peerLastZxid ${zxidToHex(ev.peerLastZxid)}): ${ev.packets.slice(0, 4).join(', ')}${ev.packets.length > 4 ? `, … (${ev.packets.length} packets)` : ''}`);
};

// DIFF: a follower misses 13 writes while down.
{
  const e = new Ensemble({ n: 3, seed: 1 });
  e.startAll();
  e.runUntil((x) => x.stable());
  const l = e.leader()!;
  const f = [1, 2, 3].find((s) => s !== l)!;
  for (let i = 0; i < 2; i++) e.write(`x${i}`);
  e.runFor(1000);
  e.stop(f);
  for (let i = 0; i < 13; i++) e.write(`y${i}`);
  e.runFor(1000);
  e.start(f);
  e.runUntil((x) => x.stable());
  print(`DIFF: s${f} was down for 13 writes`, lastSync(e, f));
}

// TRUNC: the old leader logged a proposal that was never committed, then lost its quorum.
{
  const e = new Ensemble({ n: 3, seed: 1 });
  e.startAll();
  e.runUntil((x) => x.stable());
  const old = e.leader()!;
  for (let i = 0; i < 4; i++) e.write(`c${i}`);
  e.runFor(1000);
  e.isolate(old);
  e.write('never committed', old);
  e.runFor(30_000);
  console.log(`   (s${old} isolated after logging ${zxidToHex(e.durableLog(old).at(-1)!.zxid)}; s${e.leader()} now leads epoch ${e.epochs(e.leader()!).currentEpoch})`);
  e.heal();
  e.runUntil((x) => x.stable());
  print(`TRUNC: old leader s${old} rejoins with an uncommitted proposal`, lastSync(e, old));
  console.log(`   s${old}'s log now ends at ${zxidToHex(e.durableLog(old).at(-1)!.zxid)}`);
}

// SNAP: a brand-new server (zxid 0) joins a leader whose txn log starts at (1,1).
{
  const e = new Ensemble({ n: 3, seed: 4 });
  e.start(1);
  e.start(2);
  e.runUntil((x) => x.leader() !== undefined);
  for (let i = 0; i < 5; i++) e.write(`s${i}`);
  e.runFor(1000);
  e.start(3);
  e.runUntil((x) => x.stable());
  print('SNAP: new server s3 joins after 5 writes', lastSync(e, 3));
}
