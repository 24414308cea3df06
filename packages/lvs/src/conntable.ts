import type { Dest } from './dest.js';
import type { Packet, VirtualService } from './service.js';

/** IPVS TCP states we model (ip_vs_proto_tcp.c `tcp_state_name_table`), plus UDP's single state. */
export type ConnState = 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSE' | 'UDP';

/** Default state timeouts in ms (ip_vs_proto_tcp.c `tcp_timeouts`, ip_vs_proto_udp.c). */
export const IPVS_TIMEOUTS_MS: Readonly<Record<ConnState, number>> = {
  SYN_RECV: 60_000,
  ESTABLISHED: 15 * 60_000,
  FIN_WAIT: 2 * 60_000,
  TIME_WAIT: 2 * 60_000,
  CLOSE: 10_000,
  UDP: 5 * 60_000,
};

export interface Conn {
  readonly id: number;
  readonly proto: 'tcp' | 'udp';
  readonly src: number;
  readonly sport: number;
  readonly dest: Dest;
  state: ConnState;
  /** `IP_VS_CONN_F_INACTIVE`. */
  inactive: boolean;
  /** Absolute ms at which the entry expires unless refreshed. */
  expiresAt: number;
}

/**
 * `ip_vs_bind_dest` (ip_vs_conn.c): a new connection is counted INACTIVE, then the upper
 * threshold may set OVERLOAD (`u_threshold != 0 && active + inactive >= u_threshold`).
 */
export function bindDest(d: Dest): void {
  d.inactConns++;
  if (d.uThreshold !== 0 && d.totalConns() >= d.uThreshold) d.overloaded = true;
}

/**
 * `ip_vs_unbind_dest`: decrement the counter the connection is in, then clear OVERLOAD with
 * hysteresis: below `l_threshold` if set; else below 3/4 of `u_threshold` if set; else always.
 */
export function unbindDest(d: Dest, inactive: boolean): void {
  if (inactive) d.inactConns--;
  else d.activeConns--;
  if (d.lThreshold !== 0) {
    if (d.totalConns() < d.lThreshold) d.overloaded = false;
  } else if (d.uThreshold !== 0) {
    if (d.totalConns() * 4 < d.uThreshold * 3) d.overloaded = false;
  } else if (d.overloaded) {
    d.overloaded = false;
  }
}

/**
 * The IPVS connection table for one virtual service, as a pure state machine: the caller passes
 * the time. Counts flow into the dests exactly as `set_tcp_state` moves them: only ESTABLISHED
 * is active; UDP connections stay inactive for their whole life.
 */
export class ConnTable {
  readonly conns = new Map<number, Conn>();
  #next = 1;
  constructor(
    readonly svc: VirtualService,
    readonly timeoutsMs: Readonly<Record<ConnState, number>> = IPVS_TIMEOUTS_MS,
  ) {}

  /** First packet of a new connection: schedule, bind. Null when the scheduler found nothing. */
  open(pkt: Packet, proto: 'tcp' | 'udp', now: number): Conn | null {
    const dest = this.svc.schedule(pkt);
    if (dest === null) return null;
    bindDest(dest);
    const state: ConnState = proto === 'tcp' ? 'SYN_RECV' : 'UDP';
    const c: Conn = {
      id: this.#next++,
      proto,
      src: typeof pkt.srcAddr === 'number' ? pkt.srcAddr : 0,
      sport: pkt.srcPort ?? 0,
      dest,
      state,
      inactive: true,
      expiresAt: now + this.timeoutsMs[state],
    };
    this.conns.set(c.id, c);
    return c;
  }

  /** `set_tcp_state`: move between active and inactive on entering/leaving ESTABLISHED. */
  setState(c: Conn, state: ConnState, now: number): void {
    if (c.proto === 'udp') {
      c.expiresAt = now + this.timeoutsMs.UDP;
      return;
    }
    const d = c.dest;
    if (!c.inactive && state !== 'ESTABLISHED') {
      d.activeConns--;
      d.inactConns++;
      c.inactive = true;
    } else if (c.inactive && state === 'ESTABLISHED') {
      d.activeConns++;
      d.inactConns--;
      c.inactive = false;
    }
    c.state = state;
    c.expiresAt = now + this.timeoutsMs[state];
  }

  /** Connection entry expired (`ip_vs_conn_expire`): unbind and forget it. */
  expire(c: Conn): void {
    if (!this.conns.delete(c.id)) return;
    unbindDest(c.dest, c.inactive);
  }

  /** Expire every entry whose timer ran out at or before `now`. */
  expireDue(now: number): number {
    let n = 0;
    for (const c of [...this.conns.values()]) {
      if (c.expiresAt <= now) {
        this.expire(c);
        n++;
      }
    }
    return n;
  }
}
