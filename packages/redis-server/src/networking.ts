/**
 * networking.c's pieces that are plain functions of a client: the output buffer limit check
 * (checkClientOutputBufferLimits), the query buffer accounting of readQueryFromClient, the
 * queue of commands read and not yet run, and resetClient's CLIENT REPLY SKIP step.
 * `RedisServer` (server.ts) calls them on its event path.
 */
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { OutputBufferLimit } from './server-config.js';

/**
 * networking.c checkClientOutputBufferLimits: over the class's hard limit, or over its soft
 * limit for more than soft-seconds (the start is kept in c->obuf_soft_limit_reached_time).
 * True when the client must be closed (closeClientOnOutputBufferLimitReached).
 */
export function checkClientOutputBufferLimits(limits: OutputBufferLimit | undefined, c: Client, nowMs: number): boolean {
  if (limits === undefined || (limits.hard === 0 && limits.soft === 0)) return false;
  const used = c.outboxBytes + c.socketPendingBytes;
  let over = limits.hard > 0 && used >= limits.hard;
  if (limits.soft > 0 && used >= limits.soft) {
    if (c.softLimitSinceMs === 0) c.softLimitSinceMs = nowMs;
    else if (Math.floor((nowMs - c.softLimitSinceMs) / 1000) > limits.softSeconds) over = true;
  } else c.softLimitSinceMs = 0;
  return over;
}

/**
 * readQueryFromClient → the parser: queue every complete command of `bytes` behind the client's
 * waiting ones (counted toward its query buffer). Returns the protocol error, if any, and the
 * query buffer size (c->querybuf plus the commands not yet run) for client-query-buffer-limit.
 */
export function readQueryFromClient(c: Client, bytes: Uint8Array): { error: { readonly redisText: string } | undefined; qbuf: number } {
  const { commands, error } = c.parser.feed(bytes);
  for (const item of commands) {
    if (item.kind !== 'command') continue;
    c.pending.push(item.argv);
    for (const a of item.argv) c.pendingBytes += a.length;
  }
  return { error, qbuf: c.parser.bufferCapacity + c.pendingBytes };
}

/** The next waiting command of `c` (its bytes leave the query buffer), or undefined. */
export function nextPendingCommand(c: Client): Uint8Array[] | undefined {
  const argv = c.pending[c.pendingAt];
  c.pendingAt++;
  if (c.pendingAt >= c.pending.length) {
    c.pending = [];
    c.pendingAt = 0;
  }
  if (argv === undefined) return undefined;
  for (const a of argv) c.pendingBytes -= a.length;
  return argv;
}

/** Forget the commands a client sent and has not run (its connection is going away). */
export function dropPendingCommands(c: Client): void {
  c.pending = [];
  c.pendingAt = 0;
  c.pendingBytes = 0;
}

/** networking.c resetClient: CLIENT REPLY SKIP lasts one command; SKIP arms it for the next. */
export function resetClientReplyMode(c: Client): void {
  if (c.replyMode === 'skip') c.replyMode = 'on';
  else if (c.replyMode === 'skipnext') c.replyMode = 'skip';
}

/** Command names up to this length are remembered per client (commandName). */
const NAME_CACHE_MAX = 32;

/**
 * The lower-case command name of `argv0` (lookupCommand's case-insensitive match): the client's
 * previous name when the bytes are the same (a pipeline of one command), else converted.
 */
export function commandName(c: Client, argv0: Uint8Array): string {
  const last = c.cmdNameBytes;
  const n = argv0.length;
  if (last?.length === n) {
    let i = 0;
    while (i < n && last[i] === argv0[i]) i++;
    if (i === n) return c.cmdName;
  }
  const name = keyOf(argv0).toLowerCase();
  if (n <= NAME_CACHE_MAX) {
    c.cmdNameBytes = argv0.slice();
    c.cmdName = name;
  }
  return name;
}

/** CLIENT_CLOSE_AFTER_REPLY (a function: commands set it, which flow analysis cannot see). */
export function closing(c: Client): boolean {
  return c.closeAfterReply;
}
