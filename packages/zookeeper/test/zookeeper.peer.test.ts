// Against a real ZooKeeper 3.8 ensemble (Debian package `zookeeper`, Java 17): three servers on
// 127.0.0.1 started one at a time; the leader read with the `srvr` four-letter word must be
// the one our simulation elects for the same start order. Then one follower is stopped, the
// leader logs transactions, the follower comes back, and the sync decision the real leader logs
// ("Synchronizing with Learner ... Sending DIFF zxid=...") must be what syncFollower decides.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describePeer, freePort, startServer, type PeerServer } from '@protolab/testkit';
import { Ensemble, parseZxid, syncFollower, zxidToHex, type Zxid } from '@protolab/zookeeper';
import { MiniZkClient, srvr } from './zk-client.js';

const CLASSPATH = ['/etc/zookeeper/conf', '/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-log4j12.jar', '/usr/share/java/log4j-1.2.jar'].join(':');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describePeer('java', 'real ZooKeeper 3.8 ensemble on 127.0.0.1 (peer)', (java) => {
  const root = mkdtempSync(join(tmpdir(), 'protolab-zk-'));
  const running = new Map<number, PeerServer>();
  let ports: { client: number; quorum: number; election: number }[] = [];

  afterAll(async () => {
    for (const s of running.values()) await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function start(sid: number): Promise<PeerServer> {
    const dir = join(root, `s${sid}`);
    const p = ports[sid - 1]!;
    const server = await startServer({
      name: `zookeeper-${sid}`,
      command: java,
      port: p.client,
      dir,
      timeoutMs: 60_000,
      args: () => ['-Xmx128m', '-Dzookeeper.root.logger=INFO,CONSOLE', '-Dlog4j.configuration=file:/etc/zookeeper/conf/log4j.properties', '-cp', CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dir, 'zoo.cfg')],
    });
    running.set(sid, server);
    // Like the reference's runs: wait until it has entered the election.
    await until(`s${sid} to enter the election`, () => (server.output().includes('New election') ? true : undefined), 30_000);
    return server;
  }

  async function modes(): Promise<Record<number, string>> {
    const r: Record<number, string> = {};
    for (const [sid, p] of ports.entries()) r[sid + 1] = (await srvr(p.client))?.mode ?? 'down';
    return r;
  }

  it('three servers started 1, 2, 3 elect the same leader as the simulation (the real runs elected 2)', async () => {
    ports = [];
    for (let i = 0; i < 3; i++) ports.push({ client: await freePort(), quorum: await freePort(), election: await freePort() });
    for (let sid = 1; sid <= 3; sid++) {
      const dir = join(root, `s${sid}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'myid'), `${sid}\n`);
      const servers = ports.map((p, i) => `server.${i + 1}=127.0.0.1:${p.quorum}:${p.election}`).join('\n');
      writeFileSync(
        join(dir, 'zoo.cfg'),
        `tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=${dir}\nclientPort=${ports[sid - 1]!.client}\nclientPortAddress=127.0.0.1\n` +
          `4lw.commands.whitelist=srvr\nadmin.enableServer=false\n${servers}\n`,
      );
    }
    for (const sid of [1, 2, 3]) {
      await start(sid);
      await sleep(3000);
    }
    const real = await until('a leader (srvr Mode: leader)', async () => {
      const m = await modes();
      const leaders = Object.entries(m).filter(([, mode]) => mode === 'leader');
      return leaders.length === 1 && Object.values(m).every((x) => x === 'leader' || x === 'follower') ? Number(leaders[0]![0]) : undefined;
    }, 60_000);

    const sim = new Ensemble({ n: 3, seed: 1 });
    for (const sid of [1, 2, 3]) {
      sim.start(sid);
      sim.runFor(3000);
    }
    sim.runUntil((e) => e.stable());
    expect(real).toBe(sim.leader());
    expect(real).toBe(2);
  }, 110_000);

  it('a follower that missed writes gets the DIFF that syncFollower computes from the leader\'s logged state', async () => {
    const all = await modes();
    const leader = Number(Object.entries(all).find(([, m]) => m === 'leader')![0]);
    const follower = [1, 2, 3].find((s) => s !== leader)!;
    // One write while everyone is up, so the follower's last zxid is a real txn (a follower at
    // zxid 0 gets SNAP: the leader's txn log starts after it).
    const client = await MiniZkClient.connect(ports[leader - 1]!.client);
    await client.create('/protolab-first', 'x');
    await until(`s${follower} to apply it`, async () => ((await srvr(ports[follower - 1]!.client))?.zxid ?? 0n) >= 0x100000002n ? true : undefined, 20_000);
    await running.get(follower)!.stop();
    running.delete(follower);
    const zxids: Zxid[] = [];
    for (let i = 0; i < 5; i++) zxids.push(await client.create(`/protolab-${i}`, `v${i}`));
    await client.close();
    const leaderServer = running.get(leader)!;
    await start(follower);
    await until(`s${follower} to follow`, async () => ((await srvr(ports[follower - 1]!.client))?.mode === 'follower' ? true : undefined), 60_000);
    // The leader's output keeps its last 20 000 characters; the newest sync line is ours.
    const whole = leaderServer.output();
    const marker = `Synchronizing with Learner sid: ${follower} `;
    const log = whole.slice(whole.lastIndexOf(marker));
    const m = new RegExp(`Synchronizing with Learner sid: ${follower} maxCommittedLog=(0x[0-9a-f]+) minCommittedLog=(0x[0-9a-f]+) lastProcessedZxid=(0x[0-9a-f]+) peerLastZxid=(0x[0-9a-f]+)`).exec(log);
    expect(m, whole.slice(-4000)).not.toBeNull();
    const [max, min, lastProcessed, peer] = [m![1]!, m![2]!, m![3]!, m![4]!].map(parseZxid) as [Zxid, Zxid, Zxid, Zxid];
    const sent = /Sending (DIFF|TRUNC) zxid=(0x[0-9a-f]+) {1,2}for peer sid: (\d+)/.exec(log.slice(m!.index));
    const snap = log.slice(m!.index).includes('Sending snapshot');
    // The committedLog holds every txn from min to max: all of epoch(max), counters contiguous.
    const committedLog: Zxid[] = [];
    for (let z = min; z <= max; z++) committedLog.push(z);
    const ours = syncFollower({ peerLastZxid: peer, lastProcessedZxid: lastProcessed, committedLog, txnLog: { zxids: committedLog, withinSizeLimit: true } });
    expect(snap).toBe(false);
    expect(sent?.[1]).toBe('DIFF');
    expect(ours.syncMode).toBe('DIFF');
    expect(zxidToHex(ours.packets[0]!.zxid)).toBe(sent![2]);
    // Our own creates are among the proposals the leader queued for the follower.
    const proposed = ours.packets.filter((p) => p.type === 'PROPOSAL').map((p) => p.zxid);
    for (const z of zxids) expect(proposed).toContain(z);
  }, 110_000);
});
