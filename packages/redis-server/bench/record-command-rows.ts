/**
 * Records the rows of the commands this package answers itself (the server-level commands) from a
 * real redis-server 7.0.15's COMMAND INFO and COMMAND DOCS, and prints src/command-rows.ts:
 *
 *   redis-server --port 16391 --save '' &
 *   npx tsx packages/redis-server/bench/record-command-rows.ts 16391 > packages/redis-server/src/command-rows.ts
 *
 * Only the subcommands this package implements are kept for CLIENT, CONFIG, PUBSUB and CLUSTER.
 */
import net from 'node:net';
import { RespDecoder, type RespValue } from '@protolab/resp';

const NAMES = [
  'ping', 'echo', 'quit', 'reset', 'hello', 'auth', 'select', 'client', 'config', 'info', 'command',
  'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'publish', 'pubsub',
  'blpop', 'brpop', 'blmove', 'brpoplpush', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop',
  'multi', 'exec', 'discard', 'watch', 'unwatch',
  'monitor', 'slowlog',
  'save', 'bgsave', 'bgrewriteaof', 'lastsave', 'shutdown', 'debug', 'memory',
  'replicaof', 'slaveof', 'role', 'wait', 'psync', 'sync', 'replconf',
  'cluster', 'asking', 'readonly', 'readwrite', 'migrate', 'restore-asking',
  'dbsize', 'flushall', 'flushdb', 'swapdb', 'latency', 'time',
];
const SUBCOMMANDS = new Map<string, readonly string[]>([
  ['client', ['id', 'getname', 'setname', 'info', 'list', 'kill', 'reply', 'no-evict', 'pause', 'unpause', 'unblock', 'help']],
  ['config', ['get', 'set', 'resetstat', 'rewrite', 'help']],
  ['latency', ['doctor', 'graph', 'help', 'histogram', 'history', 'latest', 'reset']],
  ['pubsub', ['channels', 'numsub', 'numpat', 'shardchannels', 'shardnumsub', 'help']],
  ['cluster', ['myid', 'keyslot', 'countkeysinslot', 'getkeysinslot', 'nodes', 'info', 'slots', 'shards', 'addslots', 'delslots',
    'addslotsrange', 'delslotsrange', 'setslot', 'meet', 'replicas', 'slaves', 'bumpepoch', 'links', 'help']],
  ['command', ['count', 'list', 'info', 'docs', 'getkeys', 'help']],
  ['memory', ['doctor', 'help', 'malloc-stats', 'purge', 'stats', 'usage']],
  ['slowlog', ['len', 'help', 'get', 'reset']],
]);

function ask(port: number, argv: string[]): Promise<RespValue> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const dec = new RespDecoder();
    s.on('error', reject);
    s.on('data', (b: Buffer) => {
      const got = dec.push(b);
      if (got[0] !== undefined) {
        s.destroy();
        resolve(got[0]);
      }
    });
    s.write(`*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

const str = (v: RespValue | undefined): string => (v === undefined ? '' : v.type === 'bulk' ? Buffer.from(v.value).toString() : v.type === 'simple' ? v.value : v.type === 'integer' ? String(v.value) : '');
const items = (v: RespValue | undefined): readonly RespValue[] => (v !== undefined && v.type === 'array' ? v.value : []);

function row(v: RespValue, group: string, keep: readonly string[] | undefined, indent: string): string {
  const f = items(v);
  const name = str(f[0]).split('|').pop() ?? '';
  const flags = items(f[2]).map(str);
  const acl = items(f[6]).map(str);
  const head = `${indent}['${name}', ${str(f[1])}, ${JSON.stringify(flags)}, [${str(f[3])}, ${str(f[4])}, ${str(f[5])}], ${JSON.stringify(acl)}, '${group}'`;
  if (keep === undefined) return `${head}],`;
  const subs = items(f[9]).filter((s) => keep.includes(str(items(s)[0]).split('|')[1] ?? ''));
  subs.sort((a, b) => keep.indexOf(str(items(a)[0]).split('|')[1] ?? '') - keep.indexOf(str(items(b)[0]).split('|')[1] ?? ''));
  return `${head}, [\n${subs.map((s) => row(s, group, undefined, `${indent}  `)).join('\n')}\n${indent}]],`;
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 6379);
  const lines: string[] = [];
  for (const name of NAMES) {
    const info = items(await ask(port, ['COMMAND', 'INFO', name]))[0];
    const docs = items(await ask(port, ['COMMAND', 'DOCS', name]));
    const d = items(docs[1]);
    // The keyspace's table spells the sorted-set group sorted_set.
    const group = str(d[d.findIndex((x) => str(x) === 'group') + 1]).replace('-', '_');
    if (info === undefined || info.type !== 'array') throw new Error(`no COMMAND INFO for ${name}`);
    lines.push(row(info, group, SUBCOMMANDS.get(name), '  '));
  }
  process.stdout.write(`/**
 * The rows of the commands this package answers itself, as redis-server 7.0.15's COMMAND INFO and
 * COMMAND DOCS give them (name, arity, flags, first/last/step key, ACL categories, docs group,
 * and the subcommands implemented here). Recorded by bench/record-command-rows.ts; do not edit.
 */
import type { CommandRow } from './command-table.js';

export const SERVER_COMMAND_ROWS: readonly CommandRow[] = [
${lines.join('\n')}
];
`);
}

void main();
