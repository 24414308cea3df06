/**
 * The replication directives of a redis.conf file or the command line (`--replicaof 127.0.0.1
 * 6379`), as config.c reads them at start: `replicaof` / `slaveof <host> <port>`,
 * `repl-backlog-size`, `repl-diskless-sync`, `repl-timeout`, `repl-ping-replica-period`,
 * `min-replicas-to-write`, `min-replicas-max-lag`, `replica-priority` (and their `slave` aliases).
 * Values are checked as config.c checks them (memtoull for sizes, yes/no, integers in range); a
 * bad one is a `RedisServerError('BAD_OPTION')` with config.c's reason.
 */
import type { WireReplicationConfig } from '@protolab/redis-replication';
import { RedisServerError } from '../errors.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type NumericField = Exclude<keyof WireReplicationConfig, 'replDisklessSync' | 'plantedBug'>;

/** Directive (and alias) → the field it sets and its range (config.c standardConfig rows, 7.0). */
const NUMERIC = new Map<string, { field: NumericField; min: number; max: number; memory?: true }>([
  ['repl-backlog-size', { field: 'replBacklogSize', min: 1, max: Number.MAX_SAFE_INTEGER, memory: true }],
  ['repl-timeout', { field: 'replTimeoutSec', min: 1, max: 2 ** 31 - 1 }],
  ['repl-ping-replica-period', { field: 'replPingReplicaPeriodSec', min: 1, max: 2 ** 31 - 1 }],
  ['repl-ping-slave-period', { field: 'replPingReplicaPeriodSec', min: 1, max: 2 ** 31 - 1 }],
  ['min-replicas-to-write', { field: 'minReplicasToWrite', min: 0, max: 2 ** 31 - 1 }],
  ['min-slaves-to-write', { field: 'minReplicasToWrite', min: 0, max: 2 ** 31 - 1 }],
  ['min-replicas-max-lag', { field: 'minReplicasMaxLagSec', min: 0, max: 2 ** 31 - 1 }],
  ['min-slaves-max-lag', { field: 'minReplicasMaxLagSec', min: 0, max: 2 ** 31 - 1 }],
  ['replica-priority', { field: 'replicaPriority', min: 0, max: 2 ** 31 - 1 }],
  ['slave-priority', { field: 'replicaPriority', min: 0, max: 2 ** 31 - 1 }],
]);

/** util.c memtoull: digits with an optional unit (k/m/g powers of 1000, kb/mb/gb of 1024), case-insensitive. */
export function memtoull(text: string): number | undefined {
  const m = /^(\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text);
  if (m === null) return undefined;
  const unit = new Map([['b', 1], ['k', 1e3], ['kb', 1024], ['m', 1e6], ['mb', 1024 ** 2], ['g', 1e9], ['gb', 1024 ** 3]]);
  const n = Number(m[1]) * (unit.get((m[2] ?? 'b').toLowerCase()) ?? 1);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isReplicationDirective(name: string): boolean {
  return name === 'replicaof' || name === 'slaveof' || name === 'repl-diskless-sync' || NUMERIC.has(name);
}

export interface ReplicationDirectives {
  readonly replicaof?: { readonly host: string; readonly port: number };
  readonly config: Partial<WireReplicationConfig>;
}

const bad = (name: string, value: string, why: string): RedisServerError =>
  new RedisServerError('BAD_OPTION', `'${name} ${value}': ${why}`);

/** Read the replication directives out of a directive map (lower-case names). */
export function replicationDirectives(directives: ReadonlyMap<string, string>): ReplicationDirectives {
  const config: Partial<Mutable<WireReplicationConfig>> = {};
  let replicaof: { host: string; port: number } | undefined;
  for (const [name, value] of directives) {
    if (name === 'replicaof' || name === 'slaveof') {
      const words = value.trim().split(/\s+/);
      const [host = '', portText = ''] = words;
      if (words.length !== 2) throw bad(name, value, 'wrong number of arguments');
      if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') continue;
      const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
      if (!(port >= 1 && port <= 65535)) throw bad(name, value, 'Invalid master port');
      replicaof = { host, port };
    } else if (name === 'repl-diskless-sync') {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw bad(name, value, "argument must be 'yes' or 'no'");
      config.replDisklessSync = v === 'yes';
    } else {
      const row = NUMERIC.get(name);
      if (row === undefined) continue;
      const n = row.memory === true ? memtoull(value) : /^-?\d+$/.test(value) ? Number(value) : undefined;
      if (n === undefined) throw bad(name, value, row.memory === true ? 'argument must be a memory value' : "argument couldn't be parsed into an integer");
      if (n < row.min || n > row.max) throw bad(name, value, `argument must be between ${row.min} and ${row.max} inclusive`);
      config[row.field] = n;
    }
  }
  return replicaof === undefined ? { config } : { replicaof, config };
}
