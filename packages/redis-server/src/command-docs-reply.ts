/**
 * server.c addReplyCommandDocs for this server's table: per command a map with its group (as
 * Redis spells it) and, when recorded, its arguments (command-docs.ts) — what redis-cli 7.0 builds
 * its hints from — plus a container's subcommands. Summaries, complexity and history are not kept.
 */
import type { RespValue } from '@protolab/resp';
import { lookupByFullName, type CommandSpec } from '@protolab/redis-keyspace';
import { COMMAND_ARGUMENTS } from './command-docs.js';

const enc = new TextEncoder();
const bulk = (s: string): RespValue => ({ type: 'bulk', value: enc.encode(s) });
const map = (resp: 2 | 3, pairs: [RespValue, RespValue][]): RespValue =>
  resp === 3 ? { type: 'map', value: pairs } : { type: 'array', value: pairs.flat() };

/** One recorded argument (a JSON object) as the map addReplyCommandArgList writes. */
function argument(resp: 2 | 3, a: unknown): RespValue {
  const pairs: [RespValue, RespValue][] = [];
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) { // map-ok: walks a recorded COMMAND DOCS argument (checked-in JSON) in its recorded order; nothing is looked up by input
    let value: RespValue;
    if (k === 'flags' && Array.isArray(v)) {
      const items: RespValue[] = v.map((f) => ({ type: 'simple', value: String(f) }));
      value = resp === 3 ? { type: 'set', value: items } : { type: 'array', value: items };
    } else if (k === 'arguments' && Array.isArray(v)) value = { type: 'array', value: v.map((x) => argument(resp, x)) };
    else if (typeof v === 'number') value = { type: 'integer', value: BigInt(v) };
    else value = bulk(String(v));
    pairs.push([bulk(k), value]);
  }
  return map(resp, pairs);
}

function docsOf(resp: 2 | 3, s: CommandSpec, fullname: string): RespValue {
  const pairs: [RespValue, RespValue][] = [[bulk('group'), bulk(s.group.replace('_', '-'))]];
  const args = COMMAND_ARGUMENTS.get(fullname);
  if (args !== undefined) pairs.push([bulk('arguments'), { type: 'array', value: (JSON.parse(args) as unknown[]).map((a) => argument(resp, a)) }]);
  if (s.subcommands !== undefined && s.subcommands.size > 0) {
    const subs = [...s.subcommands.values()].map((x): [RespValue, RespValue] => [bulk(`${fullname}|${x.name}`), docsOf(resp, x, `${fullname}|${x.name}`)]);
    pairs.push([bulk('subcommands'), map(resp, subs)]);
  }
  return map(resp, pairs);
}

/** COMMAND DOCS [name…]: every command of the table when no name is given; unknown names skipped. */
export function commandDocs(table: ReadonlyMap<string, CommandSpec>, names: readonly string[], resp: 2 | 3): RespValue {
  const found = names.length === 0 ? [...table.values()].map((s): [CommandSpec, string] => [s, s.name]) : names.map((n) => lookupByFullName(table, n)).filter((x): x is [CommandSpec, string] => x !== undefined);
  return map(resp, found.map(([s, full]): [RespValue, RespValue] => [bulk(full), docsOf(resp, s, full)]));
}
