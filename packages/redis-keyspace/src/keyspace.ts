/**
 * `Keyspace`: a Redis 7.0 keyspace (16 databases, five data types, TTLs with lazy and active
 * expiry) answering `execute(argv)` as redis-server does, with a typed API beside it, and the
 * contract-C2 hooks that the RDB and AOF packages build on (entries, restore, fork, dirty,
 * onPropagate).
 */
import type { RespValue } from '@protolab/resp';
import { KeyspaceCore } from './core.js';
import type { ExpireStats } from './core.js';
import type { ClientState, CommandSpec, Ctx } from './server.js';
import { valAt } from './server.js';
import { checkCommand, lookupCommandCached, unknownCommandReply } from './commands.js';
import { propagateMany, rejectOnOom } from './server-call.js';
import { intReply, lookupTyped, notInMulti, run, type Key } from './typed-api-run.js';
import { E, err, QUEUED, type RespVersion } from './replies.js';
import { toBin, binToBytes, binFromBytes, argsToBin } from './bytes.js';
import { forkKeyspace, keyspaceEntries, restoreEntry } from './contract-c2.js';
import { binArgsOfBytes } from './argv.js';
import type { Encoding, KeyEntry, KeyspaceSnapshot, PropagateFn } from './types.js';
import { KeyspaceError } from './types.js';
import { RawStr, strOf } from './values.js';
import type { CycleClock, CycleResult, CostModel, CycleType } from './expire-cycle.js';
import { DEFAULT_COST_MODEL } from './expire-cycle.js';
import { ServerCron, keyspaceInfo, type CronResult, type KeyspaceInfo } from './server-cron.js';
import { discardCommand, execCommand, multiCommand } from './multi.js';
import { ASCII_UNKNOWN, KEY_ASCII, VALUE_ASCII } from './db.js';
import { Maxmemory, evictionConfig } from './maxmemory.js';
import { OOM_ERROR } from './evict.js';
import { respOption, timingOptions, type ExecuteOptions, type KeyspaceOptions } from './keyspace-options.js';
import { getText, isFastSet, setArgs, setFast, type SetOptions } from './typed-api.js';
import type { KeyspaceEventSink } from './notify.js';

export type { ExecuteOptions, KeyspaceOptions } from './keyspace-options.js';
export { CONFIG_MIN_HZ, CONFIG_MAX_HZ, MAX_CLIENTS_PER_CLOCK_TICK } from './keyspace-options.js';
export type { SetOptions } from './typed-api.js';
export type { CronResult } from './server-cron.js';

export type ExpireCondition = 'NX' | 'XX' | 'GT' | 'LT';

const NOT_QUEUED = new Set(['multi', 'exec', 'discard', 'watch']);

export class Keyspace {
  /** @internal the server state (exposed for adapters and tests in this package) */
  readonly core: KeyspaceCore;
  /** @internal this connection's state (SELECTed db, MULTI queue; read by typed-api-run.ts) */
  readonly client: ClientState;
  private readonly cron = new ServerCron();
  config: { hz: number; dynamicHz: boolean; activeExpireEffort: number; activeExpireEnabled: boolean; costModel: CostModel };
  /** server.hz after dynamic-hz (updated by serverCron). */
  hz: number;

  constructor(options: KeyspaceOptions) {
    const { hz, effort } = timingOptions(options);
    this.core = new KeyspaceCore(options.now, options.databases ?? 16, options.onPropagate, options.thresholds, options.prng);
    this.core.payloadCodec = options.payloadCodec;
    this.core.notifyKeyspaceEvents = options.notifyKeyspaceEvents ?? 0;
    this.core.onKeyspaceEvent = options.onKeyspaceEvent;
    const db0 = this.core.dbs[0];
    if (db0 === undefined) throw new KeyspaceError('BAD_OPTION', 'databases must be >= 1');
    this.client = { db: db0, inMulti: false, queue: [], multiError: false };
    this.config = {
      hz,
      dynamicHz: options.dynamicHz ?? true,
      activeExpireEffort: effort,
      activeExpireEnabled: true,
      costModel: options.costModel ?? DEFAULT_COST_MODEL,
    };
    this.hz = hz;
    // maxmemory (evict.c): only tracked when a limit or a policy is configured
    if ((options.maxmemory ?? 0) > 0 || options.maxmemoryPolicy !== undefined) {
      this.core.maxmemory = new Maxmemory(this.core, evictionConfig(options), this.core.prng);
    }
  }

  /** server.dirty: changes since start (Redis resets it on save; we never save). */
  get dirty(): number {
    return this.core.dirty;
  }

  get onPropagate(): PropagateFn | undefined {
    return this.core.onPropagate;
  }
  set onPropagate(fn: PropagateFn | undefined) {
    this.core.onPropagate = fn;
  }

  /** server.notify_keyspace_events: the enabled NOTIFY_* classes (notify.ts); 0 = off. */
  get notifyKeyspaceEvents(): number {
    return this.core.notifyKeyspaceEvents;
  }
  set notifyKeyspaceEvents(flags: number) {
    this.core.notifyKeyspaceEvents = flags;
  }

  /** Where enabled keyspace events go (notify.ts); a server publishes them over Pub/Sub. */
  get onKeyspaceEvent(): KeyspaceEventSink | undefined {
    return this.core.onKeyspaceEvent;
  }
  set onKeyspaceEvent(sink: KeyspaceEventSink | undefined) {
    this.core.onKeyspaceEvent = sink;
  }

  /** Counters behind INFO stats' expiry fields and keyspace_hits / keyspace_misses. */
  get stats(): Readonly<ExpireStats> {
    return this.core.stats;
  }

  /**
   * The keyspace's part of server.c resetServerStats (CONFIG RESETSTAT): stat_keyspace_hits and
   * stat_keyspace_misses back to 0. (The expiry counters keep counting: a server rebases them.)
   */
  resetLookupStats(): void {
    this.core.stats.keyspaceHits = 0;
    this.core.stats.keyspaceMisses = 0;
  }

  /** The db this connection has SELECTed. */
  get selectedDb(): number {
    return this.client.db.id;
  }

  // -------------------------------------------------------------------------------------------
  // execute

  /**
   * Run one command as this connection (SELECT and MULTI state persist across calls) and return
   * Redis's reply. String arguments are sent as their UTF-8 bytes. The reply is read-only, its
   * bytes included: bulk replies of short strings are shared between calls (replies.ts bulk).
   */
  execute(argv: readonly Key[], options?: ExecuteOptions): RespValue {
    if (!Array.isArray(argv)) throw new KeyspaceError('EMPTY_COMMAND', 'execute: expected an array of strings or Uint8Arrays (the command name first)');
    if (argv.length === 0) throw new KeyspaceError('EMPTY_COMMAND', 'execute: expected at least the command name, found an empty argv');
    return this.dispatch(argsToBin(argv), respOption(options));
  }

  /**
   * `execute` for a server that parsed the request into bytes and looked the command up itself:
   * `spec` is `COMMANDS.get(lower-cased argv[0])` (undefined: not a keyspace command, answered
   * with Redis's unknown-command error as `execute` answers it), so the name is not looked up a
   * second time, and each argument becomes a binary string in one step (argv.ts).
   */
  executeParsed(argv: readonly Uint8Array[], spec: CommandSpec | undefined, resp: RespVersion = 2): RespValue {
    if (argv.length === 0) throw new KeyspaceError('EMPTY_COMMAND', 'executeParsed: expected at least the command name, found an empty argv');
    return this.dispatch(binArgsOfBytes(argv), resp, spec);
  }

  /** @internal */
  dispatch(args: string[], resp: RespVersion = 2, spec = lookupCommandCached(args[0] ?? '')): RespValue {
    const client = this.client;
    const name = spec === undefined ? '' : spec.name;
    if (spec === undefined) {
      if (client.inMulti) client.multiError = true;
      return unknownCommandReply(args);
    }
    const bad = checkCommand(spec, args);
    if (bad !== undefined) {
      if (client.inMulti) client.multiError = true;
      return bad;
    }
    // performEvictions does nothing without a limit (evict.c: maxmemory 0), so nothing is refused.
    if (this.core.maxmemory !== undefined && this.core.maxmemory.cfg.maxmemory > 0 && rejectOnOom(this.core, this.client, name, spec)) {
      if (client.inMulti) client.multiError = true;
      return err(OOM_ERROR);
    }
    if (client.inMulti && !NOT_QUEUED.has(name)) {
      client.queue.push(args);
      return QUEUED;
    }
    if (name === 'multi') return multiCommand(client);
    if (name === 'discard') return discardCommand(client);
    if (name === 'exec') return execCommand(this.core, client, (a, s) => this.call(a, s, resp));
    this.core.cmdNow = this.core.nowFn();
    return this.call(args, spec, resp);
  }

  /**
   * server.c call(): run, then propagate if the command changed the dataset. `spec` comes from
   * dispatch (already looked up there); exec's queued commands are looked up here.
   */
  private call(args: string[], spec: CommandSpec, resp: RespVersion): RespValue {
    const core = this.core;
    const dirtyBefore = core.dirty;
    const ctx: Ctx = { core, client: this.client, argv: args, propagateAs: undefined, alsoPropagate: undefined, forcePropagate: false, resp };
    const reply = spec.proc(ctx);
    core.maxmemory?.afterCommand(spec, args, this.client.db);
    if (core.dirty !== dirtyBefore || ctx.forcePropagate) {
      if (ctx.alsoPropagate === undefined) core.propagate(this.client.db.id, ctx.propagateAs ?? args);
      else propagateMany(core, this.client, ctx);
    }
    return reply;
  }

  // -------------------------------------------------------------------------------------------
  // Typed API (same semantics as the commands; errors thrown as KeyspaceError with Redis's text)

  /** GET as text (UTF-8). Throws WRONGTYPE for non-strings. */
  get(key: Key): string | undefined {
    // Hot path (the benchmark's): no allocation; one clock read per hit (expiry and the LRU time).
    if (this.client.inMulti) notInMulti(this);
    return getText(this.core, this.client.db, key);
  }

  /** GET as bytes. */
  getBuffer(key: Key): Uint8Array | undefined {
    const { db, slot } = lookupTyped(this, key);
    if (slot < 0) return undefined;
    const v = valAt(db, slot);
    if (typeof v === 'string' || v instanceof RawStr) return binToBytes(strOf(v));
    throw new KeyspaceError('WRONGTYPE', E.wrongType);
  }

  /**
   * SET. Returns false when NX/XX prevented the write. TTL options follow SET's rules (one of
   * ex/px/exat/pxat, positive integers) and throw Redis's error text otherwise.
   */
  set(key: Key, value: Key, opts?: SetOptions): boolean {
    const k = toBin(key);
    const v = toBin(value);
    // Text comes back as itself only when it is ASCII (its UTF-8 is itself): tell Db, so that it
    // does not scan the same characters again.
    const known = (k === key ? KEY_ASCII : ASCII_UNKNOWN) | (v === value ? VALUE_ASCII : ASCII_UNKNOWN);
    // Fast path: SET k v [PX ms], without maxmemory (whose eviction and accounting run around a
    // command in dispatch/call: the command table's SET does them).
    if (isFastSet(opts) && this.core.maxmemory === undefined) {
      if (this.client.inMulti) notInMulti(this);
      setFast(this.core, this.client.db, k, v, known, opts?.px);
      return true;
    }
    return run(this, setArgs(k, v, opts ?? {})).type !== 'null';
  }

  del(...keys: Key[]): number {
    return Number(intReply(this, ['DEL', ...keys.map(toBin)]));
  }

  exists(...keys: Key[]): number {
    return Number(intReply(this, ['EXISTS', ...keys.map(toBin)]));
  }

  /** EXPIRE key seconds [NX|XX|GT|LT] → true if set (or the key was deleted by a past time). */
  expire(key: Key, seconds: number, cond?: ExpireCondition): boolean {
    return this.expireGeneric('EXPIRE', key, seconds, cond);
  }
  pexpire(key: Key, ms: number, cond?: ExpireCondition): boolean {
    return this.expireGeneric('PEXPIRE', key, ms, cond);
  }
  expireAt(key: Key, unixSeconds: number, cond?: ExpireCondition): boolean {
    return this.expireGeneric('EXPIREAT', key, unixSeconds, cond);
  }
  pexpireAt(key: Key, unixMs: number, cond?: ExpireCondition): boolean {
    return this.expireGeneric('PEXPIREAT', key, unixMs, cond);
  }
  private expireGeneric(cmd: string, key: Key, n: number, cond?: ExpireCondition): boolean {
    if (!Number.isSafeInteger(n)) throw new KeyspaceError('ERR', E.notInteger);
    const args = [cmd, toBin(key), String(n)];
    if (cond) args.push(cond);
    return intReply(this, args) === 1n;
  }

  /** TTL: -2 missing, -1 no TTL, else seconds rounded to nearest. */
  ttl(key: Key): number {
    return Number(intReply(this, ['TTL', toBin(key)]));
  }
  pttl(key: Key): number {
    return Number(intReply(this, ['PTTL', toBin(key)]));
  }
  expireTime(key: Key): number {
    return Number(intReply(this, ['EXPIRETIME', toBin(key)]));
  }
  pexpireTime(key: Key): number {
    return Number(intReply(this, ['PEXPIRETIME', toBin(key)]));
  }
  persist(key: Key): boolean {
    return intReply(this, ['PERSIST', toBin(key)]) === 1n;
  }
  incr(key: Key, by = 1): bigint {
    if (!Number.isSafeInteger(by)) throw new KeyspaceError('ERR', E.notInteger);
    return intReply(this, ['INCRBY', toBin(key), String(by)]);
  }
  type(key: Key): 'none' | 'string' | 'list' | 'set' | 'zset' | 'hash' {
    const r = run(this, ['TYPE', toBin(key)]);
    return (r.type === 'simple' ? r.value : 'none') as 'none';
  }
  /** OBJECT ENCODING */
  encoding(key: Key): Encoding | undefined {
    const r = run(this, ['OBJECT', 'ENCODING', toBin(key)]);
    return r.type === 'bulk' ? (binFromBytes(r.value) as Encoding) : undefined;
  }
  /** DBSIZE (counts keys that expired but were not reclaimed yet, as Redis does). */
  dbsize(): number {
    return this.client.db.size;
  }
  select(db: number): void {
    run(this, ['SELECT', String(db)]);
  }
  flushdb(): void {
    run(this, ['FLUSHDB']);
  }
  flushall(): void {
    run(this, ['FLUSHALL']);
  }
  /**
   * server.c emptyData: remove every key of `dbnum` (-1: all dbs) without propagating anything
   * or counting dirty, as DEBUG RELOAD and a replica's full sync do before loading. Returns the
   * number of keys removed.
   */
  emptyData(dbnum = -1): number {
    return this.core.emptyData(dbnum);
  }
  /** Number of keys with a TTL in the selected db (INFO keyspace `expires`). */
  expiresCount(db = this.client.db.id): number {
    return this.core.dbs[db]?.expires.used ?? 0;
  }

  // -------------------------------------------------------------------------------------------
  // Contract C2: entries / restore / fork

  /**
   * Every key of every db, with value, deadline and the encoding Redis 7.0 would report.
   * Includes keys whose deadline passed but that were not reclaimed yet, as rdbSave writes
   * them (a master's loader then drops them).
   */
  *entries(): Generator<KeyEntry> {
    yield* keyspaceEntries(this.core);
  }

  /**
   * Insert a key as loaded from an RDB file or AOF base: no lazy expiry, no propagation, no
   * dirty++. The encoding is derived from the data as rdbLoadObject does (thresholds apply; a
   * hashtable set of small integers loads as an intset). An existing key is replaced.
   */
  restore(entry: KeyEntry): void {
    restoreEntry(this.core, entry);
  }

  /**
   * The state a forked child sees (BGSAVE, BGREWRITEAOF): later writes to this keyspace do not
   * show. Implemented by copying values at fork time (not page-level copy-on-write).
   */
  fork(): KeyspaceSnapshot {
    return forkKeyspace(this.core);
  }

  /** Load mode (server.loading): while true nothing expires, lazily or by EXPIRE with a past time. */
  get loading(): boolean {
    return this.core.loading;
  }
  set loading(v: boolean) {
    this.core.loading = v;
  }

  /**
   * Replica mode (server.masterhost set): reads hide logically expired keys without deleting
   * them, and neither expire cycle runs; `executeFromMaster(ks, argv)` (replica.ts) applies the
   * master's stream, which sees keys as the master does (db.c expireIfNeeded).
   */
  get replica(): boolean {
    return this.core.replica;
  }
  set replica(v: boolean) {
    this.core.replica = v;
  }

  /** Clients paused (a server's CLIENT PAUSE): expired keys hidden, not deleted; no expire cycle, no eviction. */
  get paused(): boolean {
    return this.core.paused;
  }
  set paused(v: boolean) {
    this.core.paused = v;
  }

  // -------------------------------------------------------------------------------------------
  // Active expiry: serverCron / beforeSleep drivers

  /** expire.c activeExpireCycle(type). `clock` defaults to a CostModelClock starting at now(). */
  activeExpireCycle(type: CycleType, clock?: CycleClock): CycleResult {
    return this.cron.activeExpireCycle(this, type, clock);
  }

  /**
   * server.c serverCron, the parts that concern the keyspace (server-cron.ts): dynamic hz, then
   * databasesCron. `clients` is the number of connected clients (for dynamic-hz).
   */
  serverCron(clock?: CycleClock, clients = 1): CronResult {
    return this.cron.serverCron(this, clock, clients);
  }

  /** server.c beforeSleep: the fast expire cycle (masters, active expire enabled). */
  beforeSleep(clock?: CycleClock): CycleResult {
    return this.cron.beforeSleep(this, clock);
  }

  /** INFO-style numbers for programs. */
  info(): KeyspaceInfo {
    return keyspaceInfo(this.core);
  }
}
