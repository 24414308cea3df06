import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import type { RespValue } from '@protolab/resp';
import { startPersistentRedisServer, startRedisCluster, startReplicatedRedisServer } from '../src/index.js';
import { pipeline } from './peer-client.js';

/** Send commands on one connection, wait for one reply each. */
const ask = pipeline;

const text = (v: RespValue | undefined): string => (v === undefined ? '' : v.type === 'bulk' ? Buffer.from(v.value).toString() : v.type === 'simple' || v.type === 'error' ? v.value : v.type === 'integer' ? String(v.value) : '');
const items = (v: RespValue | undefined): readonly RespValue[] => (v?.type === 'array' ? v.value : []);
/** The fields the brief compares: name, arity, flags, first, last, step, ACL categories. */
const head = (row: RespValue | undefined): string => items(row).slice(0, 7).map((f) => (f.type === 'array' ? `[${f.value.map(text).join(' ')}]` : text(f))).join(' ');

/** A row's tips and key specs as JSON, a key spec's `notes` (Redis's prose, not recorded) left out. */
const tipsAndSpecs = (row: RespValue | undefined): string => {
  const plain = (v: RespValue | undefined): unknown => (v === undefined ? null : v.type === 'array' ? v.value.map(plain) : v.type === 'integer' ? Number(v.value) : text(v));
  const specs = items(items(row)[8]).map((ks) => {
    const flat = items(ks).map(plain);
    const at = flat.indexOf('notes');
    return at >= 0 ? [...flat.slice(0, at), ...flat.slice(at + 2)] : flat;
  });
  return JSON.stringify([plain(items(row)[7]), specs]);
};
describePeer('redis-server', 'COMMAND describes the server’s own commands as redis-server 7.0.15 does', () => {
  let real: PeerServer;
  const ours: { port: number; close: () => Promise<void> }[] = [];
  let dir = '';
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir: d }) => ['--port', String(port), '--dir', d, '--save', '', '--appendonly', 'no'] });
    dir = mkdtempSync(join(tmpdir(), 'protolab-command-'));
    ours.push(await startPersistentRedisServer({ port: 0, persistence: { dir, save: [] } }));
    ours.push(await startReplicatedRedisServer({ port: 0 }));
    const cluster = await startRedisCluster({ masters: 1, port: 0 });
    ours.push({ port: cluster.nodes[0]?.port ?? 0, close: () => cluster.close() });
  });
  afterAll(async () => {
    await real.stop();
    for (const s of ours) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('for every command protolab-redis implements, COMMAND INFO gives redis-server 7.0.15’s name, arity, flags, key range and ACL categories (and so for each subcommand)', async () => {
    const names = new Map<string, number>();
    for (const s of ours) for (const n of items((await ask(s.port, [['COMMAND', 'LIST']]))[0]).map(text)) names.set(n, s.port);
    const mismatches: string[] = [];
    let compared = 0;
    for (const [name, port] of names) {
      const [mine] = await ask(port, [['COMMAND', 'INFO', name]]);
      const [theirs] = await ask(real.port, [['COMMAND', 'INFO', name]]);
      const a = items(mine)[0];
      const b = items(theirs)[0];
      compared++;
      if (head(a) !== head(b)) mismatches.push(`${name}: ours ${head(a)} | redis ${head(b)}`);
      const realSubs = new Map(items(items(b)[9]).map((r) => [text(items(r)[0]), r]));
      for (const sub of items(items(a)[9])) {
        compared++;
        const full = text(items(sub)[0]);
        if (head(sub) !== head(realSubs.get(full))) mismatches.push(`${full}: ours ${head(sub)} | redis ${head(realSubs.get(full))}`);
      }
    }
    console.log(`COMMAND INFO: ${compared} rows compared (${names.size} commands and their subcommands), ${mismatches.length} mismatches${mismatches.map((m) => `\n  ${m}`).join('')}`);
    // Tips and key specs (elements 8 and 9) of every listed name, each key spec without 7.0.15's `notes`.
    const specMismatches: string[] = [];
    for (const [name, port] of names) {
      const [mine] = await ask(port, [['COMMAND', 'INFO', name]]);
      const [theirs] = await ask(real.port, [['COMMAND', 'INFO', name]]);
      if (tipsAndSpecs(items(mine)[0]) !== tipsAndSpecs(items(theirs)[0])) specMismatches.push(`${name}: ours ${tipsAndSpecs(items(mine)[0])} | redis ${tipsAndSpecs(items(theirs)[0])}`);
    }
    console.log(`COMMAND INFO tips and key specs: ${names.size} names compared, ${specMismatches.length} mismatches${specMismatches.map((m) => `\n  ${m}`).join('')}`);
    expect(specMismatches).toEqual([]);
    // Every row matches: the server's own and the keyspace's table (KEYS, OBJECT, SORT, SORT_RO
    // and RESTORE give their categories as commands.def does; SORT_RO has its getkeys proc).
    expect(mismatches).toEqual([]);
  });

  test('COMMAND COUNT is the number of redis-server 7.0.15 commands this server does not call unknown', async () => {
    const realNames = items((await ask(real.port, [['COMMAND', 'LIST']]))[0]).map(text);
    for (const s of ours) {
      const [count] = await ask(s.port, [['COMMAND', 'COUNT']]);
      // Queue each name in a MULTI: an unimplemented command is refused as unknown, nothing runs.
      const probes = realNames.filter((n) => !['multi', 'exec', 'discard', 'reset', 'quit', 'watch'].includes(n));
      const replies = await ask(s.port, probes.flatMap((n) => [['MULTI'], [n], ['DISCARD']]));
      const known = probes.filter((_, i) => !text(replies[i * 3 + 1]).startsWith('ERR unknown command'));
      const all = items((await ask(s.port, [['COMMAND', 'LIST']]))[0]).map(text);
      // COMMAND LIST names subcommands too (container|sub, as commandListWithoutFilter recurses): each is one of 7.0.15's.
      expect(all.filter((n) => n.includes('|') && !realNames.includes(n))).toEqual([]);
      const listed = new Set(all.filter((n) => !n.includes('|')));
      expect([...listed].filter((n) => !known.includes(n) && !['multi', 'exec', 'discard', 'reset', 'quit', 'watch'].includes(n)).sort()).toEqual([]);
      expect(Number(text(count))).toBe(known.length + 6);
    }
  });

  test('COMMAND DOCS gives redis-cli the argument lists (its hints) and groups of redis-server 7.0.15 for every command implemented', async () => {
    const field = (docs: RespValue | undefined, key: string): RespValue | undefined => {
      const flat = items(items(docs)[1]);
      const at = flat.findIndex((x) => text(x) === key);
      return at >= 0 ? flat[at + 1] : undefined;
    };
    let compared = 0;
    const mismatches: string[] = [];
    for (const s of ours) {
      for (const name of items((await ask(s.port, [['COMMAND', 'LIST']]))[0]).map(text)) {
        const [mine] = await ask(s.port, [['COMMAND', 'DOCS', name]]);
        const [theirs] = await ask(real.port, [['COMMAND', 'DOCS', name]]);
        compared++;
        for (const key of ['group', 'arguments']) {
          if (JSON.stringify(field(mine, key), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(field(theirs, key), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) mismatches.push(`${name} ${key}`);
        }
      }
    }
    console.log(`COMMAND DOCS: ${compared} (server, command) pairs compared (group and arguments), ${mismatches.length} mismatches ${mismatches.join(', ')}`);
    expect(mismatches).toEqual([]);
  });
});
