/**
 * A smart client on @protolab/sim: the sans-I/O ClusterClient core (client.ts) behind a thin
 * adapter that sends its attempts, times them out and feeds the replies back.
 */
import type { NodeContext, NodeFactory, NodeHandlers } from '@protolab/sim';
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

/** The actor's state and steps: one command at a time, at most one attempt and one refresh in flight. */
class ClientActorRun {
  readonly history: OpRecord[] = [];
  readonly waiting: Arg[][] = [];
  private seq = 0;
  private msgId = 0;
  current: { seq: number; req: ClientRequest; startMs: number } | undefined;
  private inflight: { id: number; node: string; timer: number } | undefined;
  private refresh: { id: number; timer: number } | undefined;
  private refreshTurn = 0;

  constructor(
    private readonly ctx: NodeContext<ClusterMsg>,
    private readonly opts: ClientActorOptions,
    readonly client: ClusterClient,
    private readonly timeoutMs: number,
  ) {}

  private finish(rec: { reply?: RespValue; error?: ClusterError }): void {
    const c = this.current;
    if (c === undefined) return;
    this.history.push({ seq: c.seq, argv: c.req.argv, startMs: c.startMs, endMs: this.ctx.now(), hops: [...c.req.hops], ...rec });
    this.current = undefined;
    this.startNext();
  }

  private transmit(node: string, argv: readonly Arg[], asking: boolean): void {
    const id = ++this.msgId;
    const cmds = asking ? [['ASKING'], [...argv]] : [[...argv]];
    this.ctx.send(this.opts.nameOfAddr(node), { type: 'req', id, cmds });
    this.inflight = { id, node, timer: this.ctx.setTimer(this.timeoutMs, 'timeout', id) };
  }

  private handle(step: ClientStep): void {
    this.maybeRefresh();
    if (step.kind === 'done') this.finish({ reply: step.reply });
    else if (step.kind === 'fail') this.finish({ error: step.error });
    else if (step.delayMs > 0) this.ctx.setTimer(step.delayMs, 'send', step);
    else this.transmit(step.node, step.argv, step.asking);
  }

  startNext(): void {
    if (this.current !== undefined) return;
    const argv = this.waiting.shift();
    if (argv === undefined) return;
    let begun;
    try {
      begun = this.client.begin(argv);
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      this.history.push({ seq: ++this.seq, argv, startMs: this.ctx.now(), endMs: this.ctx.now(), error: e, hops: [] });
      this.startNext();
      return;
    }
    this.current = { seq: ++this.seq, req: begun.request, startMs: this.ctx.now() };
    this.handle(begun.step);
  }

  private maybeRefresh(): void {
    if (!this.client.refreshWanted || this.refresh !== undefined) return;
    const id = ++this.msgId;
    const addr = this.opts.startupNodes[this.refreshTurn++ % this.opts.startupNodes.length];
    if (addr === undefined) return;
    this.ctx.send(this.opts.nameOfAddr(addr), { type: 'req', id, cmds: [['CLUSTER', 'SLOTS']] });
    this.refresh = { id, timer: this.ctx.setTimer(this.timeoutMs, 'refresh-timeout', id) };
  }

  onMessage(msg: ClusterMsg): void {
    if (msg.type !== 'rep') return;
    if (this.refresh?.id === msg.id) {
      this.ctx.cancelTimer(this.refresh.timer);
      this.refresh = undefined;
      const r = msg.replies[0];
      if (r !== undefined && r.type === 'array') this.client.applyClusterSlots(respToPlain(r));
      return;
    }
    const att = this.inflight;
    if (att?.id !== msg.id || this.current === undefined) return; // a reply to an attempt we gave up on
    this.ctx.cancelTimer(att.timer);
    this.inflight = undefined;
    const last = msg.replies.at(-1);
    if (last !== undefined) this.handle(this.client.onReply(this.current.req, last));
  }

  onTimer(name: string, data: unknown): void {
    if (name === 'send') {
      const step = data as Extract<ClientStep, { kind: 'send' }>;
      this.transmit(step.node, step.argv, step.asking);
    } else if (name === 'timeout' && this.inflight !== undefined && this.inflight.id === data && this.current !== undefined) {
      const node = this.inflight.node;
      this.inflight = undefined;
      this.handle(this.client.onConnectionError(this.current.req, node));
    } else if (name === 'refresh-timeout' && this.refresh?.id === data) {
      this.refresh = undefined;
    }
  }
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
    const run = new ClientActorRun(ctx, opts, client, timeoutMs);
    return {
      client,
      history: run.history,
      pending: () => run.waiting.length + (run.current === undefined ? 0 : 1),
      inFlight: () => (run.current === undefined ? undefined : { argv: run.current.req.argv, startMs: run.current.startMs }),
      onInput(input: Arg[]): void {
        run.waiting.push(input);
        run.startNext();
      },
      onMessage(_from: string, msg: ClusterMsg): void {
        run.onMessage(msg);
      },
      onTimer(name: string, data: unknown): void {
        run.onTimer(name, data);
      },
    } satisfies ClientActor & Record<string, unknown>; // map-ok: a type check of this literal's own members
  };
}
