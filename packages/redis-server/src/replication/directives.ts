/**
 * The replication directives of a redis.conf file or the command line (`--replicaof 127.0.0.1
 * 6379`), as config.c reads them at start: `replicaof` / `slaveof <host> <port>` and every
 * replication parameter of the CONFIG table (config.ts in this folder: repl-backlog-size,
 * repl-timeout, min-replicas-to-write, replica-priority, … and their `slave` aliases), checked by
 * the same parsers as CONFIG SET; a bad one is a `RedisServerError('BAD_OPTION')` with config.c's
 * reason.
 */
import type { WireReplicationConfig } from '@protolab/redis-replication';
import { RedisServerError } from '../errors.js';
import { replicationRow, toCore } from './config.js';

/**
 * util.c memtoull as a JS number: digits with an optional unit (k/m/g powers of 1000, kb/mb/gb of
 * 1024), any case; undefined past 2^53. (The parameters parse with config.ts memtoll, in 64 bits.)
 */
export function memtoull(text: string): number | undefined {
  const m = /^(\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text);
  if (m === null) return undefined;
  const unit = new Map([['b', 1], ['k', 1e3], ['kb', 1024], ['m', 1e6], ['mb', 1024 ** 2], ['g', 1e9], ['gb', 1024 ** 3]]);
  const n = Number(m[1]) * (unit.get((m[2] ?? 'b').toLowerCase()) ?? 1);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isReplicationDirective(name: string): boolean {
  return name === 'replicaof' || name === 'slaveof' || replicationRow(name) !== undefined;
}

export interface ReplicationDirectives {
  readonly replicaof?: { readonly host: string; readonly port: number };
  readonly config: Partial<WireReplicationConfig>;
}

const bad = (name: string, value: string, why: string): RedisServerError =>
  new RedisServerError('BAD_OPTION', `'${name} ${value}': ${why}`);

/** Read the replication directives out of a directive map (lower-case names). */
export function replicationDirectives(directives: ReadonlyMap<string, string>): ReplicationDirectives {
  const config: Partial<WireReplicationConfig> = {};
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
    } else {
      // The CONFIG table's own parameters (config.ts rows): one parser for start and CONFIG SET.
      const row = replicationRow(name);
      if (row === undefined) continue;
      const r = row.param.parse(value);
      if ('error' in r) throw bad(name, value, r.error);
      Object.assign(config, toCore(row, r.value));
    }
  }
  return replicaof === undefined ? { config } : { replicaof, config };
}
