import type { NodeContext, NodeHandlers } from '@protolab/sim';
import { defined, LvsError } from '../errors.js';
import type { VirtualService } from '../service.js';
import { attemptDurationMs, initialTcpCheck, tcpEpilog, type ServerBehaviour, type TcpCheckConfig, type TcpCheckState } from '../keepalived/tcp-check.js';
import { VrrpCore, type VrrpOutput } from '../keepalived/vrrp.js';

export interface CheckedServer {
  name: string;
  weight: number;
  config: TcpCheckConfig;
  /** What a connect attempt meets at virtual time t. */
  behaviour: (tMs: number) => ServerBehaviour;
}

export interface HealthEvent {
  t: number;
  server: string;
  kind: 'attempt-ok' | 'attempt-failed' | 'up' | 'down';
}

/**
 * A keepalived checker process as a sim node: one TCP_CHECK per real server, each attempt
 * lasting as long as the server's behaviour makes it (`connect_timeout` when it black-holes),
 * `tcp_epilog` deciding the state, and the result applied to the IPVS service: removal
 * (default) or weight 0 (`inhibit_on_failure`), and re-adding on recovery.
 */
export function keepalivedChecker<M>(svc: VirtualService, servers: readonly CheckedServer[], log: HealthEvent[], opts: { inhibitOnFailure?: boolean; firstCheckDelayMs?: number } = {}) {
  return (ctx: NodeContext<M>): NodeHandlers<M> => {
    for (const s of servers) {
      const c = s.config;
      if (!(c.delayLoopMs > 0 && Number.isFinite(c.delayLoopMs)) || !(c.connectTimeoutMs > 0 && Number.isFinite(c.connectTimeoutMs))) {
        throw new LvsError('BAD_OPTION', `TCP_CHECK of ${s.name}: delay_loop and connect_timeout must be finite and > 0 ms, found ${String(c.delayLoopMs)} / ${String(c.connectTimeoutMs)}`);
      }
    }
    const states = new Map<string, TcpCheckState>();
    for (const s of servers) {
      states.set(s.name, initialTcpCheck(s.config));
      ctx.setTimer(opts.firstCheckDelayMs ?? 0, 'connect', { server: s.name });
    }
    const apply = (s: CheckedServer, kind: 'up' | 'down'): void => {
      if (opts.inhibitOnFailure === true) svc.editDest(s.name, { weight: kind === 'up' ? s.weight : 0 });
      else if (kind === 'down') svc.delDest(s.name);
      else svc.addDest({ name: s.name, weight: s.weight });
    };
    const byName = new Map(servers.map((s) => [s.name, s]));
    return {
      onTimer(name, data) {
        const d = data as { server: string; ok?: boolean };
        const s = defined(byName.get(d.server), `checked server ${d.server}`);
        if (name === 'connect') {
          // the attempt's fate is decided by what the server does when the SYN arrives
          const b = s.behaviour(ctx.now());
          ctx.setTimer(attemptDurationMs(b, s.config), 'result', { server: s.name, ok: b === 'accept' });
          return;
        }
        const ok = d.ok === true;
        log.push({ t: ctx.now(), server: s.name, kind: ok ? 'attempt-ok' : 'attempt-failed' });
        const step = tcpEpilog(s.config, defined(states.get(s.name), `TCP_CHECK state of ${s.name}`), ok);
        states.set(s.name, step.state);
        if (step.event !== undefined) {
          log.push({ t: ctx.now(), server: s.name, kind: step.event });
          ctx.note(`${s.name} ${step.event}`);
          apply(s, step.event);
        }
        ctx.setTimer(step.nextDelayMs, 'connect', { server: s.name });
      },
    };
  };
}

export interface VrrpAdvert {
  type: 'advert';
  vrid: number;
  priority: number;
  ip: string;
}

export interface VrrpNodeConfig {
  vrid: number;
  priority: number;
  ip: string;
  advertIntMs: number;
  initialState: 'MASTER' | 'BACKUP';
  nopreempt?: boolean;
  peers: readonly string[];
}

export interface VrrpHandlers<M> extends NodeHandlers<M> {
  state(): 'MASTER' | 'BACKUP';
}

/**
 * A VRRP instance as a sim node: a MASTER sends an advert every `advert_int` and yields to a
 * better advert; a BACKUP takes over when its master-down timer (3 × advert_int + skew) expires.
 */
export function vrrpNode(cfg: VrrpNodeConfig) {
  // keepalived's advert_int is 0.01 s … 255 s; a zero or non-finite interval would re-arm a timer
  // at the same instant forever
  if (typeof cfg.advertIntMs !== 'number' || !(cfg.advertIntMs >= 10 && cfg.advertIntMs <= 255_000)) {
    throw new LvsError('BAD_OPTION', `vrrp advertIntMs: expected 10 … 255000 ms (advert_int 0.01 … 255 s), found ${String(cfg.advertIntMs)}`);
  }
  return (ctx: NodeContext<VrrpAdvert>): VrrpHandlers<VrrpAdvert> => {
    const core = new VrrpCore(cfg);
    const timers = new Map<'advert' | 'master-down', number>();
    const run = (outs: VrrpOutput[]): void => {
      for (const o of outs) {
        if (o.type === 'note') ctx.note(o.text);
        else if (o.type === 'send-advert') for (const p of cfg.peers) ctx.send(p, { type: 'advert', vrid: cfg.vrid, priority: cfg.priority, ip: cfg.ip });
        else {
          const id = timers.get(o.timer);
          if (id !== undefined) ctx.cancelTimer(id);
          timers.delete(o.timer);
          if (o.type === 'arm') timers.set(o.timer, ctx.setTimer(o.afterMs, o.timer));
        }
      }
    };
    run(core.start(ctx.name));
    return {
      state: () => core.state,
      onTimer(name) {
        run(core.step(ctx.name, { type: name === 'advert' ? 'advert-timer' : 'master-down-timer' }));
      },
      onMessage(_from, m) {
        run(core.step(ctx.name, m));
      },
    };
  };
}
