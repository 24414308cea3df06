/**
 * INFO persistence (server.c genRedisInfoString, the "Persistence" section, 7.0 field order) and
 * CONFIG GET/SET of the persistence directives (config.c). Where the server has INFO / CONFIG
 * registries (`infoSections`, a config table with `onChange`), the Persistence section and the
 * apply functions plug into them; otherwise INFO and CONFIG are registered in serverCommands:
 * INFO adds the Persistence section to the keyspace's sections, CONFIG answers the persistence
 * directives.
 */
import type { RespValue } from '@protolab/resp';
import { stringmatchlen } from '@protolab/redis-keyspace';
import type { RedisServer } from '../server.js';
import type { Persistence } from './persistence.js';
import { applyDirective, formatDirective, IMMUTABLE_DIRECTIVES, isPersistenceDirective, PERSISTENCE_DIRECTIVES } from './config.js';
import { PersistenceError } from './errors.js';

/** The fields of INFO persistence, in Redis 7.0's order. */
export function infoPersistenceFields(p: Persistence): [string, string | number][] {
  const now = p.now();
  const aof = p.aof;
  const s = p.stats;
  const rdbChild = p.rdbChild;
  const aofChild = p.aofChild;
  p.syncDirty();
  const fields: [string, string | number][] = [
    ['loading', 0], ['async_loading', 0], ['current_cow_peak', 0], ['current_cow_size', 0], ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'], ['current_save_keys_processed', 0], ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', p.state.dirty],
    ['rdb_bgsave_in_progress', rdbChild !== undefined ? 1 : 0],
    ['rdb_last_save_time', p.state.lastsaveSec],
    ['rdb_last_bgsave_status', p.state.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', s.rdbLastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', rdbChild !== undefined ? Math.floor((now - rdbChild.startMs) / 1000) : -1],
    ['rdb_saves', s.rdbSaves], ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', s.loadKeysExpired], ['rdb_last_load_keys_loaded', s.loadKeysLoaded],
    ['aof_enabled', aof !== undefined ? 1 : 0],
    ['aof_rewrite_in_progress', aofChild !== undefined ? 1 : 0],
    ['aof_rewrite_scheduled', p.aofRewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', s.aofLastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', aofChild !== undefined ? Math.floor((now - aofChild.startMs) / 1000) : -1],
    ['aof_last_bgrewrite_status', s.aofLastBgrewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', s.aofRewrites], ['aof_rewrites_consecutive_failures', s.aofRewriteFailures],
    ['aof_last_write_status', aof?.infoPersistence().aof_last_write_status ?? 'ok'],
    ['aof_last_cow_size', 0], ['module_fork_in_progress', 0], ['module_fork_last_cow_size', 0],
  ];
  if (aof !== undefined) {
    fields.push(
      ['aof_current_size', aof.fsyncState.currentSize], ['aof_base_size', aof.fsyncState.currentSize],
      ['aof_pending_rewrite', p.aofRewriteScheduled ? 1 : 0], ['aof_buffer_length', aof.pendingBytes],
      ['aof_pending_bio_fsync', 0], ['aof_delayed_fsync', aof.infoPersistence().aof_delayed_fsync],
    );
  }
  return fields;
}

export function infoPersistenceText(p: Persistence): string {
  return `# Persistence\r\n${infoPersistenceFields(p).map(([k, v]) => `${k}:${v}\r\n`).join('')}`;
}

const td = new TextDecoder();
const te = new TextEncoder();
const bulk = (s: string): RespValue => ({ type: 'bulk', value: te.encode(s) });

/** CONFIG GET <pattern>…: name, value pairs of the persistence directives that match. */
export function configGet(p: Persistence, patterns: readonly Uint8Array[]): [string, string][] {
  const out: [string, string][] = [];
  for (const name of PERSISTENCE_DIRECTIVES) {
    if (patterns.some((pat) => stringmatchlen(td.decode(pat).toLowerCase(), name))) out.push([name, formatDirective(p.config, name)]);
  }
  return out;
}

/** CONFIG SET name value [name value …] of persistence directives: all or nothing, as config.c. */
export function configSet(p: Persistence, args: readonly Uint8Array[]): RespValue {
  if (args.length === 0 || args.length % 2 !== 0) return { type: 'error', value: "ERR wrong number of arguments for 'config|set' command" };
  let next = p.config;
  for (let i = 0; i < args.length; i += 2) {
    const name = td.decode(args[i]).toLowerCase();
    const value = td.decode(args[i + 1]);
    if (!isPersistenceDirective(name)) return { type: 'error', value: `ERR Unknown option or number of arguments for CONFIG SET - '${name}'` };
    if (IMMUTABLE_DIRECTIVES.has(name)) return { type: 'error', value: `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config` };
    try {
      next = applyDirective(next, name, value);
    } catch (e) {
      if (!(e instanceof PersistenceError)) throw e;
      return { type: 'error', value: `ERR CONFIG SET failed (possibly related to argument '${name}') - ${e.message}` };
    }
  }
  try {
    p.reconfigure(next);
  } catch (e) {
    return { type: 'error', value: `ERR CONFIG SET failed - ${e instanceof Error ? e.message : String(e)}` };
  }
  return { type: 'simple', value: 'OK' };
}

function configCommand(p: Persistence, argv: Uint8Array[]): RespValue {
  const sub = td.decode(argv[1] ?? new Uint8Array()).toLowerCase();
  if (sub === 'get' && argv.length >= 3) {
    return { type: 'map', value: configGet(p, argv.slice(2)).map(([k, v]) => [bulk(k), bulk(v)] as [RespValue, RespValue]) };
  }
  if (sub === 'set') return configSet(p, argv.slice(2));
  if (sub === 'resetstat' && argv.length === 2) return { type: 'simple', value: 'OK' };
  return { type: 'error', value: `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try CONFIG HELP.` };
}

/** INFO: the keyspace's sections with Persistence in its place (before Stats) when asked for. */
function infoCommand(p: Persistence, reply: RespValue, argv: Uint8Array[]): RespValue {
  const sections = argv.slice(1).map((a) => td.decode(a).toLowerCase());
  const wanted = sections.length === 0 || sections.some((s) => s === 'persistence' || s === 'default' || s === 'all' || s === 'everything');
  if (!wanted || (reply.type !== 'bulk' && reply.type !== 'verbatim')) return reply;
  const text = td.decode(reply.value);
  const section = infoPersistenceText(p);
  const at = text.indexOf('# Stats');
  const merged = text === '' ? section : at >= 0 ? `${text.slice(0, at)}${section}\r\n${text.slice(at)}` : `${section}\r\n${text}`;
  return reply.type === 'verbatim' ? { ...reply, value: te.encode(merged) } : { type: 'bulk', value: te.encode(merged) };
}

/** The INFO / CONFIG registries of the server (server.ts `infoSections`, config.ts `ConfigTable`), seen structurally. */
interface Registries {
  readonly infoSections?: Map<string, (srv: unknown) => string>;
  readonly config?: {
    has(name: string): boolean;
    register(p: { name: string; defaultValue: string; immutable?: boolean; parse(v: string): { value: string } | { error: string } }): void;
    setAtStart(pairs: ReadonlyMap<string, string>): void;
    onChange(name: string, fn: (value: string, old: string) => string | undefined): void;
  };
}

/** Plug into the server's CONFIG table: start values from the persistence config, then apply functions. */
function plugConfig(table: NonNullable<Registries['config']>, p: Persistence): void {
  for (const name of PERSISTENCE_DIRECTIVES) {
    if (!table.has(name)) table.register({ name, defaultValue: formatDirective(p.config, name), immutable: IMMUTABLE_DIRECTIVES.has(name), parse: (v) => ({ value: v }) });
  }
  table.setAtStart(new Map(PERSISTENCE_DIRECTIVES.map((n) => [n, formatDirective(p.config, n)] as const)));
  for (const name of PERSISTENCE_DIRECTIVES) {
    table.onChange(name, (value) => {
      try {
        p.reconfigure(applyDirective(p.config, name, value));
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    });
  }
}

export function installInfoAndConfig(srv: RedisServer, p: Persistence): void {
  const reg = srv as unknown as Registries;
  const cmds = srv.serverCommands;
  if (reg.infoSections instanceof Map) reg.infoSections.set('persistence', () => infoPersistenceText(p));
  else if (!cmds.has('info')) cmds.set('info', (s, c, argv) => infoCommand(p, s.runOnKeyspace(c, argv), argv));
  const table = reg.config;
  if (table !== undefined && typeof table.onChange === 'function') plugConfig(table, p);
  else if (!cmds.has('config')) cmds.set('config', (_s, _c, argv) => configCommand(p, argv));
}
