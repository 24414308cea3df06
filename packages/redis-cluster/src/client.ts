/**
 * A smart cluster client as a sans-I/O core (the behaviour of ioredis's Cluster and redis-py's
 * RedisCluster, docs/redis-cluster.md §5). It owns the slot cache and decides, for each reply,
 * what to do next; the caller owns the connections and the clock.
 *
 *   begin(argv)        → { kind: 'send', node, argv, asking, delayMs } | fail (early CROSSSLOT)
 *   onReply(req, r)    → send again (MOVED / ASK / TRYAGAIN / CLUSTERDOWN) | done | fail
 *   onConnectionError  → send again after a refresh | fail
 *
 * MOVED updates the cache entry for that slot at once and asks for a full refresh (many slots
 * have probably moved). ASK sends `ASKING` + the command to the named node once and leaves the
 * cache alone. Every redirection, retry or connection error spends one unit of the request's
 * budget (`maxRedirections`, 16 like ioredis); when it is spent the request fails with
 * ClusterError TOO_MANY_REDIRECTIONS, never a loop.
 */
import type { RespValue } from '@protolab/resp';
import { type Arg, argToString, commandKeys } from './commands.js';
import { ClusterError, defined } from './errors.js';
import { parseRedirect } from './route.js';
import { CLUSTER_SLOTS, keyHashSlot } from './slot.js';
import { parseClusterSlots } from './topology.js';

export interface ClusterClientOptions {
  /** "host:port" of the nodes to start from. */
  startupNodes: readonly string[];
  /** Redirections + retries a request may spend (ioredis maxRedirections, default 16). */
  maxRedirections?: number;
  /** Wait before retrying after TRYAGAIN (ioredis retryDelayOnTryAgain, 100 ms). */
  retryDelayOnTryAgainMs?: number;
  /** Wait before retrying after CLUSTERDOWN (ioredis retryDelayOnClusterDown, 100 ms). */
  retryDelayOnClusterDownMs?: number;
  /** Wait before retrying after a connection error (ioredis retryDelayOnFailover, 100 ms). */
  retryDelayOnFailoverMs?: number;
}

/** One in-flight user command. */
export interface ClientRequest {
  readonly argv: readonly Arg[];
  /** The slot of the command's keys, or undefined for a keyless command. */
  readonly slot: number | undefined;
  /** Budget left. */
  ttl: number;
  /** The redirections taken so far, for traces and error messages. */
  readonly hops: string[];
}

export type ClientStep =
  | { kind: 'send'; node: string; argv: readonly Arg[]; asking: boolean; delayMs: number }
  | { kind: 'done'; reply: RespValue }
  | { kind: 'fail'; error: ClusterError };

export class ClusterClient {
  private readonly slotCache: (string | undefined)[] = new Array<string | undefined>(CLUSTER_SLOTS).fill(undefined);
  private readonly startup: string[];
  /** startup[0]: the constructor refuses an empty list. */
  private readonly firstStartup: string;
  private readonly maxRedirections: number;
  private readonly tryAgainMs: number;
  private readonly downMs: number;
  private readonly failoverMs: number;
  /** Set when a MOVED, CLUSTERDOWN or connection error says the whole map should be reloaded. */
  refreshWanted = false;
  /** Counters, for tests and examples. */
  readonly stats = { moved: 0, ask: 0, tryagain: 0, clusterdown: 0, connectionErrors: 0, refreshes: 0 };

  constructor(opts: ClusterClientOptions) {
    if (opts.startupNodes.length === 0) throw new ClusterError('REPLY_SHAPE', 'ClusterClient: expected at least one startup node, found none');
    this.startup = [...opts.startupNodes];
    this.firstStartup = defined(this.startup[0], 'ClusterClient: startupNodes is non-empty');
    this.maxRedirections = opts.maxRedirections ?? 16;
    this.tryAgainMs = opts.retryDelayOnTryAgainMs ?? 100;
    this.downMs = opts.retryDelayOnClusterDownMs ?? 100;
    this.failoverMs = opts.retryDelayOnFailoverMs ?? 100;
  }

  /** The cached owner of a slot, "host:port", or undefined. */
  nodeForSlot(slot: number): string | undefined {
    return this.slotCache[slot];
  }

  /** Load the map from a CLUSTER SLOTS reply (plain data; see parseClusterSlots). */
  applyClusterSlots(reply: unknown): void {
    const ranges = parseClusterSlots(reply);
    this.slotCache.fill(undefined);
    for (const r of ranges) {
      const addr = `${r.master.host}:${r.master.port}`;
      for (let s = r.start; s <= r.end; s++) this.slotCache[s] = addr;
    }
    this.refreshWanted = false;
    this.stats.refreshes++;
  }

  /** Where to send CLUSTER SLOTS: the first startup node (callers may rotate). */
  refreshNode(): string {
    return this.firstStartup;
  }

  /**
   * Start a command. Keys are found with the key spec; if they hash to different slots the
   * request fails before anything is sent (the server would answer CROSSSLOT anyway).
   */
  begin(argv: readonly Arg[]): { request: ClientRequest; step: ClientStep } {
    const keys = commandKeys(argv); // UNKNOWN_COMMAND / ARITY errors surface here, typed
    let slot: number | undefined;
    for (const k of keys) {
      const s = keyHashSlot(k);
      if (slot === undefined) slot = s;
      else if (s !== slot) {
        const error = new ClusterError('CROSSSLOT', `${argToString(argv[0] ?? '')}: keys hash to different slots (${slot} and ${s}); CROSSSLOT refused before sending`);
        return { request: { argv, slot, ttl: 0, hops: [] }, step: { kind: 'fail', error } };
      }
    }
    const request: ClientRequest = { argv, slot, ttl: this.maxRedirections, hops: [] };
    return { request, step: this.route(request, 0) };
  }

  private route(req: ClientRequest, delayMs: number): ClientStep {
    const node = (req.slot === undefined ? undefined : this.slotCache[req.slot]) ?? this.firstStartup;
    return { kind: 'send', node, argv: req.argv, asking: false, delayMs };
  }

  private spend(req: ClientRequest, hop: string): ClusterError | undefined {
    req.hops.push(hop);
    req.ttl--;
    if (req.ttl >= 0) return undefined;
    return new ClusterError(
      'TOO_MANY_REDIRECTIONS',
      `Too many Cluster redirections for ${argToString(req.argv[0] ?? '')} (budget ${this.maxRedirections}); last hops: ${req.hops.slice(-3).join(', ')}`,
    );
  }

  /** A reply arrived for the request's last attempt. */
  onReply(req: ClientRequest, reply: RespValue): ClientStep {
    if (reply.type !== 'error') return { kind: 'done', reply };
    const redirect = parseRedirect(reply.value);
    if (redirect === undefined || redirect.kind === 'crossslot') return { kind: 'done', reply };
    const over = this.spend(req, reply.value);
    if (over !== undefined) return { kind: 'fail', error: over };
    switch (redirect.kind) {
      case 'moved': {
        this.stats.moved++;
        const addr = `${redirect.host}:${redirect.port}`;
        this.slotCache[redirect.slot] = addr;
        this.refreshWanted = true;
        return { kind: 'send', node: addr, argv: req.argv, asking: false, delayMs: 0 };
      }
      case 'ask':
        this.stats.ask++;
        return { kind: 'send', node: `${redirect.host}:${redirect.port}`, argv: req.argv, asking: true, delayMs: 0 };
      case 'tryagain':
        this.stats.tryagain++;
        return this.route(req, this.tryAgainMs);
      case 'clusterdown':
        this.stats.clusterdown++;
        this.refreshWanted = true;
        return this.route(req, this.downMs);
    }
  }

  /** The attempt's connection failed or timed out: retry after a refresh, within budget. */
  onConnectionError(req: ClientRequest, node: string): ClientStep {
    this.stats.connectionErrors++;
    const over = this.spend(req, `connection error at ${node}`);
    if (over !== undefined) return { kind: 'fail', error: new ClusterError('TIMEOUT', `${over.message} (connection errors)`) };
    this.refreshWanted = true;
    return this.route(req, this.failoverMs);
  }
}
