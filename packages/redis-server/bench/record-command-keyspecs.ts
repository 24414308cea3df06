/**
 * Records the tips and key specs of COMMAND INFO (elements 8 and 9 of each row: what clients that
 * route by key specs, and cluster clients that follow request/response-policy tips, read) from a
 * real redis-server 7.0.15, for every command and subcommand the keyspace and this server describe,
 * and prints packages/redis-keyspace/src/command-keyspecs.ts. A key spec's `notes` (a sentence of
 * Redis's prose) is not kept:
 *
 *   redis-server --port 16391 --save '' &
 *   npx tsx --conditions=@protolab/source packages/redis-server/bench/record-command-keyspecs.ts 16391 > packages/redis-keyspace/src/command-keyspecs.ts
 */
import { COMMANDS } from '@protolab/redis-keyspace';
import type { RespValue } from '@protolab/resp';
import { SERVER_COMMAND_ROWS } from '../src/command-rows.js';
import { pipeline } from '../test/peer-client.js';

const str = (v: RespValue | undefined): string => (v === undefined ? '' : v.type === 'bulk' ? Buffer.from(v.value).toString() : v.type === 'simple' ? v.value : '');
const items = (v: RespValue | undefined): readonly RespValue[] => (v !== undefined && (v.type === 'array' || v.type === 'set') ? v.value : []);

/** A flat RESP2 map as [key, value] pairs. */
const pairs = (v: RespValue | undefined): [string, RespValue][] => {
  const f = items(v);
  const out: [string, RespValue][] = [];
  for (let i = 0; i + 1 < f.length; i += 2) out.push([str(f[i]), f[i + 1] as RespValue]);
  return out;
};

/** begin_search / find_keys: the type and its spec's fields (integers as numbers, strings as strings). */
function search(v: RespValue | undefined): { type: string; spec: [string, number | string][] } {
  const m = new Map(pairs(v));
  const spec = pairs(m.get('spec')).map(([k, x]): [string, number | string] => [k, x.type === 'integer' ? Number(x.value) : str(x)]);
  return { type: str(m.get('type')), spec };
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 6379);
  const tops = [...new Set([...COMMANDS.keys(), ...SERVER_COMMAND_ROWS.map((r) => r[0])])].sort();
  const [all] = await pipeline(port, [['COMMAND', 'INFO', ...tops]]);
  const lines: string[] = [];
  const visit = (row: RespValue): void => {
    const f = items(row);
    const name = str(f[0]);
    const tips = items(f[7]).map(str);
    const keySpecs = items(f[8]).map((ks) => {
      const m = new Map(pairs(ks));
      return { flags: items(m.get('flags')).map(str), begin_search: search(m.get('begin_search')), find_keys: search(m.get('find_keys')) };
    });
    if (tips.length > 0 || keySpecs.length > 0) lines.push(`  ['${name}', ${JSON.stringify(JSON.stringify({ tips, keySpecs }))}],`);
    for (const sub of items(f[9])) visit(sub);
  };
  for (const row of items(all)) if (row.type === 'array') visit(row);
  process.stdout.write(`/**
 * COMMAND INFO's tips and key specs (server.c addReplyCommandTips / addReplyCommandKeySpecs) for
 * every command and subcommand, by full name, as redis-server 7.0.15 gives them — without a key
 * spec's \`notes\`. Recorded by packages/redis-server/bench/record-command-keyspecs.ts; do not edit.
 * One JSON object per command: { tips: string[], keySpecs: { flags, begin_search, find_keys }[] },
 * a search's \`spec\` as [field, value] pairs in Redis's order.
 */
export const COMMAND_KEY_SPECS: ReadonlyMap<string, string> = new Map([
${lines.join('\n')}
]);
`);
}

void main();
