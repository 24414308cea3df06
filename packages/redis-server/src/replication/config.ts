/**
 * The replication parameters of the CONFIG table (config.c standardConfig rows, Redis 7.0.15:
 * names, `slave-…` / `min-slaves-…` aliases, bounds, memory units, defaults, all MODIFIABLE;
 * masteruser / masterauth as the strings they are) and
 * their apply functions: each CONFIG SET reconfigures the replication core at once
 * (WireReplication.configure). The start directives (directives.ts) are checked by the same
 * parameters, so `--repl-timeout 0` and `CONFIG SET repl-timeout 0` give the same reason.
 *
 * Numbers are parsed as config.c parses them, in 64 bits: string2ll for integers (no sign but
 * `-`, no leading zero, overflow → "couldn't be parsed"), util.c memtoull for memory values
 * (strtoull wraps past 2^64, and a value past LLONG_MAX reads as negative → "between").
 */
import { string2ll } from '@protolab/redis-common';
import type { WireReplication, WireReplicationConfig } from '@protolab/redis-replication';
import type { ConfigParam, ConfigTable, ParseResult } from '../config.js';
import { stringParam } from '../config.js';

const INT_MAX = 2147483647n;
const LLONG_MAX = 9223372036854775807n;
/** replication.c CONFIG_REPL_BACKLOG_MIN_SIZE: resizeReplicationBacklog raises a smaller size to it. */
export const CONFIG_REPL_BACKLOG_MIN_SIZE = 16 * 1024;

type Field = Exclude<keyof WireReplicationConfig, 'plantedBug'>;

/** One row: the parameter, its alias, and the core field it sets. */
export interface ReplicationConfigRow {
  readonly param: ConfigParam;
  readonly alias?: string;
  readonly field: Field;
}

const UNITS = new Map<string, bigint>([['', 1n], ['b', 1n], ['k', 1000n], ['kb', 1024n], ['m', 1000n ** 2n], ['mb', 1024n ** 2n], ['g', 1000n ** 3n], ['gb', 1024n ** 3n]]);

/** util.c memtoull as config.c reads it into a long long: undefined for "must be a memory value". */
export function memtoll(text: string): bigint | undefined {
  const m = /^([0-9]*)(.*)$/s.exec(text);
  const digits = m?.[1] ?? '';
  const mul = UNITS.get((m?.[2] ?? '').toLowerCase());
  if (text.startsWith('-') || mul === undefined || digits.length >= 128) return undefined;
  // strtoull: "" is 0, too many digits saturate at ULLONG_MAX (errno is not checked).
  const val = digits === '' ? 0n : BigInt.asUintN(64, BigInt(digits)) === BigInt(digits) ? BigInt(digits) : 2n ** 64n - 1n;
  return BigInt.asIntN(64, val * mul);
}

/** config.c createIntConfig / createLongLongConfig / createTimeTConfig (MEMORY_CONFIG with `memory`). */
function numeric(name: string, min: bigint, max: bigint, defaultValue: number, memory = false): ConfigParam {
  return {
    name,
    defaultValue: String(defaultValue),
    parse(v): ParseResult {
      const n = memory ? memtoll(v) : string2ll(v);
      if (n === undefined) return { error: memory ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
      if (n < min || n > max) return { error: `argument must be between ${min} and ${max} inclusive` };
      return { value: String(n) };
    },
  };
}

/** config.c createBoolConfig (yesnotoi: yes / no in any case). */
function yesno(name: string, defaultValue: boolean): ConfigParam {
  return {
    name,
    defaultValue: defaultValue ? 'yes' : 'no',
    parse(v): ParseResult {
      const l = v.toLowerCase();
      return l === 'yes' || l === 'no' ? { value: l } : { error: "argument must be 'yes' or 'no'" };
    },
  };
}

/** The rows, in config.c's order of the replication section. */
export const REPLICATION_ROWS: readonly ReplicationConfigRow[] = [
  { param: yesno('replica-serve-stale-data', true), alias: 'slave-serve-stale-data', field: 'replicaServeStaleData' },
  { param: yesno('replica-read-only', true), alias: 'slave-read-only', field: 'replicaReadOnly' },
  { param: yesno('replica-announced', true), field: 'replicaAnnounced' },
  { param: yesno('repl-diskless-sync', true), field: 'replDisklessSync' },
  { param: numeric('repl-diskless-sync-delay', 0n, INT_MAX, 5), field: 'replDisklessSyncDelaySec' },
  { param: numeric('repl-diskless-sync-max-replicas', 0n, INT_MAX, 0), field: 'replDisklessSyncMaxReplicas' },
  { param: numeric('repl-ping-replica-period', 1n, INT_MAX, 10), alias: 'repl-ping-slave-period', field: 'replPingReplicaPeriodSec' },
  { param: numeric('repl-timeout', 1n, INT_MAX, 60), field: 'replTimeoutSec' },
  { param: numeric('repl-backlog-size', 1n, LLONG_MAX, 1024 * 1024, true), field: 'replBacklogSize' },
  { param: numeric('repl-backlog-ttl', 0n, LLONG_MAX, 3600), field: 'replBacklogTtlSec' },
  { param: numeric('replica-priority', 0n, INT_MAX, 100), alias: 'slave-priority', field: 'replicaPriority' },
  { param: numeric('min-replicas-to-write', 0n, INT_MAX, 0), alias: 'min-slaves-to-write', field: 'minReplicasToWrite' },
  { param: numeric('min-replicas-max-lag', 0n, INT_MAX, 10), alias: 'min-slaves-max-lag', field: 'minReplicasMaxLagSec' },
  // createSDSConfig / createStringConfig with EMPTY_STRING_IS_NULL: "" is "not set". Used at the
  // next connection to the master (syncWithMaster sends AUTH [masteruser] masterauth first).
  { param: stringParam('masteruser', ''), field: 'masteruser' },
  { param: stringParam('masterauth', ''), field: 'masterauth' },
];

/** Parameter name or alias (lower case) → its row. */
const BY_NAME = new Map<string, ReplicationConfigRow>(REPLICATION_ROWS.flatMap((r) => [[r.param.name, r] as const, ...(r.alias !== undefined ? [[r.alias, r] as const] : [])]));

/** The row a directive or CONFIG name stands for (a name or an alias, any case). */
export function replicationRow(name: string): ReplicationConfigRow | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** A canonical table value as the core's field (numbers past 2^53 are held as MAX_SAFE_INTEGER). */
export function toCore(row: ReplicationConfigRow, value: string): Partial<WireReplicationConfig> {
  if (row.field === 'masterauth' || row.field === 'masteruser') return { [row.field]: value === '' ? undefined : value };
  const v = row.param.defaultValue === 'yes' || row.param.defaultValue === 'no' ? value === 'yes' : Math.min(Number(value), Number.MAX_SAFE_INTEGER);
  return { [row.field]: v };
}

function fromCore(row: ReplicationConfigRow, config: Partial<WireReplicationConfig>): string | undefined {
  if (!(row.field in config)) return undefined;
  const v = config[row.field];
  if (v === undefined) return '';
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
}

/**
 * Register the rows in `table` and apply the start values, the fields of `config` (a caller's
 * WireReplicationConfig, e.g. from directives.ts), through the same parsers (a bad value throws
 * RedisServerError('BAD_OPTION') with config.c's reason). Returns the core's start config.
 */
export function registerReplicationConfig(table: ConfigTable, config: Partial<WireReplicationConfig>): Partial<WireReplicationConfig> {
  for (const row of REPLICATION_ROWS) {
    table.register(row.param);
    if (row.alias !== undefined) table.alias(row.alias, row.param.name);
  }
  // createSpecialConfig("replicaof", "slaveof", IMMUTABLE_CONFIG | MULTI_ARG_CONFIG, …): CONFIG GET
  // shows "<host> <port>" or "", CONFIG SET refuses it (REPLICAOF is the command); see showReplicaof.
  table.register(stringParam('replicaof', '', { immutable: true }));
  table.alias('slaveof', 'replicaof');
  const start = new Map<string, string>();
  for (const row of REPLICATION_ROWS) {
    const v = fromCore(row, config);
    if (v !== undefined) start.set(row.param.name, v);
  }
  table.setAtStart(start);
  const core: Partial<Record<Field, unknown>> = { ...config };
  for (const row of REPLICATION_ROWS) Object.assign(core, toCore(row, table.get(row.param.name)));
  return core as Partial<WireReplicationConfig>;
}

/**
 * The apply functions (run on CONFIG SET, after the start values): each change reconfigures the
 * core. repl-backlog-size below CONFIG_REPL_BACKLOG_MIN_SIZE is raised to it, as
 * resizeReplicationBacklog does at run time (CONFIG GET then shows 16384; at start it is kept).
 */
export function applyReplicationConfig(table: ConfigTable, repl: WireReplication): void {
  for (const row of REPLICATION_ROWS) {
    table.onChange(row.param.name, (value) => {
      if (row.field === 'replBacklogSize' && Number(value) < CONFIG_REPL_BACKLOG_MIN_SIZE) {
        table.setAtStart(new Map([[row.param.name, String(CONFIG_REPL_BACKLOG_MIN_SIZE)]]));
        return undefined;
      }
      repl.configure(toCore(row, value));
      return undefined;
    });
  }
}

/** getConfigReplicaOfOption: the `replicaof` value for the current master (refreshed before each CONFIG). */
export function showReplicaof(table: ConfigTable, repl: WireReplication): void {
  const v = repl.st.masterhost === undefined ? '' : `${repl.st.masterhost} ${repl.st.masterport}`;
  if (table.get('replicaof') !== v) table.setAtStart(new Map([['replicaof', v]]));
}
