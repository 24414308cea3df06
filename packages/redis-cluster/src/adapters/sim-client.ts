/**
 * A smart client on @protolab/sim: the sans-I/O ClusterClient core (client.ts) behind a thin
 * adapter that sends its attempts, times them out and feeds the replies back.
 */
import type { NodeFactory, NodeHandlers } from '@protolab/sim';
import type { RespValue } from '@protolab/resp';
import { ClusterClient, type ClusterClientOptions, type ClientRequest, type ClientStep } from '../client.js';
import type { Arg } from '../commands.js';
import { ClusterError } from '../errors.js';
import { type ClusterMsg, respToPlain } from '../messages.js';

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
export function clusterClientActor(opts: ClientActorOptions): NodeFactory<ClusterMsg, Arg[], unknown, ClientActor & NodeHandlers<ClusterMsg, Arg[]>> {
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
      const c = current;
      if (c === undefined) return;
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
      if (current !== undefined) return;
      const argv = waiting.shift();
      if (argv === undefined) return;
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
      const addr = opts.startupNodes[refreshTurn++ % opts.startupNodes.length];
      if (addr === undefined) return;
      ctx.send(opts.nameOfAddr(addr), { type: 'req', id, cmds: [['CLUSTER', 'SLOTS']] });
      refresh = { id, timer: ctx.setTimer(timeoutMs, 'refresh-timeout', id) };
    };

    return {
      client,
      history,
      pending: () => waiting.length + (current === undefined ? 0 : 1),
      inFlight: () => (current === undefined ? undefined : { argv: current.req.argv, startMs: current.startMs }),
      onInput(input: Arg[]): void {
        waiting.push(input);
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
        const last = msg.replies.at(-1);
        if (last !== undefined) handle(client.onReply(current.req, last));
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
