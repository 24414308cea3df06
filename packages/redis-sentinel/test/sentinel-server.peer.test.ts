import { afterEach, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { RespClient, type RespValue } from '@protolab/resp';
import { describePeer } from '@protolab/testkit';
import { ask, ourSentinel, pair, realSentinel, stopAll, stops, str, until } from './peer-helpers.js';

/**
 * protolab's SENTINEL server beside a real redis-sentinel 7.0.15: the same questions asked of
 * both over identical deployments (a real master and a real replica, watched by the sentinel
 * under test and one more real sentinel), replies compared by shape; then ioredis connecting
 * through our sentinel, the master killed, and ioredis writing to the promoted replica.
 */
afterEach(stopAll);

/** A reply with its timing-dependent values replaced: run ids, numbers and addresses. */
function shape(v: RespValue): unknown {
  switch (v.type) {
    case 'bulk':
    case 'simple':
    case 'error': {
      const s = str(v).replace(/\b[0-9a-f]{40}\b/g, '<runid>').replace(/127\.0\.0\.1:\d+/g, '<addr>').replace(/\b\d+\b/g, '<n>');
      return `${v.type}:${s}`;
    }
    case 'array':
    case 'push':
    case 'set':
      return { [v.type]: v.value.map(shape) };
    case 'map':
      return { map: v.value.map(([k, x]) => [shape(k), shape(x)]) };
    default:
      return v.type;
  }
}

/** INFO's `key:` names, section by section. */
function infoKeys(text: string): string[] {
  return text.split('\r\n').filter((l) => l !== '').map((l) => (l.startsWith('#') ? l : l.slice(0, l.indexOf(':'))));
}

/** A SENTINEL row (a flat array in RESP2) as field → value. */
function fields(row: RespValue | undefined): Map<string, string> {
  const kv = new Map<string, string>();
  const flat = row?.type === 'array' ? row.value : [];
  for (let i = 0; i + 1 < flat.length; i += 2) kv.set(str(flat[i]), str(flat[i + 1]));
  return kv;
}

/** The sentinel has discovered the replica (and read its INFO: a run id) and the other sentinel. */
async function settled(port: number): Promise<boolean> {
  const master = fields(await ask(port, 'SENTINEL', 'master', 'mymaster'));
  const replicas = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
  const replica = fields(replicas.type === 'array' ? replicas.value[0] : undefined);
  return master.get('num-slaves') === '1' && master.get('num-other-sentinels') === '1' && (replica.get('runid') ?? '') !== '';
}

const QUESTIONS: readonly (readonly string[])[] = [
  ['PING'], ['PING', 'hi'], ['ROLE'], ['SENTINEL', 'masters'], ['SENTINEL', 'master', 'mymaster'], ['SENTINEL', 'replicas', 'mymaster'],
  ['SENTINEL', 'slaves', 'mymaster'], ['SENTINEL', 'sentinels', 'mymaster'], ['SENTINEL', 'get-master-addr-by-name', 'mymaster'],
  ['SENTINEL', 'get-master-addr-by-name', 'nope'], ['SENTINEL', 'myid'], ['SENTINEL', 'ckquorum', 'mymaster'],
  ['SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '1', '0', '*'], ['SENTINEL', 'master', 'nope'], ['SENTINEL', 'replicas', 'nope'],
  ['SENTINEL', 'ckquorum', 'nope'], ['SENTINEL', 'failover', 'nope'], ['SENTINEL'], ['SENTINEL', 'foo'], ['SENTINEL', 'master'],
  ['SENTINEL', 'myid', 'x'], ['SENTINEL', 'is-master-down-by-addr', '127.0.0.1', 'x', '0', '*'], ['FOO', 'bar'], ['GET', 'x'],
  ['PING', 'a', 'b'], ['ROLE', 'x'], ['PUBLISH', 'a', 'b'], ['SUBSCRIBE'], ['UNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['HELLO', '4'],
  ['HELLO', 'x'], ['CLIENT', 'foo'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'a b'],
  ['SENTINEL', 'CONFIG', 'GET', '*'], ['SENTINEL', 'CONFIG', 'GET', 'SENTINEL-*'], ['SENTINEL', 'CONFIG', 'SET', 'nope', 'x'], ['SENTINEL', 'CONFIG', 'foo', 'bar'],
  ['SENTINEL', 'SET', 'nope', 'auth-pass', 'x'], ['SENTINEL', 'SET', 'mymaster', 'quorumx', '1'], ['SENTINEL', 'SET', 'mymaster', 'auth-pass'],
];

describePeer('redis-sentinel', "protolab's SENTINEL server against real redis-sentinel 7.0.15", (sentinelBin) => {
  test('the same questions get replies of the same shape (field names and order, types; run ids, numbers and addresses normalised)', async () => {
    const a = await pair();
    const real = (await realSentinel(sentinelBin, a.master.port)).port;
    await realSentinel(sentinelBin, a.master.port);
    const b = await pair();
    const ours = (await ourSentinel(b.master.port)).port;
    await realSentinel(sentinelBin, b.master.port);
    await until('both sentinels know the replica and the other sentinel', async () => (await settled(real)) && (await settled(ours)), 60_000);
    for (const q of QUESTIONS) {
      const [r, o] = [await ask(real, ...q), await ask(ours, ...q)];
      expect(shape(o), q.join(' ')).toEqual(shape(r));
    }
    const [ri, oi] = [str(await ask(real, 'INFO', 'sentinel')), str(await ask(ours, 'INFO', 'sentinel'))];
    expect(infoKeys(oi)).toEqual(infoKeys(ri));
    expect(oi.replace(/\d+/g, 'n')).toEqual(ri.replace(/\d+/g, 'n'));
    // The server section: ours holds a subset of the real fields, in the real order.
    const [rs, os] = [infoKeys(str(await ask(real, 'INFO'))), infoKeys(str(await ask(ours, 'INFO')))];
    expect(os.filter((k) => !rs.includes(k))).toEqual([]);
    expect(os).toEqual(rs.filter((k) => os.includes(k)));
  });

  test('the other sentinel SIGSTOPped past down-after: the same +sdown sentinel event, s_down in its row, and the same ckquorum refusal', async () => {
    const silence = async (port: number, other: number): Promise<{ event: string; flags: string; ckquorum: RespValue }> => {
      await until('the sentinel knows the replica and the other sentinel', () => settled(port), 60_000);
      const c = await RespClient.connect(port, '127.0.0.1', { replyTimeoutMs: 0 });
      stops.push(() => c.close());
      const seen: string[] = [];
      c.onPush((v) => { if ((v.type === 'array' || v.type === 'push') && str(v.value[0]) === 'message') seen.push(str(v.value[2])); });
      await c.call('SUBSCRIBE', '+sdown');
      process.kill(other, 'SIGSTOP');
      try {
        await until('+sdown sentinel', () => seen.some((e) => e.startsWith('sentinel ')), 20_000);
        const rows = await ask(port, 'SENTINEL', 'sentinels', 'mymaster');
        const row = fields(rows.type === 'array' ? rows.value[0] : undefined);
        const ckquorum = await ask(port, 'SENTINEL', 'ckquorum', 'mymaster');
        const event = (seen.find((e) => e.startsWith('sentinel ')) ?? '').replace(/\b[0-9a-f]{40}\b/g, '<runid>').replace(/\b\d{4,5}\b/g, '<port>');
        return { event, flags: (row.get('flags') ?? '').replace(',disconnected', ''), ckquorum };
      } finally {
        process.kill(other, 'SIGCONT');
      }
    };
    const a = await pair();
    const real = (await realSentinel(sentinelBin, a.master.port)).port;
    const realOther = await realSentinel(sentinelBin, a.master.port);
    const fromReal = await silence(real, realOther.pid);
    const b = await pair();
    const ours = (await ourSentinel(b.master.port)).port;
    const ourOther = await realSentinel(sentinelBin, b.master.port);
    const fromOurs = await silence(ours, ourOther.pid);
    expect(fromReal.event).toBe('sentinel <runid> 127.0.0.1 <port> @ mymaster 127.0.0.1 <port>');
    expect(fromReal.flags).toBe('s_down,sentinel');
    expect(str(fromReal.ckquorum)).toBe('NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover');
    expect(fromOurs).toEqual(fromReal);
  });

  test('RESP3 and Pub/Sub: HELLO 3, a map row, null array as `_`, subscribe pushes, the subscribed-context refusal in RESP2', async () => {
    const a = await pair();
    const real = (await realSentinel(sentinelBin, a.master.port)).port;
    const b = await pair();
    const ours = (await ourSentinel(b.master.port)).port;
    const script = async (port: number): Promise<unknown[]> => {
      const c3 = await RespClient.connect(port);
      const c2 = await RespClient.connect(port);
      try {
        const out: unknown[] = [];
        for (const q of [['HELLO', '3'], ['SENTINEL', 'master', 'mymaster'], ['SENTINEL', 'get-master-addr-by-name', 'nope'], ['ROLE']]) out.push(shape(await c3.call(...q)));
        for (const q of [['SUBSCRIBE', '+switch-master', '+sdown'], ['PING'], ['SENTINEL', 'myid'], ['INFO'], ['UNSUBSCRIBE', '+sdown'], ['UNSUBSCRIBE', '+switch-master'], ['UNSUBSCRIBE'], ['PING']]) out.push(shape(await c2.call(...q)));
        // (UNSUBSCRIBE of all channels answers in the order of Redis's dict, seeded at random per process.)
        return out;
      } finally {
        await c3.close();
        await c2.close();
      }
    };
    await until('both sentinels have INFO from the master', async () => str(await ask(ours, 'INFO', 'sentinel')).includes('slaves=1') && str(await ask(real, 'INFO', 'sentinel')).includes('slaves=1'));
    expect(await script(ours)).toEqual(await script(real));
  });

  test('ioredis through our sentinel: writes to the master; after the master is killed and our sentinel fails over, the next writes land on the promoted replica', async () => {
    const { master, replica } = await pair();
    const { port, sentinel } = await ourSentinel(master.port, 3000);
    await until('our sentinel knows the replica', () => [...sentinel.core.slaves.values()].some((s) => s.runid !== undefined));
    const events = await RespClient.connect(port, '127.0.0.1', { replyTimeoutMs: 0 });
    stops.push(() => events.close());
    const switches: string[] = [];
    events.onPush((v) => { if (v.type === 'array' || v.type === 'push') switches.push(str(v.value[2])); });
    await events.call('SUBSCRIBE', '+switch-master');
    const client = new Redis({ sentinels: [{ host: '127.0.0.1', port }], name: 'mymaster', maxRetriesPerRequest: null, sentinelRetryStrategy: () => 200, retryStrategy: () => 200 });
    client.on('error', () => undefined); // refused connections to the dead master until the fail-over: expected
    stops.push(() => { client.disconnect(); return Promise.resolve(); });
    expect(await client.set('before', '1')).toBe('OK');
    expect(str(await ask(master.port, 'GET', 'before'))).toBe('1');
    await master.stop();
    expect(await client.set('after', '2')).toBe('OK');
    const role = await ask(replica.port, 'ROLE');
    expect(role.type === 'array' ? str(role.value[0]) : '').toBe('master');
    expect(str(await ask(replica.port, 'GET', 'after'))).toBe('2');
    expect(str(await ask(replica.port, 'GET', 'before'))).toBe('1');
    // get-master-addr-by-name names the promoted replica from RECONF_SLAVES on (sentinelGetCurrentMasterAddress),
    // so ioredis may write there before the fail-over ends with +switch-master.
    await until('+switch-master published', () => switches.length > 0);
    expect(switches).toEqual([`mymaster 127.0.0.1 ${master.port} 127.0.0.1 ${replica.port}`]);
    const addr = await ask(port, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
    expect(addr.type === 'array' ? addr.value.map(str) : []).toEqual(['127.0.0.1', String(replica.port)]);
  });
});
