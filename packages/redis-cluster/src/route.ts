/**
 * Which node serves a command — Redis's `getNodeByQuery` (redis/src/cluster.c, 7.0) as a pure
 * function, plus `clusterRedirectClient`, which turns its verdict into the exact error text Redis
 * writes on the wire. docs/redis-cluster.md §3.
 *
 * The order of the checks is the real one and it matters: CROSSSLOT is found while the keys are
 * scanned, before any MOVED decision, so a node owning none of the keys still answers CROSSSLOT.
 */
import { defined } from './errors.js';
import { type Arg, lookupCommand } from './commands.js';
import { keyHashSlot } from './slot.js';

/** What a node knows when it routes: the slot table, migration markers, its keys, its health. */
export interface NodeView {
  /** This node's id. */
  readonly myself: string;
  owner(slot: number): string | undefined;
  /** migrating_to[slot]: set on the current owner while the slot moves out. */
  migratingTo(slot: number): string | undefined;
  /** importing_from[slot]: set on the target while the slot moves in. */
  importingFrom(slot: number): string | undefined;
  /** Does the key exist here (db 0)? */
  keyExists(key: Arg): boolean;
  /** cluster_state:ok. */
  readonly clusterOk: boolean;
  /** cluster-allow-reads-when-down (default no). */
  readonly allowReadsWhenDown?: boolean;
  /** cluster-allow-pubsubshard-when-down (default yes). */
  readonly allowPubsubshardWhenDown?: boolean;
  /** When this node is a replica: its master's id. */
  readonly myMaster?: string | undefined;
}

/** The flags of the client connection that matter for routing. */
export interface ClientRouteState {
  /** CLIENT_ASKING: set by ASKING, cleared after the next command (outside MULTI). */
  readonly asking: boolean;
  /** CLIENT_READONLY: set by READONLY, cleared by READWRITE. */
  readonly readonly: boolean;
  /** Commands queued since MULTI; present only while the client is inside MULTI. */
  readonly multi?: readonly (readonly Arg[])[] | undefined;
}

export type Route =
  | { kind: 'serve' }
  | { kind: 'moved'; slot: number; node: string }
  | { kind: 'ask'; slot: number; node: string }
  | { kind: 'crossslot' }
  | { kind: 'tryagain' }
  | { kind: 'down-unbound' }
  | { kind: 'down-state' }
  | { kind: 'down-ro-state' };

function sameBytes(a: Arg, b: Arg): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * getNodeByQuery(c, cmd, argv): decide whether this node serves `argv` or how it redirects.
 * Throws ClusterError UNKNOWN_COMMAND / ARITY for commands processCommand would reject first.
 */
export function getNodeByQuery(view: NodeView, client: ClientRouteState, argv: readonly Arg[]): Route {
  const spec = lookupCommand(argv);
  // EXEC routes every queued command together; EXEC outside MULTI just errors by itself.
  let commands: readonly (readonly Arg[])[];
  if (spec.name === 'exec') {
    if (client.multi === undefined) return { kind: 'serve' };
    commands = client.multi;
  } else {
    commands = [argv];
  }

  let firstKey: Arg | undefined;
  let slot = 0;
  let owner: string | undefined;
  let migrating = false;
  let importing = false;
  let multipleKeys = false;
  let missing = 0;
  let existing = 0;
  let pubsubShard = false;
  let anyWrite = false;

  for (const cmdArgv of commands) {
    const cmd = lookupCommand(cmdArgv);
    if (cmd.pubsubShard) pubsubShard = true;
    if (cmd.write) anyWrite = true;
    for (const pos of cmd.keys(cmdArgv)) {
      const key = defined(cmdArgv[pos], 'getNodeByQuery: key positions lie inside argv');
      const keySlot = keyHashSlot(key);
      if (firstKey === undefined) {
        firstKey = key;
        slot = keySlot;
        owner = view.owner(slot);
        // An unassigned slot: the state may not be "fail" yet, but the answer is the same.
        if (owner === undefined) return { kind: 'down-unbound' };
        if (owner === view.myself && view.migratingTo(slot) !== undefined) migrating = true;
        else if (view.importingFrom(slot) !== undefined) importing = true;
      } else if (!sameBytes(firstKey, key)) {
        if (keySlot !== slot) return { kind: 'crossslot' };
        multipleKeys = true;
      }
      // During a migration count the keys we have and the keys we lack. Shard channels are
      // served by the source until SETSLOT NODE, so they are never "missing".
      if ((migrating || importing) && !cmd.pubsubShard) {
        if (view.keyExists(key)) existing++;
        else missing++;
      }
    }
  }

  // No key at all: served here whatever the slot table says (PING, MULTI … EXEC without keys).
  if (firstKey === undefined || owner === undefined) return { kind: 'serve' };

  if (!view.clusterOk) {
    if (pubsubShard) {
      if (!(view.allowPubsubshardWhenDown ?? true)) return { kind: 'down-state' };
    } else if (!(view.allowReadsWhenDown ?? false)) {
      return { kind: 'down-state' };
    } else if (anyWrite) {
      return { kind: 'down-ro-state' };
    }
  }

  // MIGRATE always runs locally while the slot is open, so keys can move freely.
  if ((migrating || importing) && spec.name === 'migrate') return { kind: 'serve' };

  if (migrating && missing > 0) {
    if (existing > 0) return { kind: 'tryagain' };
    return { kind: 'ask', slot, node: defined(view.migratingTo(slot), 'getNodeByQuery: a migrating slot has a MIGRATING target') };
  }

  if (importing && (client.asking || spec.asking)) {
    if (multipleKeys && missing > 0) return { kind: 'tryagain' };
    return { kind: 'serve' };
  }

  // A replica serves reads of its master's slots to READONLY clients (and shard pub/sub).
  if ((client.readonly || pubsubShard) && !anyWrite && view.myMaster !== undefined && view.myMaster === owner) {
    return { kind: 'serve' };
  }

  if (owner !== view.myself) return { kind: 'moved', slot, node: owner };
  return { kind: 'serve' };
}

/** Where a node is reached, for the text of MOVED / ASK. */
export interface Endpoint {
  host: string;
  port: number;
}

/**
 * clusterRedirectClient: the error text (without the leading '-') Redis sends for a verdict, or
 * undefined for 'serve'. MOVED/ASK carry `<slot> <preferred endpoint>:<port>`.
 */
export function clusterRedirectClient(route: Route, endpointOf: (node: string) => Endpoint | undefined): string | undefined {
  switch (route.kind) {
    case 'serve':
      return undefined;
    case 'crossslot':
      return "CROSSSLOT Keys in request don't hash to the same slot";
    case 'tryagain':
      return 'TRYAGAIN Multiple keys request during rehashing of slot';
    case 'down-state':
      return 'CLUSTERDOWN The cluster is down';
    case 'down-ro-state':
      return 'CLUSTERDOWN The cluster is down and only accepts read commands';
    case 'down-unbound':
      return 'CLUSTERDOWN Hash slot not served';
    case 'moved':
    case 'ask': {
      const ep = endpointOf(route.node);
      // An unknown endpoint is printed as '?' by clusterNodePreferredEndpoint.
      const where = ep === undefined ? '?:0' : `${ep.host === '' ? '?' : ep.host}:${ep.port}`;
      return `${route.kind === 'ask' ? 'ASK' : 'MOVED'} ${route.slot} ${where}`;
    }
  }
}

/** A parsed redirection error from a node's reply. */
export type Redirect =
  | { kind: 'moved' | 'ask'; slot: number; host: string; port: number }
  | { kind: 'tryagain' | 'clusterdown' | 'crossslot' };

/**
 * Parse an error reply text into a redirection, or undefined when it is not one. Hosts may be
 * IPv6 (the port follows the LAST colon), as in ioredis/redis-py.
 */
export function parseRedirect(text: string): Redirect | undefined {
  const sp = text.indexOf(' ');
  const head = sp === -1 ? text : text.slice(0, sp);
  if (head === 'MOVED' || head === 'ASK') {
    const parts = text.split(' ');
    const slot = Number(parts[1]);
    const addr = parts[2] ?? '';
    const colon = addr.lastIndexOf(':');
    const port = Number(addr.slice(colon + 1));
    if (parts.length !== 3 || !Number.isInteger(slot) || colon === -1 || !Number.isInteger(port)) return undefined;
    return { kind: head === 'MOVED' ? 'moved' : 'ask', slot, host: addr.slice(0, colon), port };
  }
  if (head === 'TRYAGAIN') return { kind: 'tryagain' };
  if (head === 'CLUSTERDOWN') return { kind: 'clusterdown' };
  if (head === 'CROSSSLOT') return { kind: 'crossslot' };
  return undefined;
}
