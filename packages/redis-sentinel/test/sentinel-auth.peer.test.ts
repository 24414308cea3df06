import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { RespClient, type RespValue } from '@protolab/resp';
import { describePeer, freePort, type PeerServer } from '@protolab/testkit';
import { ask, askAuth, DOWN_AFTER_MS, ourSentinel, pair, protolabSentinelBin, realSentinel, redis, stopAll, stops, str, until } from './peer-helpers.js';
import { RealSentinel, SentinelServer } from '../src/index.js';

/**
 * Password-protected deployments of real redis-server 7.0.15 (every instance with `requirepass`
 * and `masterauth`, or an ACL user and `masteruser`), watched by protolab's sentinel with
 * `sentinel auth-pass` / `auth-user`, side by side with a real redis-sentinel where the outcome can
 * be compared (sentinel.c sentinelSendAuthIfNeeded, sentinelSetCommand, sentinelPingReplyCallback,
 * 7.0). Test names in quotes are Redis's own (tests/sentinel/tests/03-runtime-reconf.tcl).
 */
afterEach(stopAll);

const PW = 'hunter2-secret';

/** The SENTINEL MASTER row as field → value. */
async function masterRow(port: number): Promise<Map<string, string>> {
  const r = await ask(port, 'SENTINEL', 'master', 'mymaster');
  const row = new Map<string, string>();
  const v = r.type === 'array' ? r.value : [];
  for (let i = 0; i + 1 < v.length; i += 2) row.set(str(v[i]), str(v[i + 1]));
  return row;
}

const flags = async (port: number): Promise<string> => (await masterRow(port)).get('flags') ?? '';

async function replicaFlags(port: number): Promise<string[]> {
  const r = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
  return r.type === 'array' ? r.value.map((row) => (row.type === 'array' ? str(row.value[9]) : '')) : [];
}

/** A master and `n` replicas; `auth` is what a client (and a replica, as masteruser / masterauth) sends. */
async function secured(n: number, acl: boolean): Promise<{ master: PeerServer; replicas: PeerServer[]; auth: string[] }> {
  const protect = acl ? ['--user', 'alice', 'on', `>${PW}`, '~*', '&*', '+@all', '--user', 'default', 'off', '--masteruser', 'alice', '--masterauth', PW] : ['--requirepass', PW, '--masterauth', PW];
  const auth = acl ? ['alice', PW] : [PW];
  const master = await redis(protect);
  const replicas: PeerServer[] = [];
  for (let i = 0; i < n; i++) replicas.push(await redis([...protect, '--replicaof', '127.0.0.1', String(master.port)]));
  for (const r of replicas) await until('replica link up', async () => str(await askAuth(r.port, auth, 'INFO', 'replication')).includes('master_link_status:up'));
  return { master, replicas, auth };
}

/** Every event a `PSUBSCRIBE *` client of the sentinel receives, as `<channel> <message>`. */
async function allEvents(port: number): Promise<string[]> {
  const c = await RespClient.connect(port, '127.0.0.1', { replyTimeoutMs: 0 });
  stops.push(() => c.close());
  const seen: string[] = [];
  c.onPush((v: RespValue) => {
    if ((v.type === 'array' || v.type === 'push') && str(v.value[0]) === 'pmessage') seen.push(`${str(v.value[2])} ${str(v.value[3])}`);
  });
  await c.call('PSUBSCRIBE', '*');
  return seen;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describePeer('redis-sentinel', 'sentinel auth-pass / auth-user against password-protected redis-server 7.0.15', (bin) => {
  test('with auth-pass: the replicas are discovered, a healthy master never goes +sdown, the links are named, and a fail-over promotes a replica that keeps serving authenticated clients', async () => {
    const { master, replicas, auth } = await secured(2, false);
    const [a, b] = replicas as [PeerServer, PeerServer];
    const ours = await ourSentinel(master.port, 10_000, 1, { authPass: PW });
    const seen = await allEvents(ours.port);
    await until('both replicas known', async () => (await replicaFlags(ours.port)).length === 2);
    await sleep(3 * DOWN_AFTER_MS);
    expect(seen.filter((e) => e.startsWith('+sdown'))).toEqual([]);
    expect(await flags(ours.port)).toBe('master');
    expect(await replicaFlags(ours.port)).toEqual(['slave', 'slave']);
    // sentinelSetClientName after the AUTH: both links named sentinel-<myid[0..8]>-cmd / -pubsub.
    const names = str(await askAuth(master.port, auth, 'CLIENT', 'LIST')).split('\n').map((l) => /name=(\S*)/.exec(l)?.[1] ?? '').filter((x) => x.startsWith('sentinel-'));
    expect(names.sort()).toEqual(['sentinel-a1a1a1a1-cmd', 'sentinel-a1a1a1a1-pubsub']);

    await master.stop();
    await until('+switch-master', () => seen.some((e) => e.startsWith('+switch-master ')), 60_000);
    const addr = await ask(ours.port, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
    const promotedPort = Number(addr.type === 'array' ? str(addr.value[1]) : '');
    const [promoted, other] = promotedPort === a.port ? [a, b] : [b, a];
    expect([a.port, b.port]).toContain(promotedPort);
    const role = await askAuth(promoted.port, auth, 'ROLE');
    expect(role.type === 'array' ? str(role.value[0]) : '').toBe('master');
    await until('the other replica follows the promoted one', async () => {
      const info = str(await askAuth(other.port, auth, 'INFO', 'replication'));
      return info.includes(`master_port:${promoted.port}\r\n`) && info.includes('master_link_status:up');
    }, 60_000);
    expect(str(await askAuth(promoted.port, auth, 'SET', 'k', 'after-failover'))).toBe('OK');
    await until('the write reaches the other replica', async () => str(await askAuth(other.port, auth, 'GET', 'k')) === 'after-failover');
    // Without AUTH the new master still refuses (the sentinel did not open it up).
    expect(str(await ask(promoted.port, 'GET', 'k'))).toBe('NOAUTH Authentication required.');
  }, 120_000);

  test('a wrong auth-pass: the real sentinel and ours both mark the master s_down and disconnected, and neither sees the replica; "All servers have non-empty requirepass before monitored": after SENTINEL SET auth-pass both publish the same redacted +set and see master and replica up', async () => {
    const { master } = await secured(1, false);
    const real = await realSentinel(bin, master.port, 2, 10_000, ['sentinel auth-pass mymaster wrong']);
    const ours = await ourSentinel(master.port, 10_000, 2, { authPass: 'wrong' });
    for (const port of [real.port, ours.port]) {
      await until(`+sdown on ${port}`, async () => (await flags(port)).includes('s_down'), 20_000);
    }
    // The real sentinel retries the link every second (sentinel.c sentinelReconnectInstance, 7.0:
    // link->disconnected is cleared as soon as both connections are created) and the -NOAUTH reply to
    // SUBSCRIBE drops it again within a millisecond or so; a SENTINEL MASTER in that window shows no
    // `disconnected` (CI saw it once). So: ten looks 150 ms apart, s_down in every one, disconnected in
    // at least eight (ours keeps the link down between attempts, so it shows it in all ten).
    for (const port of [real.port, ours.port]) {
      const looks: string[][] = [];
      for (let i = 0; i < 10; i++) {
        looks.push((await flags(port)).split(','));
        await sleep(150);
      }
      for (const f of looks) expect(f.filter((x) => x !== 'disconnected').sort()).toEqual(['master', 's_down']);
      expect(looks.filter((f) => f.includes('disconnected')).length).toBeGreaterThanOrEqual(8);
      expect(await replicaFlags(port)).toEqual([]);
    }
    const events = [await allEvents(real.port), await allEvents(ours.port)];
    for (const port of [real.port, ours.port]) expect(await ask(port, 'SENTINEL', 'SET', 'mymaster', 'auth-pass', PW)).toEqual({ type: 'simple', value: 'OK' });
    // The same +set event, byte for byte (both watch the same master), the password redacted.
    await until('both +set events', () => events.every((e) => e.some((x) => x.startsWith('+set '))));
    for (const e of events) expect(e.filter((x) => x.startsWith('+set '))).toEqual([`+set master mymaster 127.0.0.1 ${master.port} auth-pass ******`]);
    for (const port of [real.port, ours.port]) {
      await until(`master up and replica known on ${port}`, async () => (await flags(port)) === 'master' && (await replicaFlags(port)).join() === 'slave', 30_000);
    }
    // SENTINEL MASTER shows no password, on either (addReplySentinelRedisInstance has no auth field).
    const realRow = await masterRow(real.port);
    const ourRow = await masterRow(ours.port);
    expect([...ourRow.keys()].filter((k) => !realRow.has(k))).toEqual([]);
    for (const row of [realRow, ourRow]) expect([...row.entries()].join()).not.toContain(PW);
  }, 120_000);

  test('"All servers have ACL configuration before monitored": auth-user + auth-pass reach an ACL user on master and replica, on the real sentinel and ours', async () => {
    const { master } = await secured(1, true);
    const lines = ['sentinel auth-user mymaster alice', `sentinel auth-pass mymaster ${PW}`];
    const real = await realSentinel(bin, master.port, 2, 10_000, lines);
    const ours = await ourSentinel(master.port, 10_000, 2, { authUser: 'alice', authPass: PW });
    for (const port of [real.port, ours.port]) {
      await until(`replica known on ${port}`, async () => (await replicaFlags(port)).join() === 'slave', 30_000);
    }
    await sleep(DOWN_AFTER_MS + 1000);
    for (const port of [real.port, ours.port]) {
      expect(await flags(port)).toBe('master');
      expect(await replicaFlags(port)).toEqual(['slave']);
    }
    // The password alone (AUTH <pass> is the disabled default user): both go +sdown.
    for (const port of [real.port, ours.port]) expect(await ask(port, 'SENTINEL', 'SET', 'mymaster', 'auth-user', '')).toEqual({ type: 'simple', value: 'OK' });
    for (const port of [real.port, ours.port]) {
      await until(`+sdown on ${port} without the user`, async () => (await flags(port)).includes('s_down'), 20_000);
    }
  }, 120_000);

  test('the bin reads auth-pass from its file; SENTINEL SET auth-user / auth-pass (and down-after-milliseconds) rewrite the file as a real redis-sentinel does (the user\'s line in place, the new one after the marker) and the master stays up', async () => {
    const { master } = await secured(0, false);
    const real = await realSentinel(bin, master.port, 2, 10_000, [`sentinel auth-pass mymaster ${PW}`]);
    const ours = await protolabSentinelBin([`sentinel monitor mymaster 127.0.0.1 ${master.port} 2`, `sentinel down-after-milliseconds mymaster ${DOWN_AFTER_MS}`, 'sentinel failover-timeout mymaster 10000', `sentinel auth-pass mymaster ${PW}`]);
    await sleep(DOWN_AFTER_MS + 1000);
    for (const s of [real, ours]) expect(await flags(s.port)).toBe('master');
    // AUTH default <pw> is what requirepass accepts too.
    for (const s of [real, ours]) expect(await ask(s.port, 'SENTINEL', 'SET', 'mymaster', 'auth-user', 'default', 'auth-pass', PW)).toEqual({ type: 'simple', value: 'OK' });
    const layout = (dir: string): { auth: string[]; passAboveMarker: boolean; userBelowMarker: boolean } => {
      const lines = readFileSync(join(dir, 'sentinel.conf'), 'utf8').split('\n');
      const marker = lines.indexOf('# Generated by CONFIG REWRITE');
      return {
        auth: lines.filter((l) => l.startsWith('sentinel auth-')).sort(),
        passAboveMarker: lines.indexOf(`sentinel auth-pass mymaster ${PW}`) < marker,
        userBelowMarker: lines.indexOf('sentinel auth-user mymaster default') > marker,
      };
    };
    const expected = { auth: [`sentinel auth-pass mymaster ${PW}`, 'sentinel auth-user mymaster default'], passAboveMarker: true, userBelowMarker: true };
    await until('our file rewritten', () => layout(ours.dir).auth.length === 2);
    expect([layout(real.dir), layout(ours.dir)]).toEqual([expected, expected]);
    await sleep(DOWN_AFTER_MS + 1000);
    for (const s of [real, ours]) expect(await flags(s.port)).toBe('master');
    // 03-runtime-reconf.tcl's `SENTINEL SET mymaster down-after-milliseconds 2200`: the row and the
    // file's line (rewritten where it stands, above the marker) on both.
    for (const s of [real, ours]) expect(await ask(s.port, 'SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '2200')).toEqual({ type: 'simple', value: 'OK' });
    const downAfterLine = (dir: string): number => {
      const lines = readFileSync(join(dir, 'sentinel.conf'), 'utf8').split('\n');
      return Math.sign(lines.indexOf('# Generated by CONFIG REWRITE') - lines.indexOf('sentinel down-after-milliseconds mymaster 2200'));
    };
    await until('our file has the new down-after', () => downAfterLine(ours.dir) === 1);
    expect(downAfterLine(real.dir)).toBe(1);
    for (const s of [real, ours]) expect((await masterRow(s.port)).get('down-after-milliseconds')).toBe('2200');
  }, 120_000);

  test('sentinel-pass: a real sentinel with requirepass is PINGed and counted by ours when ours has the password, and is +sdown to ours when it has none until SENTINEL CONFIG SET sentinel-pass gives it one', async () => {
    const { master } = await pair();
    const real = await realSentinel(bin, master.port, 2, 10_000, ['requirepass spw']);
    const noPass = await ourSentinel(master.port, 10_000, 2); // no sentinel-pass
    // A second one of ours, with sentinel-pass, on its own port and run id.
    const port = await freePort();
    const sentinel = new RealSentinel({
      config: { masterName: 'mymaster', masterAddr: `127.0.0.1:${master.port}`, quorum: 2, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: 10_000 },
      myid: 'b2'.repeat(20), announce: `127.0.0.1:${port}`, sentinelAuthPass: 'spw',
    });
    const server = await SentinelServer.listen(sentinel, { port });
    sentinel.start();
    stops.push(async () => { await server.close(); await sentinel.stop(); });
    const realRow = async (p: number): Promise<string | undefined> => {
      const r = await ask(p, 'SENTINEL', 'sentinels', 'mymaster');
      const rows = r.type === 'array' ? r.value : [];
      const row = rows.find((x) => x.type === 'array' && str(x.value[5]) === String(real.port));
      return row?.type === 'array' ? str(row.value[9]) : undefined;
    };
    for (const p of [noPass.port, port]) await until(`the real sentinel known to ${p}`, async () => (await realRow(p)) !== undefined, 30_000);
    await sleep(3 * DOWN_AFTER_MS);
    expect(await realRow(port)).toBe('sentinel');
    expect(await realRow(noPass.port)).toBe('s_down,sentinel');
    // Without sentinel-pass: this process's PINGs are answered -NOAUTH, the real sentinel is not usable.
    expect(str(await ask(port, 'SENTINEL', 'ckquorum', 'mymaster'))).toBe('OK 3 usable Sentinels. Quorum and failover authorization can be reached');
    expect(str(await ask(noPass.port, 'SENTINEL', 'ckquorum', 'mymaster'))).toBe('OK 2 usable Sentinels. Quorum and failover authorization can be reached');
    // "SENTINEL CONFIG SET handles on-the-fly credentials reconfiguration" (09-acl-support.tcl): the
    // links to the other sentinels are dropped and log in again with the new password.
    expect(await ask(noPass.port, 'SENTINEL', 'CONFIG', 'SET', 'sentinel-pass', 'spw')).toEqual({ type: 'simple', value: 'OK' });
    await until('the real sentinel up again for the one given the password', async () => (await realRow(noPass.port)) === 'sentinel', 20_000);
    expect(str(await ask(noPass.port, 'SENTINEL', 'ckquorum', 'mymaster'))).toBe('OK 3 usable Sentinels. Quorum and failover authorization can be reached');
  }, 120_000);
});
