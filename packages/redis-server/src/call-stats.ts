/**
 * What call()'s counters need to know about a command (server.c lookupCommand, commandCheckArity,
 * and the refusals of processCommand that rejectCommand answers): split out of call.ts.
 */
import type { CommandSpec } from '@protolab/redis-keyspace';
import { COMMANDS } from '@protolab/redis-keyspace';
import { keyOf } from './client.js';
import { SERVER_ROWS } from './command-table.js';

/** The table row of a command: its full name (config|get), the row, and whether its arity passes. */
export interface StatsLookup {
  readonly full: string;
  readonly spec: CommandSpec;
  readonly arityOk: boolean;
}

/**
 * lookupCommand + commandCheckArity for the counters: undefined for an unknown command or
 * subcommand (c->cmd is NULL: no cmdstat moves).
 */
export function lookupForStats(name: string, argv: readonly Uint8Array[]): StatsLookup | undefined {
  const cached = PLAIN.get(name);
  // A command without subcommands: one of its two records, made once (call() runs this per command).
  if (cached !== undefined) return arityOk(cached[0].spec, argv.length) ? cached[0] : cached[1];
  const top = SERVER_ROWS.get(name) ?? COMMANDS.get(name);
  if (top === undefined) return undefined;
  if (top.subcommands === undefined && PLAIN.size < PLAIN_MAX) {
    const pair: readonly [StatsLookup, StatsLookup] = [{ full: top.name, spec: top, arityOk: true }, { full: top.name, spec: top, arityOk: false }];
    PLAIN.set(name, pair);
    return arityOk(top, argv.length) ? pair[0] : pair[1];
  }
  let spec = top;
  let full = top.name;
  if (top.subcommands !== undefined && argv.length >= 2) {
    const sub = top.subcommands.get(keyOf(argv[1] ?? new Uint8Array()).toLowerCase());
    if (sub === undefined) return undefined;
    spec = sub;
    full = `${top.name}|${sub.name}`;
  }
  return { full, spec, arityOk: arityOk(spec, argv.length) };
}

/** commandCheckArity: a fixed arity exactly, a negative one as a minimum. */
function arityOk(spec: CommandSpec, n: number): boolean {
  return !((spec.arity > 0 && n !== spec.arity) || n < -spec.arity);
}

/** The records of commands without subcommands, by lower-case name (names are table rows: bounded). */
const PLAIN = new Map<string, readonly [StatsLookup, StatsLookup]>();
const PLAIN_MAX = 1024;

/**
 * An error reply that processCommand gives before running the command (rejectCommand), which the
 * keyspace answers in our split: 'unknown' (no command: no cmdstat), 'rejected' (rejected_calls:
 * OOM of performEvictions, READONLY of a replica), undefined (the command ran and failed).
 */
export function rejectionKind(text: string): 'unknown' | 'rejected' | undefined {
  if (text.startsWith("ERR unknown command '")) return 'unknown';
  if (text.startsWith('OOM command not allowed') || text.startsWith("READONLY You can't write against a read only replica")) return 'rejected';
  return undefined;
}

/** DEBUG ERROR <text>: an error Redis writes as raw protocol (addReplySds), which no error counter sees. */
export function isRawError(name: string, argv: readonly Uint8Array[]): boolean {
  return name === 'debug' && argv.length === 3 && keyOf(argv[1] ?? new Uint8Array()).toLowerCase() === 'error';
}
