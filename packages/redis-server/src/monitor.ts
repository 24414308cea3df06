/**
 * MONITOR (server.c monitorCommand, replication.c replicationFeedMonitors) and what server.c
 * call() decides after running a command: whether MONITOR clients see it and whether the slow
 * log is offered it.
 *
 * A monitor receives, for every command a client runs (itself included), after the command ran
 * (7.0 feeds monitors at the end of call(), so `SELECT 2` shows db 2):
 *
 *   +1796444161.525597 [2 127.0.0.1:51142] "SET" "a b" "x\ny\x01\"q"
 *
 * the time as seconds.microseconds, the client's db and ip:port, each argument quoted as
 * sds.c sdscatrepr does. Not shown: commands refused before running (unknown, wrong arity, a
 * filter's refusal), commands queued by MULTI (their turn is EXEC, each before the EXEC line),
 * admin commands (CONFIG, CLIENT LIST, SLOWLOG, DEBUG…) and CMD_SKIP_MONITOR ones. AUTH and
 * HELLO … AUTH show "(redacted)" in place of the credentials (redactClientCommandArgument).
 * Lua ("[0 lua]") and unix-socket forms are not produced: this server has neither.
 */
import type { RespValue } from '@protolab/resp';
import type { CommandSpec } from '@protolab/redis-keyspace';
import { COMMANDS } from '@protolab/redis-keyspace';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import { SERVER_ROWS } from './command-table.js';
import type { RedisServer } from './server.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const REDACTED = enc('(redacted)');
const ESCAPES = new Map<number, string>([
  [0x5c, '\\\\'],
  [0x22, '\\"'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x07, '\\a'],
  [0x08, '\\b'],
]);

/** sds.c sdscatrepr: a double-quoted, escaped form of any bytes (printable ASCII as is). */
export function catRepr(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    const esc = ESCAPES.get(b);
    if (esc !== undefined) s += esc;
    else if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

/** config.c 7.0's SENSITIVE_CONFIG rows (no aliases). */
const SENSITIVE_CONFIGS: ReadonlySet<string> = new Set(['masteruser', 'masterauth', 'requirepass']);

/** configSetCommand: the value after every SENSITIVE_CONFIG name is redacted, whatever else fails. */
function redactConfigSet(argv: readonly Uint8Array[]): readonly Uint8Array[] {
  const out = [...argv];
  for (let i = 2; i + 1 < argv.length; i += 2) if (SENSITIVE_CONFIGS.has(keyOf(argv[i] ?? new Uint8Array()).toLowerCase())) out[i + 1] = REDACTED;
  return out;
}

/**
 * The arguments as MONITOR and SLOWLOG show them: authCommand redacts AUTH's arguments,
 * helloCommand the two after each AUTH option (only once the protocol version was accepted),
 * configSetCommand the values of SENSITIVE_CONFIG parameters.
 */
export function redactedArgv(name: string, argv: readonly Uint8Array[]): readonly Uint8Array[] {
  if (name === 'auth' && argv.length >= 2 && argv.length <= 3) return [argv[0] ?? REDACTED, ...argv.slice(1).map(() => REDACTED)];
  if (name === 'config' && argv.length >= 4 && argv.length % 2 === 0 && keyOf(argv[1] ?? new Uint8Array()).toLowerCase() === 'set') return redactConfigSet(argv);
  if (name !== 'hello' || argv.length < 5) return argv;
  const ver = keyOf(argv[1] ?? new Uint8Array());
  if (ver !== '2' && ver !== '3') return argv;
  const out = [...argv];
  for (let j = 2; j < argv.length; j++) {
    const opt = keyOf(argv[j] ?? new Uint8Array()).toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'auth' && more >= 2) {
      out[j + 1] = REDACTED;
      out[j + 2] = REDACTED;
      j += 2;
    } else if (opt === 'setname' && more >= 1) j++;
    else break;
  }
  return out;
}

/** replicationFeedMonitors' line for one command (`usec`: the Unix time in µs). */
export function monitorLine(usec: number, db: number, peerId: string, argv: readonly Uint8Array[]): Uint8Array {
  const sec = Math.floor(usec / 1e6);
  const frac = String(Math.floor(usec - sec * 1e6)).padStart(6, '0');
  return enc(`+${sec}.${frac} [${db} ${peerId}] ${argv.map(catRepr).join(' ')}\r\n`);
}

/**
 * The table row processCommand would have found for this call (the subcommand's for a container),
 * or undefined when processCommand would have refused it (unknown command or subcommand, arity).
 */
export function callSpec(name: string, argv: readonly Uint8Array[]): CommandSpec | undefined {
  const top = SERVER_ROWS.get(name) ?? COMMANDS.get(name);
  if (top === undefined) return undefined;
  let spec = top;
  if (top.subcommands !== undefined && argv.length >= 2) {
    const sub = top.subcommands.get(keyOf(argv[1] ?? new Uint8Array()).toLowerCase());
    if (sub === undefined) return undefined;
    spec = sub;
  }
  const n = argv.length;
  return (spec.arity > 0 && n !== spec.arity) || n < -spec.arity ? undefined : spec;
}

/**
 * processCommand: a monitor (CLIENT_SLAVE) may not run a command that reads, writes or may
 * replicate ("Replica can't interact with the keyspace"); undefined when allowed.
 */
export function monitorRefusal(name: string, argv: readonly Uint8Array[]): string | undefined {
  const spec = callSpec(name, argv);
  if (spec === undefined) return undefined;
  const touchesKeys = spec.flags.includes('write') || spec.flags.includes('readonly') || spec.flags.includes('may_replicate');
  return touchesKeys ? "ERR Replica can't interact with the keyspace" : undefined;
}

/** server.c monitorCommand */
export function monitorCommand(srv: RedisServer, c: Client): RespValue | undefined {
  // Inside MULTI (EXEC runs it) the client has CLIENT_DENY_BLOCKING.
  if (srv.inExec(c)) return { type: 'error', value: "ERR MONITOR isn't allowed for DENY BLOCKING client" };
  // Already a monitor: ignored, no reply.
  if (srv.monitors.has(c)) return undefined;
  srv.monitors.add(c);
  return { type: 'simple', value: 'OK' };
}
