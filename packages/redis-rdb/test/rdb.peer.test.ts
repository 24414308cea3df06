/**
 * Interop with a real redis-server 7.0.15 (npm run test:peers):
 *  - dumps the server writes decode to exactly what the server answers (values, TTLs, encodings),
 *    and every record re-encodes to the server's own bytes;
 *  - dumps protolab writes load into a fresh server that then answers exactly the encoded data,
 *    and redis-check-rdb accepts them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import { RespClient, type RespValue } from '@protolab/resp';
import { allEntries, decodeRdb, encodeRdb, RdbWriter, writeKeyValuePair, type KeyEntry, type RedisValue } from '@protolab/redis-rdb';
import { commands } from './fixtures/dataset.js';
import { arbEntries, b, hex, normEntry, sortEntries } from './helpers.js';

const counts = { serverDumps: 0, serverKeys: 0, byteIdentical: 0, lzfVariants: 0, ourDumps: 0, ourKeys: 0, checkRdbOk: 0 };

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Whether an LZF-compressed string (encoding byte 0xC3) begins in the common prefix before `at`. */
function lzfStartsBefore(at: number, a: Uint8Array, b: Uint8Array): boolean {
  return at > 0 && a.subarray(0, at).includes(0xc3) && b.subarray(0, at).includes(0xc3);
}

async function redis(dir?: string): Promise<{ srv: PeerServer; c: RespClient }> {
  const srv = await startServer({
    name: 'redis-server',
    command: 'redis-server',
    ...(dir !== undefined ? { dir } : {}),
    args: ({ port, dir: d }) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'],
  });
  const c = await RespClient.connect(srv.port);
  for (let i = 0; i < 200; i++) {
    const r = await c.call('PING');
    if (r.type !== 'error') break;
    await new Promise((res) => setTimeout(res, 20)); // -LOADING
  }
  return { srv, c };
}

const bytesOf = (v: RespValue): Uint8Array => {
  if (v.type === 'bulk') return v.value;
  if (v.type === 'simple') return b(v.value);
  throw new Error(`expected a bulk string, got ${v.type}`);
};
const arr = (v: RespValue): readonly RespValue[] => {
  if (v.type !== 'array') throw new Error(`expected an array, got ${v.type}: ${JSON.stringify(v)}`);
  return v.value;
};
const int = (v: RespValue): number => {
  if (v.type !== 'integer') throw new Error(`expected an integer, got ${v.type}`);
  return Number(v.value);
};

/** Everything the server holds, as KeyEntry (with OBJECT ENCODING), read through commands. */
async function readAll(c: RespClient): Promise<KeyEntry[]> {
  const out: KeyEntry[] = [];
  for (let db = 0; db < 16; db++) {
    await c.call('SELECT', String(db));
    let cursor = '0';
    do {
      const [next, keys] = arr(await c.call('SCAN', cursor, 'COUNT', '1000'));
      cursor = new TextDecoder().decode(bytesOf(next!));
      for (const kv of arr(keys!)) {
        const key = bytesOf(kv);
        const type = bytesOf(await c.call('TYPE', key));
        const t = new TextDecoder().decode(type);
        let value: RedisValue;
        if (t === 'string') value = { type: 'string', value: bytesOf(await c.call('GET', key)) };
        else if (t === 'list') value = { type: 'list', value: arr(await c.call('LRANGE', key, '0', '-1')).map(bytesOf) };
        else if (t === 'set') value = { type: 'set', value: arr(await c.call('SMEMBERS', key)).map(bytesOf) };
        else if (t === 'zset') {
          const flat = arr(await c.call('ZRANGE', key, '0', '-1', 'WITHSCORES')).map(bytesOf);
          const items: { member: Uint8Array; score: number }[] = [];
          for (let i = 0; i < flat.length; i += 2) {
            const s = new TextDecoder().decode(flat[i + 1]);
            items.push({ member: flat[i]!, score: s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s) });
          }
          value = { type: 'zset', value: items };
        } else if (t === 'hash') {
          const flat = arr(await c.call('HGETALL', key)).map(bytesOf);
          const pairs: [Uint8Array, Uint8Array][] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
          value = { type: 'hash', value: pairs };
        } else throw new Error(`unexpected type ${t}`);
        const e: KeyEntry = { db, key, value, encoding: new TextDecoder().decode(bytesOf(await c.call('OBJECT', 'ENCODING', key))) as KeyEntry['encoding'] & string };
        const pexp = int(await c.call('PEXPIRETIME', key));
        if (pexp >= 0) e.expireAtMs = pexp;
        out.push(e);
      }
    } while (cursor !== '0');
  }
  return out;
}

/** The commands that build a dataset on a server. */
function buildCommands(es: KeyEntry[]): { db: number; argv: Uint8Array[] }[] {
  const out: { db: number; argv: Uint8Array[] }[] = [];
  const score = (s: number): string => (s === Infinity ? '+inf' : s === -Infinity ? '-inf' : String(s));
  for (const e of es) {
    const v = e.value;
    const k = e.key;
    if (v.type === 'string') out.push({ db: e.db, argv: [b('SET'), k, v.value] });
    else if (v.type === 'list') out.push({ db: e.db, argv: [b('RPUSH'), k, ...v.value] });
    else if (v.type === 'set') out.push({ db: e.db, argv: [b('SADD'), k, ...v.value] });
    else if (v.type === 'zset') out.push({ db: e.db, argv: [b('ZADD'), k, ...v.value.flatMap((x) => [b(score(x.score)), x.member])] });
    else out.push({ db: e.db, argv: [b('HSET'), k, ...v.value.flatMap(([f, x]) => [f, x])] });
    if (e.expireAtMs !== undefined) out.push({ db: e.db, argv: [b('PEXPIREAT'), k, b(String(e.expireAtMs))] });
  }
  return out;
}

/** Generated datasets with expiries in the future (a loading master drops expired keys). */
const FUTURE = Date.now() + 3_600_000;
const arbFutureEntries = arbEntries.map((es) => es.map((e) => (e.expireAtMs === undefined ? e : { ...e, expireAtMs: FUTURE + (e.expireAtMs % 1_000_000_000) })));

describePeer('redis-server', 'RDB interop with redis-server 7.0.15', () => {
  let server: { srv: PeerServer; c: RespClient };
  beforeAll(async () => {
    server = await redis();
    expect(new TextDecoder().decode(bytesOf(await server.c.call('INFO', 'server')))).toContain('redis_version:7.0.15');
  });
  afterAll(async () => {
    await server.c.close();
    await server.srv.stop();
    console.log(`[rdb peer counts] ${JSON.stringify(counts)}`);
  });

  async function serverDump(cmds: { db: number; argv: Uint8Array[] }[], compression: boolean): Promise<Uint8Array> {
    const { c, srv } = server;
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'rdbcompression', compression ? 'yes' : 'no');
    for (const { db, argv } of cmds) {
      await c.call('SELECT', String(db));
      const r = await c.call(...argv);
      if (r.type === 'error') throw new Error(`server refused ${new TextDecoder().decode(argv[0])}: ${r.value}`);
    }
    expect((await c.call('SAVE')).type).toBe('simple');
    return new Uint8Array(readFileSync(join(srv.dir, 'dump.rdb')));
  }

  async function checkServerDump(cmds: { db: number; argv: Uint8Array[] }[], compression: boolean): Promise<void> {
    const file = await serverDump(cmds, compression);
    const decoded = [...allEntries(decodeRdb(file))];
    const live = await readAll(server.c);
    expect(sortEntries(decoded).map((e) => normEntry(e, true))).toEqual(sortEntries(live).map((e) => normEntry(e, true)));
    // every record re-encodes to the server's own bytes
    decoded.forEach((e, i) => {
      const next = decoded[i + 1];
      if (next === undefined || next.db !== e.db) return;
      const w = new RdbWriter({ compression });
      writeKeyValuePair(w, e);
      const ours = w.result();
      const theirs = file.subarray(e.offset, next.offset);
      if (compression && hex(ours) !== hex(theirs) && lzfStartsBefore(firstDifference(ours, theirs), ours, theirs)) {
        // lzf_compress (lzf_c.c) keeps its hash table in an uninitialised LZF_STATE on the stack, so
        // real Redis may pick other, equally valid back-references: the compressed bytes then
        // differ while both records decode to the same value (checked against the live server
        // above; here our record is decoded back too). Everything before the LZF string matches.
        const back = [...allEntries(decodeRdb(encodeRdb([e], { compression: true })))];
        expect(back.map((x) => normEntry(x, true)), `record of key ${hex(e.key)} (LZF variant)`).toEqual([normEntry(e, true)]);
        counts.lzfVariants++;
        return;
      }
      expect(hex(ours), `record of key ${hex(e.key)}`).toBe(hex(theirs));
      counts.byteIdentical++;
    });
    counts.serverDumps++;
    counts.serverKeys += decoded.length;
  }

  it('rdbSave by the server: the fixture dataset (every type and encoding) decodes to what the server returns, with and without LZF', async () => {
    await checkServerDump(commands(), true);
    await checkServerDump(commands(), false);
  });

  it('rdbSave by the server: generated datasets (binary keys/values, integer and length boundaries, expiries)', async () => {
    await fc.assert(
      fc.asyncProperty(arbFutureEntries, fc.boolean(), async (es, compression) => {
        await checkServerDump(buildCommands(es), compression);
      }),
      { numRuns: 40 },
    );
  });

  it('quicklist node boundaries match the server for long lists of mixed-size elements (_quicklistNodeAllowInsert)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.integer().map(String)), { minLength: 100, maxLength: 1500 }), async (items) => {
        await checkServerDump([{ db: 0, argv: [b('RPUSH'), b('l'), ...items.map(b)] }, { db: 0, argv: [b('SET'), b('z'), b('end')] }], false);
      }),
      { numRuns: 10 },
    );
  });

  async function loadOurs(es: KeyEntry[], compression: boolean, checksum: boolean): Promise<void> {
    const file = encodeRdb(es, { compression, checksum, ctimeSec: Math.floor(Date.now() / 1000) });
    const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-ours-'));
    try {
      writeFileSync(join(dir, 'dump.rdb'), file);
      const out = execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
      expect(out).toContain('RDB looks OK!');
      counts.checkRdbOk++;
      const s = await redis(dir);
      try {
        const live = await readAll(s.c);
        expect(sortEntries(live).map((e) => normEntry(e))).toEqual(sortEntries(es.filter((e) => e.value.type === 'string' || e.value.value.length > 0)).map((e) => normEntry(e)));
        // and the encoding the server gave each loaded key is the one our decoder predicts (rdbLoadObject's conversions)
        const predicted = sortEntries([...allEntries(decodeRdb(file))]).map((e) => [hex(e.key), e.encoding]);
        expect(sortEntries(live).map((e) => [hex(e.key), e.encoding])).toEqual(predicted);
        counts.ourDumps++;
        counts.ourKeys += live.length;
      } finally {
        await s.c.close();
        await s.srv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('rdbLoad by the server: protolab dumps load into a fresh redis-server with the same types, values and TTLs, and redis-check-rdb accepts them', async () => {
    await fc.assert(
      fc.asyncProperty(arbFutureEntries, fc.boolean(), fc.boolean(), async (es, compression, checksum) => {
        await loadOurs(es, compression, checksum);
      }),
      { numRuns: 25 },
    );
  });

  it('rdbLoad by the server: a protolab dump of large containers (multi-node quicklist, 513-field hash, 600-member intset-overflow set, skiplist zset)', async () => {
    const big: KeyEntry[] = [
      { db: 0, key: b('list'), value: { type: 'list', value: Array.from({ length: 5000 }, (_, i) => b(`v${i}-${'x'.repeat(i % 90)}`)) } },
      { db: 0, key: b('hash'), value: { type: 'hash', value: Array.from({ length: 513 }, (_, i) => [b(`f${i}`), b(String(i))] as [Uint8Array, Uint8Array]) } },
      { db: 1, key: b('set'), value: { type: 'set', value: Array.from({ length: 600 }, (_, i) => b(String(i * 7))) } },
      { db: 2, key: b('zset'), value: { type: 'zset', value: Array.from({ length: 300 }, (_, i) => ({ member: b(`m${i}`), score: i / 3 })) } },
    ];
    await loadOurs(big, true, true);
  });
});
