/**
 * The persistence commands, registered in `RedisServer.serverCommands`: SAVE, BGSAVE, BGREWRITEAOF,
 * LASTSAVE (rdb.c saveCommand, bgsaveCommand, lastsaveCommand; aof.c bgrewriteaofCommand),
 * SHUTDOWN (server.c shutdownCommand), DEBUG RELOAD and the log of DEBUG LOG (given to debug.ts), and
 * the -MISCONF check of processCommand (writeCommandsDeniedByDiskError). CONFIG and INFO fields
 * live in info-config.ts.
 */
import type { RespValue } from '@protolab/resp';
import type { RedisServer } from '../server.js';
import type { Client } from '../client.js';
import type { Persistence } from './persistence.js';
import { installInfoAndConfig } from './info-config.js';
import { signalFlushedDb } from '../multi.js';
import { debugCommand } from '../debug.js';

const td = new TextDecoder();
const word = (b: Uint8Array | undefined): string => (b === undefined ? '' : td.decode(b).toLowerCase());

/** A `+text` / `-text` line of the save-point machine as a reply value. */
export function lineReply(text: string): RespValue {
  return text.startsWith('-') ? { type: 'error', value: text.slice(1) } : { type: 'simple', value: text.replace(/^\+/, '') };
}

const arity = (name: string): RespValue => ({ type: 'error', value: `ERR wrong number of arguments for '${name}' command` });
const SYNTAX: RespValue = { type: 'error', value: 'ERR syntax error' };

function shutdownCommand(p: Persistence, c: Client, argv: Uint8Array[]): RespValue | undefined {
  const flags: { nosave?: boolean; save?: boolean; force?: boolean } = {};
  for (const a of argv.slice(1)) {
    const w = word(a);
    if (w === 'nosave') flags.nosave = true;
    else if (w === 'save') flags.save = true;
    else if (w === 'force') flags.force = true;
    else if (w === 'abort') return { type: 'error', value: 'ERR No shutdown in progress.' };
    else if (w !== 'now') return SYNTAX;
  }
  if (flags.nosave === true && flags.save === true) return SYNTAX;
  if (!p.prepareForShutdown(flags)) return { type: 'error', value: 'ERR Errors trying to SHUTDOWN. Check logs.' };
  // No reply: the connection closes with the server.
  c.closeAfterReply = true;
  p.exit(0);
  return undefined;
}

/** debug.c DEBUG RELOAD: save, empty (signalFlushedDb), load; nothing propagated. */
function debugReload(srv: RedisServer, p: Persistence): RespValue {
  try {
    // The save comes first and can fail; only then is the dataset emptied (signalFlushedDb).
    p.debugReload(() => {
      signalFlushedDb(srv, -1);
    });
  } catch (e) {
    return { type: 'error', value: `ERR Error trying to load the RDB dump: ${e instanceof Error ? e.message : String(e)}` };
  }
  p.log('DB reloaded by DEBUG RELOAD');
  return { type: 'simple', value: 'OK' };
}

/** The keyspace's answer to COMMAND INFO: does `name` carry the `write` flag? (cached per name) */
function writeFlag(srv: RedisServer, cache: Map<string, boolean>, name: string): boolean {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const info = srv.keyspace.execute(['COMMAND', 'INFO', name]);
  let w = false;
  if (info.type === 'array') {
    const row = info.value[0];
    const flags = row?.type === 'array' ? row.value[2] : undefined;
    if (flags?.type === 'array') w = flags.value.some((f) => f.type === 'simple' && f.value === 'write');
  }
  cache.set(name, w);
  return w;
}

export function installPersistenceCommands(srv: RedisServer, p: Persistence): void {
  const cmds = srv.serverCommands;
  cmds.set('save', (_s, _c, argv) => (argv.length !== 1 ? arity('save') : lineReply(p.save())));
  cmds.set('bgsave', (_s, _c, argv) => {
    // rdb.c bgsaveCommand (arity -1): anything but a lone SCHEDULE is a syntax error.
    if (argv.length > 2 || (argv.length === 2 && word(argv[1]) !== 'schedule')) return SYNTAX;
    return lineReply(p.bgsave(argv.length === 2));
  });
  cmds.set('bgrewriteaof', (_s, _c, argv) => (argv.length !== 1 ? arity('bgrewriteaof') : lineReply(p.bgrewriteaof())));
  cmds.set('lastsave', (_s, _c, argv) => (argv.length !== 1 ? arity('lastsave') : { type: 'integer', value: BigInt(p.state.lastsaveSec) }));
  cmds.set('shutdown', (_s, c, argv) => shutdownCommand(p, c, argv));
  cmds.set('debug', (_s, c, argv) => debugCommand(srv, c, argv, { reload: () => debugReload(srv, p), log: (line) => { p.log(line); } }));
  const writes = new Map<string, boolean>();
  srv.commandFilters.push((s, _c, name) => {
    const denied = p.writeDeniedError();
    if (denied === undefined || !writeFlag(s, writes, name)) return undefined;
    return { type: 'error', value: denied };
  });
  installInfoAndConfig(srv, p);
}
