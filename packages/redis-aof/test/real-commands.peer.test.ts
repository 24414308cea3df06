/**
 * Issue 15, "Done when": a real Redis 7.0.15 appendonlydir (RDB-preamble BASE + INCR) written by a
 * workload of string, list, set, sorted-set, hash and generic commands whose propagated form differs
 * from what the client sent (t_list.c LMPOP -> LPOP/RPOP, t_set.c SPOP -> SREM/DEL, t_string.c
 * SET EX -> SET PXAT, GETEX -> PEXPIREAT/PERSIST, expire.c EXPIRE -> PEXPIREAT …) loads with
 * protolab's loader into a Keyspace holding exactly the data the real server answered with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Keyspace } from '@protolab/redis-keyspace';
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import { RespClient, type RespValue } from '@protolab/resp';
import { describePeer, freePort, startServer } from '@protolab/testkit';
import { afterEach, expect, it } from 'vitest';
import { FsDisk, loadAppendOnlyFiles, rdbCodec, type KeyEntry } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

type Argv = readonly (string | number)[];

const text = (v: RespValue): string => {
  if (v.type === 'bulk') return Buffer.from(v.value).toString('latin1');
  if (v.type === 'simple' || v.type === 'error') return v.value;
  if (v.type === 'integer') return String(v.value);
  if (v.type === 'null') return '(nil)';
  throw new Error(`unexpected reply ${JSON.stringify(v)}`);
};
const arr = (v: RespValue): RespValue[] => (v.type === 'array' ? [...v.value] : []);

/** The first half of the workload (before BGREWRITEAOF): it ends up in the RDB-preamble BASE. */
const FIRST: readonly Argv[] = [
  ['SET', 's1', 'hello'], ['APPEND', 's1', ' world'], ['SETRANGE', 's1', 20, 'x'], ['GETSET', 's1', 'replaced'],
  ['SET', 'f1', '10.5'], ['INCRBYFLOAT', 'f1', '0.1'], ['INCRBYFLOAT', 'f1', '5.0e3'],
  ['SET', 'ttl1', 'v', 'EX', 5000], ['SET', 'ttl2', 'v', 'PX', 9000000], ['SET', 'ttl1', 'v2', 'KEEPTTL'],
  ['SET', 'ttl2', 'v3', 'GET'], ['SET', 'nx1', 'a', 'NX'], ['SET', 'nx1', 'b', 'XX', 'GET'],
  ['MSET', 'm1', '1', 'm2', '2', 'm3', '3'], ['MSETNX', 'm4', '4', 'm5', '5'], ['MSETNX', 'm5', 'x', 'm6', '6'],
  ['RPUSH', 'l1', 'a', 'b', 'c', 'd', 'e', 'f', 'a', 'b', 'a'], ['LPOP', 'l1'], ['RPOP', 'l1'], ['LPOP', 'l1', 2],
  ['LPUSHX', 'l1', 'px'], ['RPUSHX', 'l1', 'rx'], ['LPUSHX', 'nolist', 'z'], ['LINSERT', 'l1', 'BEFORE', 'd', 'ins'],
  ['LINSERT', 'l1', 'AFTER', 'e', 'ins2'], ['LSET', 'l1', 0, 'set0'], ['LSET', 'l1', -1, 'setlast'],
  ['RPUSH', 'l2', 'x', 'y', 'x', 'z', 'x', 'y'], ['LREM', 'l2', 2, 'x'], ['LREM', 'l2', -1, 'y'],
  ['RPUSH', 'l3', 1, 2, 3, 4, 5, 6, 7, 8], ['LTRIM', 'l3', 1, -2], ['LMOVE', 'l3', 'l4', 'LEFT', 'RIGHT'],
  ['LMOVE', 'l3', 'l4', 'RIGHT', 'LEFT'], ['LMOVE', 'l3', 'l3', 'LEFT', 'RIGHT'],
  ['SADD', 'st1', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['SADD', 'st2', 'c', 'd', 'e', 'x', 'y'],
  ['SADD', 'st3', 1, 2, 3, 4, 5], ['SPOP', 'st1'], ['SPOP', 'st1', 2], ['SMOVE', 'st2', 'st3', 'x'],
  ['SINTERSTORE', 'si', 'st1', 'st2'], ['SUNIONSTORE', 'su', 'st1', 'st2', 'st3'], ['SDIFFSTORE', 'sd', 'st1', 'st2'],
  ['ZADD', 'z1', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f'], ['ZADD', 'z1', 'NX', 10, 'a', 7, 'g'],
  ['ZADD', 'z1', 'XX', 'CH', 2.5, 'b', 99, 'nope'], ['ZADD', 'z1', 'GT', 1, 'c', 8, 'd'], ['ZADD', 'z1', 'LT', 'CH', 0.5, 'e'],
  ['ZADD', 'z1', 'INCR', 1.25, 'f'], ['ZINCRBY', 'z1', -3.5, 'g'], ['ZPOPMIN', 'z1'], ['ZPOPMAX', 'z1', 2],
  ['HSET', 'h1', 'a', 1, 'b', 2, 'c', 'x', 'f', '1.5'], ['HINCRBY', 'h1', 'a', 41], ['HINCRBYFLOAT', 'h1', 'f', '0.25'],
  ['HINCRBYFLOAT', 'h1', 'new', '3e2'], ['HSETNX', 'h1', 'a', 'no'], ['HSETNX', 'h1', 'd', 'yes'], ['HDEL', 'h1', 'c', 'zz'],
  ['SET', 'gx1', 'v'], ['GETEX', 'gx1', 'EX', 7000], ['SET', 'gx2', 'v', 'EX', 100], ['GETEX', 'gx2', 'PERSIST'],
  ['SET', 'gd', 'v'], ['GETDEL', 'gd'],
];

/** The second half (after BGREWRITEAOF): it ends up in the INCR file. */
const SECOND: readonly Argv[] = [
  ['ZADD', 'z2', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e'], ['ZADD', 'z3', 10, 'c', 20, 'd', 30, 'q'],
  ['ZREMRANGEBYSCORE', 'z2', '(1', 2], ['ZRANGESTORE', 'zr', 'z2', 0, 1], ['ZRANGESTORE', 'zr2', 'z3', '(10', '+inf', 'BYSCORE'],
  ['ZUNIONSTORE', 'zu', 2, 'z2', 'z3', 'WEIGHTS', 2, 0.5], ['ZINTERSTORE', 'zi', 2, 'z2', 'z3', 'AGGREGATE', 'MAX'],
  ['ZMPOP', 2, 'nozset', 'z3', 'MIN', 'COUNT', 2], ['ZMPOP', 1, 'zu', 'MAX'],
  ['RPUSH', 'l5', 'a', 'b', 'c', 'd'], ['LMPOP', 2, 'nolist', 'l5', 'LEFT', 'COUNT', 2], ['LMPOP', 1, 'l5', 'RIGHT'],
  ['LMPOP', 1, 'l4', 'LEFT', 'COUNT', 10], ['SPOP', 'st3', 1], ['SPOP', 'su', 100], ['SPOP', 'sd'],
  ['SET', 'ttl2', 'v4', 'PX', 6_000_000, 'GET'], ['SET', 'e1', 'v'], ['SET', 'e2', 'v'], ['SET', 'e3', 'v'],
  ['EXPIRE', 'e1', 5000, 'NX'], ['EXPIRE', 'e1', 9000, 'NX'], ['EXPIRE', 'e1', 6000, 'XX'], ['EXPIRE', 'e2', 7000, 'XX'],
  ['PEXPIRE', 'e1', 8_000_000, 'GT'], ['PEXPIRE', 'e1', 1_000_000, 'GT'], ['PEXPIRE', 'e1', 4_000_000, 'LT'],
  ['EXPIREAT', 'e3', 'NOW+8000', 'NX'], ['EXPIREAT', 'e2', 'NOW+9000'], ['EXPIREAT', 'e2', 'NOW+100', 'GT'],
  ['PERSIST', 'e2'], ['PERSIST', 'm1'],
  ['RENAME', 'm1', 'm1r'], ['RENAMENX', 'm2', 'm3'], ['RENAMENX', 'm2', 'm2r'], ['RENAME', 'e1', 'e1r'],
  ['COPY', 'l1', 'l1c'], ['COPY', 'h1', 'm3', 'REPLACE'], ['COPY', 'z1', 'z1c'], ['COPY', 'e3', 'e3c'],
  ['DEL', 'm4', 'nokey', 's1'], ['UNLINK', 'm5', 'nx1'],
  ['RPUSH', 'srt', 3, 1, 2, 10], ['SORT', 'srt', 'STORE', 'srt-out'], ['SORT', 'st2', 'ALPHA', 'DESC', 'STORE', 'srt-set'],
  ['DUMP-RESTORE', 'z1', 'z1restored'], ['DUMP-RESTORE', 'h1', 'h1restored'], ['DUMP-RESTORE', 'l3', 'l1', 'REPLACE'],
  ['DUMP-RESTORE', 'st2', 'st2ttl', 6_500_000], ['DUMP-RESTORE', 'ttl2', 'ttl2r', 'NOW+7200', 'ABSTTL', 'REPLACE'],
  ['HINCRBY', 'h1restored', 'a', -2], ['INCRBYFLOAT', 'm6', '1.5'], ['GETEX', 'm6', 'PX', 7_777_777],
];

/** Sends one workload step, resolving the placeholders NOW+s (EXPIREAT) and DUMP-RESTORE (DUMP then RESTORE). */
async function send(c: RespClient, argv: Argv): Promise<number> {
  if (argv[0] === 'DUMP-RESTORE') {
    const dump = await c.call('DUMP', String(argv[1]));
    if (dump.type !== 'bulk') throw new Error(`DUMP ${String(argv[1])}: ${JSON.stringify(dump)}`);
    const sec = Math.floor(Date.now() / 1000);
    const ttl = typeof argv[3] === 'number' ? String(argv[3]) : typeof argv[3] === 'string' && argv[3].startsWith('NOW+') ? String((sec + Number(argv[3].slice(4))) * 1000) : '0';
    const opts = argv.slice(ttl === '0' ? 3 : 4).map(String);
    const r = await c.call('RESTORE', String(argv[2]), ttl, dump.value, ...opts);
    if (r.type === 'error') throw new Error(`RESTORE: ${r.value}`);
    return 2;
  }
  const sec = Math.floor(Date.now() / 1000);
  const resolved = argv.map((a) => (typeof a === 'string' && a.startsWith('NOW+') ? String(sec + Number(a.slice(4))) : String(a)));
  const r = await c.call(...resolved);
  if (r.type === 'error') throw new Error(`${resolved.join(' ')}: ${r.value}`);
  return 1;
}

type Exec = (...argv: string[]) => Promise<RespValue> | RespValue;

/** The read-back, the same on both sides: TYPE, value, PTTL class and PEXPIRETIME of every key of dbs 0 and 1. */
async function readBack(exec: Exec): Promise<string[]> {
  const out: string[] = [];
  for (const db of ['0', '1']) {
    await exec('SELECT', db);
    out.push(...(await readDb(exec)).map((l) => `${db} ${l}`));
  }
  await exec('SELECT', '0');
  return out;
}

async function readDb(exec: Exec): Promise<string[]> {
  const keys = arr(await exec('KEYS', '*')).map(text).sort();
  const out: string[] = [];
  for (const k of keys) {
    const type = text(await exec('TYPE', k));
    let v: unknown;
    if (type === 'string') v = text(await exec('GET', k));
    else if (type === 'list') v = arr(await exec('LRANGE', k, '0', '-1')).map(text);
    else if (type === 'set') v = arr(await exec('SMEMBERS', k)).map(text).sort();
    else if (type === 'zset') v = arr(await exec('ZRANGE', k, '0', '-1', 'WITHSCORES')).map(text);
    else if (type === 'hash') {
      const flat = arr(await exec('HGETALL', k)).map(text);
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i] ?? ''}=${flat[i + 1] ?? ''}`);
      v = pairs.sort();
    } else v = null;
    const pttl = Number(text(await exec('PTTL', k)));
    const ttl = pttl > 0 ? 'ttl' : String(pttl);
    const at = text(await exec('PEXPIRETIME', k));
    out.push(`${JSON.stringify(k)} ${type} ${JSON.stringify(v)} ${ttl} @${at}`);
  }
  return out;
}

async function waitRewritten(c: RespClient): Promise<void> {
  const r = await c.call('BGREWRITEAOF');
  if (r.type === 'error') throw new Error(`BGREWRITEAOF: ${r.value}`);
  for (let i = 0; i < 1000; i++) {
    const info = text(await c.call('INFO', 'persistence'));
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('BGREWRITEAOF did not finish');
}

describePeer('redis-server', 'a real Redis 7.0.15 appendonlydir written by commands whose AOF form differs from the call loads into protolab with the same data', () => {
  for (const preamble of ['yes', 'no'] as const) {
    const baseExt = preamble === 'yes' ? 'rdb' : 'aof';
    it(`string, list, set, sorted-set, hash and generic commands, across a BGREWRITEAOF (aof-use-rdb-preamble ${preamble}: ${baseExt.toUpperCase()} BASE + INCR): 0 differences`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-aof-real-'));
      dirs.push(dir);
      const port = await freePort();
      const srv = await startServer({
        name: 'redis-aof-real',
        command: 'redis-server',
        dir,
        port,
        args: () => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--aof-use-rdb-preamble', preamble],
      });
      let expected: string[];
      let readAt: number;
      let sent = 0;
      try {
        const c = await RespClient.connect(port);
        for (const argv of FIRST) sent += await send(c, argv);
        await waitRewritten(c);
        for (const argv of SECOND) sent += await send(c, argv);
        // The whole workload again in db 1, after the rewrite: every command's propagated form is in the INCR file.
        await c.call('SELECT', 1);
        for (const argv of [...FIRST, ...SECOND]) sent += await send(c, argv);
        await c.call('SELECT', 0);
        readAt = Date.now();
        expected = await readBack((...a) => c.call(...a));
        await c.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
        await c.close().catch(() => undefined);
      } finally {
        await srv.stop();
      }
      const files = fs.readdirSync(path.join(dir, 'appendonlydir')).sort();
      expect(files).toEqual([`appendonly.aof.2.base.${baseExt}`, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);

      // RESTORE needs the DUMP payload codec: without it the keyspace answers an error, which the loader
      // (like aof.c, which ignores replies) would skip silently; `errors` below catches that.
      const ks = new Keyspace({ now: () => readAt, payloadCodec: rdbPayloadCodec });
      const errors: string[] = [];
      // Every propagated command must apply cleanly: an error reply (unknown command included) is a loader bug.
      const recording = {
        execute: (argv: readonly (string | Uint8Array)[]): RespValue => {
          const r = ks.execute(argv);
          if (r.type === 'error') errors.push(`${argv.map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('latin1'))).join(' ')} -> ${r.value}`);
          return r;
        },
        restore: (e: KeyEntry): void => { ks.restore(e); },
        fork: () => ks.fork(),
        entries: () => ks.entries(),
        get loading(): boolean { return ks.loading; },
        set loading(v: boolean) { ks.loading = v; },
      };
      const incr = fs.readFileSync(path.join(dir, 'appendonlydir/appendonly.aof.2.incr.aof'), 'latin1');
      const names = new Set([...incr.matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)].map((m) => (m[1] ?? '').toUpperCase()));
      const disk = new FsDisk(dir);
      const report = loadAppendOnlyFiles(disk, recording, { rdb: rdbCodec });
      disk.close();
      expect(report.status).toBe('ok');
      expect(report.log.filter((l) => l.startsWith('Unknown command'))).toEqual([]);
      expect(errors).toEqual([]);
      expect(report.files.map((f) => [f.role, f.format])).toEqual([['base', preamble === 'yes' ? 'rdb' : 'resp'], ['incr', 'resp']]);

      const got = await readBack((...a) => ks.execute(a));
      console.log(`real-commands: ${sent} commands sent, ${expected.length} keys compared, ${report.files.map((f) => `${f.name}: ${f.rdbKeys} rdb keys + ${f.commands} commands`).join('; ')}; INCR holds ${[...names].sort().join(' ')}`);
      expect(expected.length).toBeGreaterThanOrEqual(30);
      expect(got).toEqual(expected);
    }, 120_000);
  }
});
