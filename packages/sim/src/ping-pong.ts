import type { NodeFactory } from './sim.js';

/**
 * The kernel's tutorial protocol: a pinger sends `ping n` and retransmits it every
 * `retryMs` until `pong n` comes back, then moves on to n+1; a ponger answers every ping.
 * Small enough to read in one go, and it shows loss, retransmission and partitions in a trace.
 */
export type PingPongMsg = { readonly type: 'ping'; readonly n: number } | { readonly type: 'pong'; readonly n: number };

export interface Pinger {
  /** Highest n whose pong arrived. */
  acked(): number;
  /** Pings sent, retransmissions included. */
  sent(): number;
}

export function pinger(peer: string, opts: { count: number; retryMs?: number }): NodeFactory<PingPongMsg> {
  const retryMs = opts.retryMs ?? 100;
  return (ctx) => {
    let acked = 0;
    let sent = 0;
    let timer: number | undefined;
    const sendCurrent = (): void => {
      if (acked >= opts.count) return;
      sent++;
      ctx.send(peer, { type: 'ping', n: acked + 1 });
      timer = ctx.setTimer(retryMs, 'retry');
    };
    sendCurrent();
    const handlers = {
      acked: () => acked,
      sent: () => sent,
      onMessage(_from: string, msg: PingPongMsg): void {
        if (msg.type !== 'pong' || msg.n !== acked + 1) return; // stale or duplicate pong
        acked = msg.n;
        if (timer !== undefined) ctx.cancelTimer(timer);
        sendCurrent();
      },
      onTimer(): void {
        sendCurrent();
      },
    };
    return handlers;
  };
}

export const ponger: NodeFactory<PingPongMsg> = (ctx) => ({
  onMessage(from: string, msg: PingPongMsg): void {
    if (msg.type === 'ping') ctx.send(from, { type: 'pong', n: msg.n });
  },
});

/** Label for traces: `ping 3`, `pong 3`. */
export const describePingPong = (m: PingPongMsg): string => `${m.type} ${m.n}`;
