/**
 * The resharder on @protolab/sim: the sans-I/O Resharder core (reshard.ts) behind a thin adapter.
 * It carries each command the core asks for in a request with a fresh id, and re-arms one named
 * timer per request: when no reply came within `requestTimeoutMs`, the same command is sent again
 * (the core never sees the loss). Replies to older requests are ignored.
 */
import type { NodeFactory } from '@protolab/sim';
import type { Arg } from '../commands.js';
import type { ClusterMsg } from '../messages.js';
import { type ReshardConfig, type ReshardDone, Resharder, type ReshardMove, type ReshardOutput, type ReshardPhase } from '../reshard.js';

export interface ReshardActor {
  /** Moves finished, in order. */
  readonly done: readonly ReshardDone[];
  busy(): boolean;
  /** The move in progress and its step. */
  current(): { readonly slot: number; readonly from: string; readonly to: string; readonly phase: ReshardPhase } | undefined;
}

export interface ReshardOptions extends ReshardConfig {
  /** Resend the outstanding command when no reply came for this long (default 300 ms). */
  readonly requestTimeoutMs?: number;
}

/** The resharder node: input `{ slot, to }` (`sim.inject('admin', { slot: 5474, to: 'n1' })`). */
export function reshardActor(opts: ReshardOptions): NodeFactory<ClusterMsg, ReshardMove, unknown, ReshardActor & { onInput(move: ReshardMove): void }> {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 300;
  return (ctx) => {
    const core = new Resharder(opts);
    let msgId = 0;
    let outstanding: { id: number; node: string; argv: readonly Arg[] } | undefined;

    const send = (node: string, argv: readonly Arg[]): void => {
      const id = ++msgId;
      ctx.send(node, { type: 'req', id, cmds: [[...argv]] });
      outstanding = { id, node, argv };
      ctx.armTimer('timeout', requestTimeoutMs, id);
    };
    const apply = (outs: readonly ReshardOutput[]): void => {
      for (const o of outs) {
        if (o.kind === 'send') send(o.node, o.argv);
        else ctx.note(o.text);
      }
    };
    return {
      done: core.done,
      busy: () => core.busy(),
      current: () => core.current(),
      onInput(move: ReshardMove): void {
        apply(core.enqueue(move));
      },
      onMessage(_from: string, msg: ClusterMsg): void {
        if (msg.type !== 'rep' || outstanding?.id !== msg.id) return;
        const reply = msg.replies[0];
        if (reply === undefined) return;
        ctx.disarmTimer('timeout');
        outstanding = undefined;
        apply(core.onReply(reply));
      },
      onTimer(name: string, data: unknown): void {
        const o = outstanding;
        if (name === 'timeout' && o !== undefined && o.id === data) send(o.node, o.argv);
      },
    };
  };
}
