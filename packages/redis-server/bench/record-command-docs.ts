/**
 * Records the argument lists of COMMAND DOCS (what redis-cli 7.0 builds its hints from) from a
 * real redis-server 7.0.15, for every command this server describes, and prints
 * src/command-docs.ts (one JSON line per command; summaries and complexity are not kept):
 *
 *   redis-server --port 16391 --save '' &
 *   npx tsx --conditions=@protolab/source packages/redis-server/bench/record-command-docs.ts 16391 > packages/redis-server/src/command-docs.ts
 */
import net from 'node:net';
import { RespDecoder, type RespValue } from '@protolab/resp';
import { COMMANDS } from '@protolab/redis-keyspace';
import { SERVER_COMMAND_ROWS } from '../src/command-rows.js';

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

/** A docs value as JSON: strings for bulk and simple replies, numbers for integers, arrays, maps as objects. */
function json(v: RespValue): unknown {
  switch (v.type) {
    case 'bulk':
      return Buffer.from(v.value).toString();
    case 'simple':
      return v.value;
    case 'integer':
      return Number(v.value);
    case 'array': {
      const items = v.value;
      // An argument (a flat map in RESP2) starts with "name"; a list of arguments holds arrays.
      if (items[0]?.type === 'bulk' && Buffer.from(items[0].value).toString() === 'name') {
        const o = new Map<string, unknown>();
        for (let i = 0; i + 1 < items.length; i += 2) o.set(String(json(items[i] as RespValue)), json(items[i + 1] as RespValue));
        return Object.fromEntries(o);
      }
      return items.map(json);
    }
    default:
      return null;
  }
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 6379);
  const subs = (name: string): string[] => {
    const row = SERVER_COMMAND_ROWS.find((r) => r[0] === name);
    const keys = row?.[6]?.map((r) => r[0]) ?? [...(COMMANDS.get(name)?.subcommands?.keys() ?? [])];
    return keys.map((k) => `${name}|${k}`);
  };
  const tops = [...new Set([...COMMANDS.keys(), ...SERVER_COMMAND_ROWS.map((r) => r[0])])].sort();
  const names = tops.flatMap((n) => [n, ...subs(n)]);
  const lines: string[] = [];
  for (const name of names) {
    const docs = await ask(port, ['COMMAND', 'DOCS', name]);
    const body = docs.type === 'array' ? docs.value[1] : undefined;
    if (body?.type !== 'array') continue;
    const at = body.value.findIndex((x) => x.type === 'bulk' && Buffer.from(x.value).toString() === 'arguments');
    const args = at >= 0 ? body.value[at + 1] : undefined;
    if (args !== undefined) lines.push(`  ['${name}', ${JSON.stringify(JSON.stringify(json(args)))}],`);
  }
  process.stdout.write(`/**
 * The arguments of COMMAND DOCS for the commands this server describes, as redis-server 7.0.15
 * gives them (redis-cli builds its hints from them). Recorded by bench/record-command-docs.ts; do
 * not edit. One JSON array per command: name, type, token, flags, key_spec_index, arguments.
 */
export const COMMAND_ARGUMENTS: ReadonlyMap<string, string> = new Map([
${lines.join('\n')}
]);
`);
}

void main();
