/**
 * The whole CONFIG table beside redis-server 7.0.15: CONFIG GET * gives the same names and
 * default values on both servers (order aside; START_SPECIFIC names excepted, as their values
 * depend on how each server was started), and for every name CONFIG SET with values of every
 * kind — not a number, a bad yes/no, a bad enum value, out of range, a memory unit, a
 * percentage, several words, the empty string, and then the enum's first value and the range's
 * bounds as the real server's own error text names them — gives byte-identical replies, and
 * CONFIG GET afterwards the same value. Each name is put back to its default after each try.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import { encode, type RespValue } from '@protolab/resp';
import { startPersistentRedisServer, type RunningPersistentRedisServer } from '../src/adapters/persistence.js';
import { connection } from './peer-client.js';
import { START_SPECIFIC } from './config-params-recorded.js';

const text = (v: RespValue): string => Buffer.from(encode(v)).toString('latin1');

/** Values tried on every name. */
const GENERIC = ['maybe', 'yes', 'no', '0', '1', '-1', '100', '2147483648', '1mb', '5%', '1 2 3', ''];

/**
 * Names whose valid values would change how the servers are reached or run (listening address
 * and port, a 1 ms watchdog, client eviction at a few bytes, the OS file limit behind maxclients):
 * only the values listed are tried on them.
 */
const ONLY = new Map<string, readonly string[]>([
  ['port', ['maybe', '-1', '70000', '']],
  ['bind', [Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`).join(' ')]],
  ['watchdog-period', ['maybe', '-1', '0']],
  ['maxmemory-clients', ['maybe', '-1', '200%', '5%', '0']],
  ['maxclients', ['maybe', '0', '-1', '4294967296', '100']],
]);

/** From the real server's error text: the enum's first value, or the range's bounds. */
function derived(error: string): string[] {
  const e = /following: ([^,]+)/.exec(error);
  if (e?.[1] !== undefined) return [e[1]];
  const b = /between (-?\d+) and (-?\d+) inclusive/.exec(error);
  return b !== null ? [b[1] ?? '', b[2] ?? ''] : [];
}

describePeer('redis-server', 'the CONFIG table as redis-server 7.0.15 has it', () => {
  let real: PeerServer;
  let ours: RunningPersistentRedisServer;
  let dir: string;
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir: d }) => ['--port', String(port), '--dir', d] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-config-params-'));
    ours = await startPersistentRedisServer({ port: 0, persistence: { dir }, replication: {} });
  }, 30_000);
  afterAll(async () => {
    await ours.close();
    await real.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('CONFIG GET * and CONFIG SET of every name give the same replies', async () => {
    const a = connection(real.port);
    const b = connection(ours.port);
    const getAll = async (ask: typeof a.ask): Promise<Map<string, string>> => {
      const r = await ask(['CONFIG', 'GET', '*']);
      const items = r.type === 'array' ? r.value : [];
      const m = new Map<string, string>();
      for (let i = 0; i + 1 < items.length; i += 2) m.set(text(items[i] as RespValue), text(items[i + 1] as RespValue));
      return m;
    };
    const realAll = await getAll(a.ask);
    const ourAll = await getAll(b.ask);
    const skip = new Set(START_SPECIFIC.map(([n]) => `$${n.length}\r\n${n}\r\n`));
    expect([...ourAll.keys()].sort()).toEqual([...realAll.keys()].sort());
    expect(realAll.size).toBe(192);
    const defaultsDiffer = [...realAll].filter(([k, v]) => !skip.has(k) && ourAll.get(k) !== v).map(([k, v]) => `${k}: real ${v} ours ${ourAll.get(k) ?? '-'}`);
    expect(defaultsDiffer).toEqual([]);

    const names = [...realAll.keys()].map((k) => k.split('\r\n')[1] ?? '');
    const defaults = new Map(names.map((n, i) => [n, [...realAll.values()][i]?.split('\r\n')[1] ?? '']));
    const mismatches: string[] = [];
    let compared = 0;
    const both = async (argv: string[]): Promise<[string, string]> => [text(await a.ask(argv)), text(await b.ask(argv))];
    for (const name of names) {
      const tried = new Set<string>();
      const queue = [...(ONLY.get(name) ?? GENERIC)];
      while (queue.length > 0) {
        const value = queue.shift() ?? '';
        if (tried.has(value)) continue;
        tried.add(value);
        const [r1, r2] = await both(['CONFIG', 'SET', name, value]);
        compared++;
        if (r1 !== r2) mismatches.push(`SET ${name} '${value}': real ${JSON.stringify(r1)} ours ${JSON.stringify(r2)}`);
        if (!ONLY.has(name) && r1.startsWith('-')) queue.push(...derived(r1));
        if (!START_SPECIFIC.some(([n]) => n === name)) {
          const [g1, g2] = await both(['CONFIG', 'GET', name]);
          compared++;
          if (g1 !== g2) mismatches.push(`GET ${name} after '${value}': real ${JSON.stringify(g1)} ours ${JSON.stringify(g2)}`);
        }
        if (r1.startsWith('+')) await both(['CONFIG', 'SET', name, defaults.get(name) ?? '']);
      }
    }
    console.log(`config-params.peer: ${names.length} names, ${compared} replies compared, ${mismatches.length} differ`);
    expect(mismatches).toEqual([]);
    a.socket.destroy();
    b.socket.destroy();
  }, 120_000);
});
