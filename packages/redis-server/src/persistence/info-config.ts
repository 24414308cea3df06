/**
 * INFO persistence (server.c genRedisInfoString, the "Persistence" section, 7.0 field order) and
 * the apply functions of the persistence directives in the server's CONFIG table (config.c).
 */
import type { RedisServer } from '../server.js';
import { stringParam, type ConfigTable } from '../config.js';
import type { Persistence } from './persistence.js';
import { applyDirective, DEFAULT_PERSISTENCE_CONFIG, formatDirective, IMMUTABLE_DIRECTIVES, PERSISTENCE_DIRECTIVES } from './config.js';

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
      ['aof_current_size', aof.fsyncState.currentSize], ['aof_base_size', baseSize(p)],
      ['aof_pending_rewrite', p.aofRewriteScheduled ? 1 : 0], ['aof_buffer_length', aof.pendingBytes],
      ['aof_pending_bio_fsync', 0], ['aof_delayed_fsync', aof.infoPersistence().aof_delayed_fsync],
    );
  }
  return fields;
}

/** server.aof_rewrite_base_size: the size of the BASE file the manifest names. */
function baseSize(p: Persistence): number {
  const aof = p.aof;
  const base = aof?.manifest.base;
  if (aof === undefined || base === undefined) return 0;
  const file = aof.path(base.fileName);
  return p.disk.exists(file) ? p.disk.size(file) : 0;
}

export function infoPersistenceText(p: Persistence): string {
  return `# Persistence\r\n${infoPersistenceFields(p).map(([k, v]) => `${k}:${v}\r\n`).join('')}`;
}

/**
 * Plug into the server's CONFIG table (config.ts): the persistence directives take their start
 * values from the persistence config, and each CONFIG SET runs `Persistence.reconfigure` (a
 * refusal restores the old value, as config.c's apply functions do).
 */
function plugConfig(table: ConfigTable, p: Persistence): void {
  for (const name of PERSISTENCE_DIRECTIVES) {
    if (!table.has(name)) table.register(stringParam(name, formatDirective(DEFAULT_PERSISTENCE_CONFIG, name), { immutable: IMMUTABLE_DIRECTIVES.has(name) }));
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

/** INFO persistence through `srv.infoSections`, CONFIG through `srv.config`. */
export function installInfoAndConfig(srv: RedisServer, p: Persistence): void {
  srv.infoSections.set('persistence', () => infoPersistenceText(p));
  srv.stats.provided.set('total_forks', () => p.stats.totalForks);
  plugConfig(srv.config, p);
}
