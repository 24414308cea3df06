/**
 * slowlog.c: the slow log. A command whose execution took at least `slowlog-log-slower-than`
 * microseconds (-1: never, 0: every command) is recorded, newest first, keeping at most
 * `slowlog-max-len` entries. An entry is what slowlogCreateEntry keeps: a growing id, the Unix
 * time (s), the duration (µs), the arguments (at most SLOWLOG_ENTRY_MAX_ARGC, each at most
 * SLOWLOG_ENTRY_MAX_STRING bytes), the client's ip:port and name.
 *
 * Which commands are offered (server.c call → slowlogPushCurrentCommand) is decided by the
 * server (server.ts afterCall): not EXEC (CMD_SKIP_SLOWLOG; its commands are logged one by
 * one), not a client that blocked, not a refused command; AUTH / HELLO AUTH passwords are
 * "(redacted)" (monitor.ts redactedArgv, as redactClientCommandArgument leaves c->original_argv).
 *
 * Sans-I/O: the duration and the time are given by the caller (the server's injected clock).
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { ConfigTable } from './config.js';
import { intParam } from './config.js';
import type { RedisServer } from './server.js';
import { checkCommand } from './command-table.js';

/** redis/src/slowlog.h SLOWLOG_ENTRY_MAX_ARGC (7.0) */
export const SLOWLOG_ENTRY_MAX_ARGC = 32;
/** redis/src/slowlog.h SLOWLOG_ENTRY_MAX_STRING (7.0) */
export const SLOWLOG_ENTRY_MAX_STRING = 128;

const LONG_MAX = Number.MAX_SAFE_INTEGER;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface SlowlogEntry {
  readonly id: number;
  /** Unix time in seconds when the command was logged. */
  readonly time: number;
  /** Execution time in microseconds. */
  readonly duration: number;
  readonly argv: readonly Uint8Array[];
  /** ip:port of the client (getClientPeerId). */
  readonly peerId: string;
  /** The client's name, empty when it has none. */
  readonly cname: Uint8Array;
}

/**
 * slowlog.c slowlogCreateEntry's argument vector: over SLOWLOG_ENTRY_MAX_ARGC arguments, the
 * last kept slot says "... (N more arguments)"; an argument over SLOWLOG_ENTRY_MAX_STRING bytes
 * is cut there and followed by "... (N more bytes)".
 */
export function slowlogArgv(argv: readonly Uint8Array[]): Uint8Array[] {
  const argc = argv.length;
  const kept = Math.min(argc, SLOWLOG_ENTRY_MAX_ARGC);
  const out: Uint8Array[] = [];
  for (let j = 0; j < kept; j++) {
    const a = argv[j] ?? new Uint8Array();
    if (kept !== argc && j === kept - 1) out.push(enc(`... (${argc - kept + 1} more arguments)`));
    else if (a.length > SLOWLOG_ENTRY_MAX_STRING) {
      const tail = enc(`... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`);
      const cut = new Uint8Array(SLOWLOG_ENTRY_MAX_STRING + tail.length);
      cut.set(a.subarray(0, SLOWLOG_ENTRY_MAX_STRING));
      cut.set(tail, SLOWLOG_ENTRY_MAX_STRING);
      out.push(cut);
    } else out.push(a.slice());
  }
  return out;
}

/** server.slowlog and server.slowlog_entry_id, with the two parameters that govern them. */
export class SlowLog {
  /** Newest first (listAddNodeHead). */
  private entries: SlowlogEntry[] = [];
  private nextId = 0;
  slowerThan = 10000;
  maxLen = 128;

  /** slowlogPushEntryIfNeeded: log when enabled and at least as slow as the threshold, then trim. */
  push(c: Client, argv: readonly Uint8Array[], durationUs: number, nowMs: number): void {
    if (this.slowerThan < 0 || durationUs < this.slowerThan) return;
    this.entries.unshift({ id: this.nextId++, time: Math.floor(nowMs / 1000), duration: durationUs, argv: slowlogArgv(argv), peerId: c.addr, cname: c.name?.slice() ?? new Uint8Array() });
    this.trim();
  }

  /** Keep at most maxLen entries (the oldest go first). */
  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  get length(): number {
    return this.entries.length;
  }

  /** SLOWLOG RESET (the ids keep growing). */
  reset(): void {
    this.entries = [];
  }

  /** The newest `count` entries. */
  newest(count: number): readonly SlowlogEntry[] {
    return this.entries.slice(0, count);
  }
}

/** config.c: slowlog-log-slower-than (LONG_LONG, -1..LLONG_MAX) and slowlog-max-len (ULONG, 0..LONG_MAX). */
export function registerSlowlogConfig(table: ConfigTable, log: SlowLog): void {
  table.register(intParam('slowlog-log-slower-than', -1, LONG_MAX, 10000));
  table.register(intParam('slowlog-max-len', 0, LONG_MAX, 128));
  table.onChange('slowlog-log-slower-than', (v) => void (log.slowerThan = Number(v)));
  table.onChange('slowlog-max-len', (v) => {
    log.maxLen = Number(v);
    log.trim();
    return undefined;
  });
}

const HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

const bulk = (b: Uint8Array): RespValue => ({ type: 'bulk', value: b });
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });

function entryReply(e: SlowlogEntry): RespValue {
  return { type: 'array', value: [int(e.id), int(e.time), int(e.duration), { type: 'array', value: e.argv.map(bulk) }, bulk(enc(e.peerId)), bulk(e.cname)] };
}

/** slowlog.c slowlogCommand */
export function slowlogCommand(srv: RedisServer, _c: Client, argv: Uint8Array[]): RespValue {
  // processCommand's checks: the subcommand exists, its arity holds.
  const checked = checkCommand(srv, argv);
  if (checked !== undefined && 'error' in checked) return checked.error;
  const sub = keyOf(argv[1] ?? new Uint8Array()).toLowerCase();
  const log = srv.slowlog;
  if (argv.length === 2 && sub === 'help') return { type: 'array', value: HELP.map((l) => ({ type: 'simple', value: l })) };
  if (argv.length === 2 && sub === 'reset') {
    log.reset();
    return { type: 'simple', value: 'OK' };
  }
  if (argv.length === 2 && sub === 'len') return int(log.length);
  if ((argv.length === 2 || argv.length === 3) && sub === 'get') {
    let count = 10;
    if (argv[2] !== undefined) {
      const s = keyOf(argv[2]);
      const n = /^-?(0|[1-9][0-9]{0,18})$/.test(s) ? Number(s) : Number.NaN;
      if (!(n >= -1)) return { type: 'error', value: 'ERR count should be greater than or equal to -1' };
      count = n === -1 ? log.length : n;
    }
    return { type: 'array', value: log.newest(count).map(entryReply) };
  }
  // addReplySubcommandSyntaxError
  const raw = keyOf(argv[1] ?? new Uint8Array()).slice(0, 128);
  return { type: 'error', value: `ERR unknown subcommand or wrong number of arguments for '${raw}'. Try SLOWLOG HELP.`.replace(/[\r\n]/g, ' ') };
}
