/**
 * Actors that run the sans-I/O cores on @protolab/sim: cluster nodes, smart clients and a
 * resharder that moves slots the way `redis-cli --cluster reshard` does. Messages are RESP-level
 * (argv pipelines and reply lists), not bytes. Links in the sim are FIFO like TCP; loss models a
 * dropped segment that the peer never sees (the client or the MIGRATE caller times out).
 */
import { type LinkOptions, type NodeFactory, type NodeHandlers, Sim } from '@protolab/sim';
import type { RespValue } from '@protolab/resp';
import { ClusterClient, type ClusterClientOptions, type ClientRequest, type ClientStep } from './client.js';
import { type Arg, argToString } from './commands.js';
import { ClusterError } from './errors.js';
import { ClusterNode, type ClusterNodeOptions, type Connection, type MigrateJob, newConnection } from './node.js';
import { type ClusterNodeInfo, SlotMap } from './topology.js';

/** A pipeline of commands, or the replies to one. */
export type ClusterMsg = { type: 'req'; id: number; cmds: Arg[][] } | { type: 'rep'; id: number; replies: RespValue[] };

function showArg(a: Arg): string {
  const s = argToString(a);
  return s === '' ? '""' : s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
/** A short, human label for a reply: `+OK`, `-MOVED 3300 127.0.0.1:30002`, `"v1"`, `(nil)`, `5`. */
export function showReply(r: RespValue): string {
  switch (r.type) {
    case 'simple':
      return `+${r.value}`;
    case 'error':
      return `-${r.value}`;
    case 'integer':
      return String(r.value);
    case 'bulk':
      return JSON.stringify(showArg(r.value));
    case 'null':
      return '(nil)';
    case 'array':
      return r.value.length > 4 ? `[${r.value.length} items]` : `[${r.value.map(showReply).join(', ')}]`;
    default:
      return r.type;
  }
}
/** Trace label of a message: `GET k` / `ASKING; GET k` / `-ASK 3300 127.0.0.1:30002`. */
export function describeClusterMsg(m: ClusterMsg): string {
  if (m.type === 'req') return m.cmds.map((c) => (c.length > 8 ? [...c.slice(0, 8).map(showArg), '…'] : c.map(showArg)).join(' ')).join('; ');
  return m.replies.map(showReply).join('; ');
}

/** Turn a RESP reply into plain data (integers as numbers, bulk as UTF-8 strings). */
export function respToPlain(r: RespValue): unknown {
  switch (r.type) {
    case 'integer':
      return Number(r.value);
    case 'bulk':
      return Buffer.from(r.value).toString('utf8');
    case 'simple':
      return r.value;
    case 'null':
      return null;
    case 'array':
      return r.value.map(respToPlain);
    case 'error':
      return new ClusterError('REPLY_SHAPE', r.value);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster node

export interface NodeActor {
  readonly core: ClusterNode;
}

/**
 * A cluster node. MIGRATE blocks the node (Redis runs it synchronously): requests that arrive
 * meanwhile wait in a queue, as they would in the socket buffers.
 */
export function clusterNodeActor(core: ClusterNode, nameOfNode: (id: string) => string): NodeFactory<ClusterMsg> {
  return (ctx) => {
    const conns = new Map<string, Connection>();
    const queue: { from: string; msg: Extract<ClusterMsg, { type: 'req' }> }[] = [];
    let nextId = 0;
    let blocked:
      | { from: string; msg: Extract<ClusterMsg, { type: 'req' }>; index: number; replies: RespValue[]; job: MigrateJob; reqId: number; timer: number }
      | undefined;

    const run = (from: string, msg: Extract<ClusterMsg, { type: 'req' }>, start: number, replies: RespValue[]): void => {
      let conn = conns.get(from);
      if (conn === undefined) conns.set(from, (conn = newConnection()));
      for (let i = start; i < msg.cmds.length; i++) {
        const out = core.execute(conn, msg.cmds[i]!);
        if ('reply' in out) {
          replies.push(out.reply);
          continue;
        }
        const reqId = ++nextId;
        ctx.send(nameOfNode(out.migrate.target), { type: 'req', id: reqId, cmds: out.migrate.restores });
        const timer = ctx.setTimer(out.migrate.timeoutMs, 'migrate-timeout', reqId);
        blocked = { from, msg, index: i, replies, job: out.migrate, reqId, timer };
        return;
      }
      ctx.send(from, { type: 'rep', id: msg.id, replies });
    };
    const idle = (): boolean => blocked === undefined;
    const resume = (targetReplies: RespValue[] | undefined): void => {
      const b = blocked!;
      blocked = undefined;
      b.replies.push(core.finishMigrate(b.job, targetReplies));
      run(b.from, b.msg, b.index + 1, b.replies);
      // run() may block again on another MIGRATE; re-read the state through a call.
      while (idle() && queue.length > 0) {
        const next = queue.shift()!;
        run(next.from, next.msg, 0, []);
      }
    };
    return {
      core,
      onMessage(from: string, msg: ClusterMsg): void {
        if (msg.type === 'rep') {
          // A late reply of a MIGRATE that already timed out is ignored (its socket was closed).
          if (blocked?.reqId === msg.id) {
            ctx.cancelTimer(blocked.timer);
            resume(msg.replies);
          }
          return;
        }
        if (blocked !== undefined) queue.push({ from, msg });
        else run(from, msg, 0, []);
      },
      onTimer(name: string, data: unknown): void {
        if (name === 'migrate-timeout' && blocked?.reqId === data) resume(undefined);
      },
    } satisfies NodeActor & Record<string, unknown>;
  };
}

// ---------------------------------------------------------------------------------------------
// Smart client

/** One finished user command. */
export interface OpRecord {
  readonly seq: number;
  readonly argv: readonly Arg[];
  readonly startMs: number;
  readonly endMs: number;
  /** The reply, or the typed error the client gave up with. */
  readonly reply?: RespValue;
  readonly error?: ClusterError;
  /** Redirections and retries taken (MOVED/ASK texts, connection errors). */
  readonly hops: readonly string[];
}

export interface ClientActor {
  readonly client: ClusterClient;
  /** Finished commands, in order. */
  readonly history: OpRecord[];
  /** Commands not finished yet (queued or in flight). */
  pending(): number;
  /** The command in flight (started, not finished), if any. */
  inFlight(): { argv: readonly Arg[]; startMs: number } | undefined;
}

export interface ClientActorOptions {
  startupNodes: readonly string[];
  /** "host:port" → sim node name. */
  nameOfAddr: (addr: string) => string;
  /** Give up on one attempt after this long (default 100 ms). */
  attemptTimeoutMs?: number;
  maxRedirections?: number;
  makeClient?: (opts: ClusterClientOptions) => ClusterClient;
}

/**
 * A client that runs injected commands one at a time (`sim.inject(name, argv)`), follows
 * redirections with ClusterClient, and reloads CLUSTER SLOTS in the background when asked to.
 */
export function clusterClientActor(opts: ClientActorOptions): NodeFactory<ClusterMsg> {
  const timeoutMs = opts.attemptTimeoutMs ?? 100;
  return (ctx) => {
    const clientOpts: ClusterClientOptions = { startupNodes: opts.startupNodes, ...(opts.maxRedirections !== undefined ? { maxRedirections: opts.maxRedirections } : {}) };
    const client = opts.makeClient !== undefined ? opts.makeClient(clientOpts) : new ClusterClient(clientOpts);
    const history: OpRecord[] = [];
    const waiting: Arg[][] = [];
    let seq = 0;
    let msgId = 0;
    let current: { seq: number; req: ClientRequest; startMs: number } | undefined;
    let inflight: { id: number; node: string; timer: number } | undefined;
    let refresh: { id: number; timer: number } | undefined;
    let refreshTurn = 0;

    const finish = (rec: { reply?: RespValue; error?: ClusterError }): void => {
      const c = current!;
      history.push({ seq: c.seq, argv: c.req.argv, startMs: c.startMs, endMs: ctx.now(), hops: [...c.req.hops], ...rec });
      current = undefined;
      startNext();
    };
    const transmit = (node: string, argv: readonly Arg[], asking: boolean): void => {
      const id = ++msgId;
      const cmds = asking ? [['ASKING'], [...argv]] : [[...argv]];
      ctx.send(opts.nameOfAddr(node), { type: 'req', id, cmds });
      inflight = { id, node, timer: ctx.setTimer(timeoutMs, 'timeout', id) };
    };
    const handle = (step: ClientStep): void => {
      maybeRefresh();
      if (step.kind === 'done') finish({ reply: step.reply });
      else if (step.kind === 'fail') finish({ error: step.error });
      else if (step.delayMs > 0) ctx.setTimer(step.delayMs, 'send', step);
      else transmit(step.node, step.argv, step.asking);
    };
    const startNext = (): void => {
      if (current !== undefined || waiting.length === 0) return;
      const argv = waiting.shift()!;
      let begun;
      try {
        begun = client.begin(argv);
      } catch (e) {
        if (!(e instanceof ClusterError)) throw e;
        history.push({ seq: ++seq, argv, startMs: ctx.now(), endMs: ctx.now(), error: e, hops: [] });
        startNext();
        return;
      }
      current = { seq: ++seq, req: begun.request, startMs: ctx.now() };
      handle(begun.step);
    };
    const maybeRefresh = (): void => {
      if (!client.refreshWanted || refresh !== undefined) return;
      const id = ++msgId;
      const addr = opts.startupNodes[refreshTurn++ % opts.startupNodes.length]!;
      ctx.send(opts.nameOfAddr(addr), { type: 'req', id, cmds: [['CLUSTER', 'SLOTS']] });
      refresh = { id, timer: ctx.setTimer(timeoutMs, 'refresh-timeout', id) };
    };

    return {
      client,
      history,
      pending: () => waiting.length + (current === undefined ? 0 : 1),
      inFlight: () => (current === undefined ? undefined : { argv: current.req.argv, startMs: current.startMs }),
      onInput(input: unknown): void {
        waiting.push(input as Arg[]);
        startNext();
      },
      onMessage(_from: string, msg: ClusterMsg): void {
        if (msg.type !== 'rep') return;
        if (refresh?.id === msg.id) {
          ctx.cancelTimer(refresh.timer);
          refresh = undefined;
          const r = msg.replies[0];
          if (r !== undefined && r.type === 'array') client.applyClusterSlots(respToPlain(r));
          return;
        }
        const att = inflight;
        if (att?.id !== msg.id || current === undefined) return; // a reply to an attempt we gave up on
        ctx.cancelTimer(att.timer);
        inflight = undefined;
        handle(client.onReply(current.req, msg.replies[msg.replies.length - 1]!));
      },
      onTimer(name: string, data: unknown): void {
        if (name === 'send') {
          const step = data as Extract<ClientStep, { kind: 'send' }>;
          transmit(step.node, step.argv, step.asking);
        } else if (name === 'timeout' && inflight !== undefined && inflight.id === data && current !== undefined) {
          const node = inflight.node;
          inflight = undefined;
          handle(client.onConnectionError(current.req, node));
        } else if (name === 'refresh-timeout' && refresh?.id === data) {
          refresh = undefined;
        }
      },
    } satisfies ClientActor & Record<string, unknown>;
  };
}

// ---------------------------------------------------------------------------------------------
// Resharder

export interface ReshardActor {
  /** Moves finished, in order. */
  readonly done: { slot: number; from: string; to: string; keysMoved: number }[];
  busy(): boolean;
}

export interface ReshardOptions {
  /** Sim name of every master, in CLUSTER NODES order. */
  masters: readonly string[];
  /** Node id of a sim name, and its address. */
  idOf: (name: string) => string;
  addrOf: (name: string) => { host: string; port: number };
  /** Owner (sim name) of every slot at the start. */
  ownerAt: (slot: number) => string;
  /** Keys per MIGRATE (redis-cli --cluster-pipeline, default 10). */
  pipeline?: number;
  /** MIGRATE timeout in ms (redis-cli --cluster-timeout, default 60000 there; small here). */
  migrateTimeoutMs?: number;
  /** Resend a request when no reply came for this long. */
  requestTimeoutMs?: number;
}

type Phase = 'importing' | 'migrating' | 'getkeys' | 'migrate' | 'node';

/**
 * Moves slots one at a time (input: `{ slot, to }`), following redis-cli.c
 * clusterManagerMoveSlot: SETSLOT IMPORTING on the target, SETSLOT MIGRATING on the source,
 * GETKEYSINSLOT + MIGRATE … KEYS in batches until the slot is empty, then SETSLOT NODE on the
 * target, the source and every other master. A request with no reply is sent again; a MIGRATE
 * that failed (IOERR, BUSYKEY after a lost reply) is retried with REPLACE, as `--cluster fix`
 * does — safe because the source still holds the authoritative copy of every key it lists.
 */
export function reshardActor(opts: ReshardOptions): NodeFactory<ClusterMsg> {
  const pipeline = opts.pipeline ?? 10;
  const migrateTimeoutMs = opts.migrateTimeoutMs ?? 50;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 300;
  return (ctx) => {
    const owner = new Map<number, string>();
    const ownerOf = (s: number): string => owner.get(s) ?? opts.ownerAt(s);
    const queue: { slot: number; to: string }[] = [];
    const done: ReshardActor['done'] = [];
    let msgId = 0;
    let cur: { slot: number; from: string; to: string; phase: Phase; keys: Uint8Array[]; replace: boolean; nodeOrder: string[]; nodeIdx: number; moved: number } | undefined;
    let inflight: { id: number; node: string; argv: Arg[]; timer: number } | undefined;

    const send = (node: string, argv: Arg[]): void => {
      const id = ++msgId;
      ctx.send(node, { type: 'req', id, cmds: [argv] });
      inflight = { id, node, argv, timer: ctx.setTimer(requestTimeoutMs, 'timeout', id) };
    };
    const act = (): void => {
      const c = cur!;
      const s = String(c.slot);
      switch (c.phase) {
        case 'importing':
          send(c.to, ['CLUSTER', 'SETSLOT', s, 'IMPORTING', opts.idOf(c.from)]);
          return;
        case 'migrating':
          send(c.from, ['CLUSTER', 'SETSLOT', s, 'MIGRATING', opts.idOf(c.to)]);
          return;
        case 'getkeys':
          send(c.from, ['CLUSTER', 'GETKEYSINSLOT', s, String(pipeline)]);
          return;
        case 'migrate': {
          const t = opts.addrOf(c.to);
          const argv: Arg[] = ['MIGRATE', t.host, String(t.port), '', '0', String(migrateTimeoutMs)];
          if (c.replace) argv.push('REPLACE');
          send(c.from, [...argv, 'KEYS', ...c.keys]);
          return;
        }
        case 'node':
          send(c.nodeOrder[c.nodeIdx]!, ['CLUSTER', 'SETSLOT', s, 'NODE', opts.idOf(c.to)]);
          return;
      }
    };
    const startNext = (): void => {
      while (cur === undefined && queue.length > 0) {
        const { slot, to } = queue.shift()!;
        const from = ownerOf(slot);
        if (from === to) continue;
        const nodeOrder = [to, from, ...opts.masters.filter((m) => m !== to && m !== from)];
        cur = { slot, from, to, phase: 'importing', keys: [], replace: false, nodeOrder, nodeIdx: 0, moved: 0 };
        ctx.note(`reshard slot ${slot}: ${from} -> ${to}`);
        act();
      }
    };
    const fail = (what: string): never => {
      throw new Error(`resharder: unexpected reply ${what} in phase ${cur?.phase ?? '-'} for slot ${cur?.slot ?? '-'}`);
    };
    const advance = (r: RespValue): void => {
      const c = cur!;
      switch (c.phase) {
        case 'importing':
          if (r.type !== 'simple') fail(showReply(r));
          c.phase = 'migrating';
          break;
        case 'migrating':
          if (r.type !== 'simple') fail(showReply(r));
          c.phase = 'getkeys';
          break;
        case 'getkeys':
          if (r.type !== 'array') fail(showReply(r));
          c.keys = (r as Extract<RespValue, { type: 'array' }>).value.map((k) => (k.type === 'bulk' ? k.value : fail(showReply(k))));
          c.phase = c.keys.length === 0 ? 'node' : 'migrate';
          break;
        case 'migrate':
          if (r.type === 'simple') c.moved += r.value === 'OK' ? c.keys.length : 0;
          else if (r.type === 'error' && (r.value.startsWith('IOERR') || r.value.includes('BUSYKEY'))) c.replace = true;
          else fail(showReply(r));
          c.phase = 'getkeys';
          break;
        case 'node':
          if (r.type !== 'simple') fail(showReply(r));
          c.nodeIdx++;
          if (c.nodeIdx === c.nodeOrder.length) {
            owner.set(c.slot, c.to);
            done.push({ slot: c.slot, from: c.from, to: c.to, keysMoved: c.moved });
            ctx.note(`slot ${c.slot} now on ${c.to} (${c.moved} keys moved)`);
            cur = undefined;
            startNext();
            return;
          }
          break;
      }
      act();
    };
    return {
      done,
      busy: () => cur !== undefined || queue.length > 0,
      onInput(input: unknown): void {
        queue.push(input as { slot: number; to: string });
        startNext();
      },
      onMessage(_from: string, msg: ClusterMsg): void {
        if (msg.type !== 'rep' || inflight?.id !== msg.id) return;
        ctx.cancelTimer(inflight.timer);
        inflight = undefined;
        advance(msg.replies[0]!);
      },
      onTimer(name: string, data: unknown): void {
        const att = inflight;
        if (name === 'timeout' && att !== undefined && att.id === data) {
          send(att.node, att.argv);
        }
      },
    } satisfies ReshardActor & Record<string, unknown>;
  };
}

// ---------------------------------------------------------------------------------------------
// A whole cluster on one Sim

export interface SimClusterOptions {
  seed: number | string;
  /** Number of masters (named n1, n2, …; ports 30001, 30002, …). Default 3. */
  masters?: number;
  /** Number of clients (named c1, c2, …). Default 1. */
  clients?: number;
  link?: Partial<LinkOptions>;
  attemptTimeoutMs?: number;
  migrateTimeoutMs?: number;
  /** Keys per MIGRATE (redis-cli --cluster-pipeline; default 10). */
  pipeline?: number;
  /** Build each node's core (tests plant bugs by subclassing ClusterNode). */
  makeNode?: (opts: ClusterNodeOptions) => ClusterNode;
  /** Build each client's core (tests plant bugs by subclassing ClusterClient). */
  makeClient?: (opts: ClusterClientOptions) => ClusterClient;
}

export interface SimCluster {
  sim: Sim<ClusterMsg>;
  masters: string[];
  clients: string[];
  /** The resharder's sim name ('admin'). */
  admin: string;
  core(name: string): ClusterNode;
  client(name: string): ClientActor;
  resharder(): ReshardActor;
  addrOf(name: string): { host: string; port: number };
  /** Run a command on a client: `cluster.command('c1', 'SET', 'k', 'v')`. */
  command(client: string, ...argv: Arg[]): void;
  /** Move a slot with the resharder. */
  moveSlot(slot: number, to: string): void;
}

/** Build n masters with the slots split as `redis-cli --cluster create` does, clients and a resharder. */
export function simCluster(opts: SimClusterOptions): SimCluster {
  const m = opts.masters ?? 3;
  const masters = Array.from({ length: m }, (_, i) => `n${i + 1}`);
  const clients = Array.from({ length: opts.clients ?? 1 }, (_, i) => `c${i + 1}`);
  const infos: ClusterNodeInfo[] = masters.map((name, i) => ({ id: name, ip: '127.0.0.1', port: 30001 + i, role: 'master', replicationOffset: 1, health: 'online' }));
  const slots = SlotMap.evenly(masters);
  const sim = new Sim<ClusterMsg>({ seed: opts.seed, describe: describeClusterMsg, ...(opts.link !== undefined ? { link: opts.link } : {}) });
  const addrOf = (name: string): { host: string; port: number } => {
    const i = masters.indexOf(name);
    if (i === -1) throw new ClusterError('REPLY_SHAPE', `simCluster: expected a master name, found ${name}`);
    return { host: '127.0.0.1', port: 30001 + i };
  };
  const nameOfAddr = (addr: string): string => {
    const port = Number(addr.slice(addr.lastIndexOf(':') + 1));
    return masters[port - 30001] ?? masters[0]!;
  };
  const cores = new Map<string, ClusterNode>();
  for (const name of masters) {
    const nodeOpts: ClusterNodeOptions = { id: name, nodes: infos, slots };
    const core = opts.makeNode !== undefined ? opts.makeNode(nodeOpts) : new ClusterNode(nodeOpts);
    cores.set(name, core);
    sim.addNode(name, clusterNodeActor(core, (id) => id));
  }
  const startupNodes = masters.map((n) => `127.0.0.1:${addrOf(n).port}`);
  for (const c of clients) {
    sim.addNode(c, clusterClientActor({ startupNodes, nameOfAddr, ...(opts.makeClient !== undefined ? { makeClient: opts.makeClient } : {}), ...(opts.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: opts.attemptTimeoutMs } : {}) }));
  }
  sim.addNode('admin', reshardActor({ masters, idOf: (n) => n, addrOf, ownerAt: (s) => slots.owner(s)!, ...(opts.pipeline !== undefined ? { pipeline: opts.pipeline } : {}), ...(opts.migrateTimeoutMs !== undefined ? { migrateTimeoutMs: opts.migrateTimeoutMs } : {}) }));
  return {
    sim,
    masters,
    clients,
    admin: 'admin',
    core: (name) => cores.get(name)!,
    client: (name) => sim.node<ClientActor & NodeHandlers<ClusterMsg>>(name),
    resharder: () => sim.node<ReshardActor & NodeHandlers<ClusterMsg>>('admin'),
    addrOf,
    command: (client, ...argv) => {
      sim.inject(client, argv);
    },
    moveSlot: (slot, to) => {
      sim.inject('admin', { slot, to });
    },
  };
}
