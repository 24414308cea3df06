import type { NodeContext, NodeHandlers } from '@protolab/sim';

/**
 * The kernel's tutorial protocol (not kernel API, so it lives beside the kernel's tests and
 * example 01 imports it from here): a pinger sends `ping n` and retransmits it every `retryMs`
 * (one named timer, `retry`, re-armed on every send) until `pong n` comes back, then moves on to
 * n+1; a ponger answers every ping. Small enough to read in one go, and it shows loss,
 * retransmission and partitions in a trace.
 */
export type PingPongMsg = { readonly type: 'ping'; readonly n: number } | { readonly type: 'pong'; readonly n: number };

/** The pinger's input (`sim.request('ping', { type: 'await-pong', n: 3 })`): answer once pong n is in. */
export interface AwaitPong {
  readonly type: 'await-pong';
  readonly n: number;
}

/** The pinger's reply to an `await-pong`. */
export interface PingerStatus {
  /** Highest n whose pong arrived. */
  readonly acked: number;
  /** Pings sent so far, retransmissions included. */
  readonly sent: number;
}

export interface Pinger extends NodeHandlers<PingPongMsg, AwaitPong> {
  /** Highest n whose pong arrived. */
  acked(): number;
  /** Pings sent, retransmissions included. */
  sent(): number;
}

export function pinger(peer: string, opts: { count: number; retryMs?: number }): (ctx: NodeContext<PingPongMsg, PingerStatus>) => Pinger {
  const retryMs = opts.retryMs ?? 100;
  return (ctx) => {
    let acked = 0;
    let sent = 0;
    /** Requests waiting for a pong: input id → the n they wait for. */
    const waiting = new Map<number, number>();
    const answerWaiting = (): void => {
      for (const [inputId, n] of waiting) {
        if (n > acked) continue;
        waiting.delete(inputId);
        ctx.reply(inputId, { acked, sent });
      }
    };
    const sendCurrent = (): void => {
      if (acked >= opts.count) {
        ctx.disarmTimer('retry');
        return;
      }
      sent++;
      ctx.send(peer, { type: 'ping', n: acked + 1 });
      ctx.armTimer('retry', retryMs); // re-arming forgets the previous deadline
    };
    sendCurrent();
    return {
      acked: () => acked,
      sent: () => sent,
      onMessage(_from, msg) {
        if (msg.type !== 'pong' || msg.n !== acked + 1) return; // stale or duplicate pong
        acked = msg.n;
        sendCurrent();
        answerWaiting();
      },
      onTimer() {
        sendCurrent();
      },
      onInput(input, inputId) {
        waiting.set(inputId, input.n);
        answerWaiting();
      },
    };
  };
}

export function ponger(ctx: NodeContext<PingPongMsg>): NodeHandlers<PingPongMsg> {
  return {
    onMessage(from, msg) {
      if (msg.type === 'ping') ctx.send(from, { type: 'pong', n: msg.n });
    },
  };
}

/** Label for traces: `ping 3`, `pong 3`. */
export const describePingPong = (m: PingPongMsg): string => `${m.type} ${m.n}`;
