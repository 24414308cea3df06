/**
 * DUMP / RESTORE interop with a real redis-server 7.0.15 (cluster.c dumpCommand / restoreCommand):
 *  - a payload the server's DUMP writes RESTOREs into a Keyspace with rdbPayloadCodec and reads
 *    back exactly as the server answers (value and OBJECT ENCODING);
 *  - a payload our DUMP writes RESTOREs into the server, which then answers exactly our value;
 *  - per encoding, how many of our payloads are byte-identical to the server's (logged; asserted
 *    for the encodings whose layout is deterministic and order-preserving).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import { RespClient, type RespValue } from '@protolab/resp';
import { Keyspace, type KeyEntry, type RedisValue } from '@protolab/redis-keyspace';
import { dumpPayloadCodec, rdbPayloadCodec } from '@protolab/redis-rdb';
import { arbElement, arbValue, b, hex, normEntry } from './helpers.js';

const td = new TextDecoder();
const KEY = b('k');

const bytesOf = (v: RespValue): Uint8Array => {
  if (v.type === 'bulk') return v.value;
  if (v.type === 'simple') return b(v.value);
  throw new Error(`expected a bulk string, got ${JSON.stringify(v)}`);
};
const arr = (v: RespValue): readonly RespValue[] => {
  if (v.type !== 'array') throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v.value;
};
const pairsOf = (flat: Uint8Array[]): [Uint8Array, Uint8Array][] => {
  const out: [Uint8Array, Uint8Array][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] ?? b(''), flat[i + 1] ?? b('')]);
  return out;
};

/** The one key as a KeyEntry (value through commands, encoding through OBJECT ENCODING). */
async function readKey(call: (...argv: (string | Uint8Array)[]) => Promise<RespValue>): Promise<KeyEntry> {
  const t = td.decode(bytesOf(await call('TYPE', KEY)));
  let value: RedisValue;
  if (t === 'string') value = { type: 'string', value: bytesOf(await call('GET', KEY)) };
  else if (t === 'list') value = { type: 'list', value: arr(await call('LRANGE', KEY, '0', '-1')).map(bytesOf) };
  else if (t === 'set') value = { type: 'set', value: arr(await call('SMEMBERS', KEY)).map(bytesOf) };
  else if (t === 'zset') {
    const flat = arr(await call('ZRANGE', KEY, '0', '-1', 'WITHSCORES')).map(bytesOf);
    value = { type: 'zset', value: pairsOf(flat).map(([member, s]) => ({ member, score: Number(td.decode(s).replace(/^(-?)inf$/, '$1Infinity')) })) };
  } else if (t === 'hash') value = { type: 'hash', value: pairsOf(arr(await call('HGETALL', KEY)).map(bytesOf)) };
  else throw new Error(`unexpected type ${t}`);
  const encoding = td.decode(bytesOf(await call('OBJECT', 'ENCODING', KEY))) as KeyEntry['encoding'] & string;
  return { db: 0, key: KEY, value, encoding };
}

/** The command that builds `v` under KEY. */
function buildArgv(v: RedisValue): Uint8Array[] {
  const score = (s: number): string => (s === Infinity ? '+inf' : s === -Infinity ? '-inf' : String(s));
  if (v.type === 'string') return [b('SET'), KEY, v.value];
  if (v.type === 'list') return [b('RPUSH'), KEY, ...v.value];
  if (v.type === 'set') return [b('SADD'), KEY, ...v.value];
  if (v.type === 'zset') return [b('ZADD'), KEY, ...v.value.flatMap((x) => [b(score(x.score)), x.member])];
  return [b('HSET'), KEY, ...v.value.flatMap(([f, x]) => [f, x])];
}

const arbLargeValue: fc.Arbitrary<RedisValue> = fc.oneof(
  fc.integer({ min: 513, max: 700 }).map((n) => ({ type: 'set' as const, value: Array.from({ length: n }, (_, i) => b(String(i * 7 - 300))) })),
  fc.integer({ min: 129, max: 300 }).map((n) => ({ type: 'zset' as const, value: Array.from({ length: n }, (_, i) => ({ member: b(`m${i}`), score: i / 3 })) })),
  fc.integer({ min: 513, max: 700 }).map((n) => ({ type: 'hash' as const, value: Array.from({ length: n }, (_, i): [Uint8Array, Uint8Array] => [b(`f${i}`), b(String(i))]) })),
  fc.array(arbElement, { minLength: 100, maxLength: 400 }).map((value) => ({ type: 'list' as const, value })),
  fc.integer({ min: 65, max: 5000 }).map((n) => ({ type: 'string' as const, value: b('ab'.repeat(n)) })),
);

/** encoding → [byte-identical payloads, payloads compared] */
const identical = new Map<string, [number, number]>();
/** Encodings whose payload layout is fixed by the value alone (no dict order): ours must equal the server's. */
let lzfVariants = 0;
const ORDERED = new Set(['int', 'embstr', 'raw', 'quicklist', 'intset', 'listpack', 'skiplist']);
/** rdbcompression no: every string and blob written raw */
const rawPayloadCodec = dumpPayloadCodec({ compression: false });
const LZF = 0xc3;

describePeer('redis-server', 'DUMP/RESTORE payloads interchange with redis-server 7.0.15', () => {
  let srv: PeerServer;
  let c: RespClient;
  beforeAll(async () => {
    srv = await startServer({
      name: 'redis-server',
      command: 'redis-server',
      args: ({ port, dir }) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    });
    c = await RespClient.connect(srv.port);
    for (let i = 0; i < 200 && (await c.call('PING')).type === 'error'; i++) await new Promise((res) => setTimeout(res, 20));
    expect(td.decode(bytesOf(await c.call('INFO', 'server')))).toContain('redis_version:7.0.');
  });
  afterAll(async () => {
    await c.close();
    await srv.stop();
    console.log(`[dump-payload peer: byte-identical/compared per encoding] ${JSON.stringify(Object.fromEntries(identical))} lzfVariants=${lzfVariants}`);
  });

  it("the server's DUMP RESTOREs into our keyspace, ours into the server, each reading back identically (restoreCommand on both sides)", async () => {
    const call = (...argv: (string | Uint8Array)[]): Promise<RespValue> => c.call(...argv);
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: arbValue }, { weight: 1, arbitrary: arbLargeValue }), async (value) => {
        await c.call('FLUSHALL');
        expect((await c.call(...buildArgv(value))).type).not.toBe('error');
        const theirs = await readKey(call);
        const theirPayload = bytesOf(await c.call('DUMP', KEY));

        // server → us
        const ks = new Keyspace({ now: () => Date.now(), payloadCodec: rdbPayloadCodec });
        expect(ks.execute(['RESTORE', KEY, '0', theirPayload])).toEqual({ type: 'simple', value: 'OK' });
        const kcall = (...argv: (string | Uint8Array)[]): Promise<RespValue> => Promise.resolve(ks.execute(argv));
        expect(normEntry(await readKey(kcall), true)).toEqual(normEntry(theirs, true));

        // us → server (our keyspace built by the same command, so its encoding history is the server's)
        const built = new Keyspace({ now: () => Date.now(), payloadCodec: rdbPayloadCodec });
        built.execute(buildArgv(value));
        const ours = await readKey((...argv) => Promise.resolve(built.execute(argv)));
        expect(normEntry(ours, true)).toEqual(normEntry(theirs, true));
        const ourPayload = bytesOf(built.execute(['DUMP', KEY]));
        await c.call('DEL', KEY);
        expect(await c.call('RESTORE', KEY, '0', ourPayload)).toEqual({ type: 'simple', value: 'OK' });
        expect(normEntry(await readKey(call), true)).toEqual(normEntry(ours, true));

        const enc = String(theirs.encoding);
        const same = hex(ourPayload) === hex(theirPayload);
        const [n, m] = identical.get(enc) ?? [0, 0];
        identical.set(enc, [n + (same ? 1 : 0), m + 1]);
        if (ORDERED.has(enc) && !same) {
          // Redis's LZF leaves its hash table uninitialised and may pick another valid back-reference
          // (README, "LZF"). Allowed: both payloads hold an LZF string (0xC3), or one
          // side's match saved the 4 bytes rdbSaveLzfStringObject asks for and the other's did not -
          // then the side without LZF must be, byte for byte, our payload with compression off.
          const why = `${enc}: ${hex(ourPayload).slice(0, 200)} vs ${hex(theirPayload).slice(0, 200)}`;
          const oursLzf = ourPayload.includes(LZF);
          const theirsLzf = theirPayload.includes(LZF);
          expect(oursLzf || theirsLzf, why).toBe(true);
          if (oursLzf !== theirsLzf) {
            const plain = new Keyspace({ now: () => Date.now(), payloadCodec: rawPayloadCodec });
            plain.execute(buildArgv(value));
            const ourRaw = bytesOf(plain.execute(['DUMP', KEY]));
            expect(hex(oursLzf ? theirPayload : ourPayload), why).toBe(hex(ourRaw));
          }
          lzfVariants++;
        }
      }),
      {
        numRuns: 250,
        // a CI counterexample: our LZF shrinks this 40-byte intset by 5 bytes, a fresh 7.0.15 server stores it raw
        examples: [[{ type: 'set', value: ['-2', '-1103806595075', '2', '1'].map(b) }]],
      },
    );
  }, 120_000);
});
