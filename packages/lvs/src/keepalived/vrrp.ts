import { parseIPv4 } from '../addr.js';

/**
 * VRRP master election as keepalived implements it (keepalived/vrrp/vrrp.c,
 * RFC 3768/5798): adverts carry a priority (1–254; 255 = address owner; 0 = resigning).
 */
export interface VrrpPeer {
  priority: number;
  /** Primary IPv4 address (dotted). */
  ip: string;
}

/** `vrrp_state_master_rx`: a master yields to a higher priority, or an equal one from a higher primary IP. */
export function masterShouldYield(own: VrrpPeer, advert: VrrpPeer): boolean {
  if (advert.priority === 0) return false;
  if (advert.priority > own.priority) return true;
  return advert.priority === own.priority && parseIPv4(advert.ip) > parseIPv4(own.ip);
}

export type BackupAction = 'resign-timer' | 'accept' | 'ignore';

/**
 * `vrrp_state_backup` on an advert: priority 0 → arm the timer to the skew time (take over soon);
 * nopreempt or advert priority ≥ own → accept (restart the master-down timer); a lower priority
 * with preemption → ignore it, so the timer runs out and this node takes over.
 */
export function backupOnAdvert(own: VrrpPeer & { nopreempt: boolean }, advert: VrrpPeer): BackupAction {
  if (advert.priority === 0) return 'resign-timer';
  if (own.nopreempt || advert.priority >= own.priority) return 'accept';
  return 'ignore';
}

/** Skew time (v2: `(256 − priority) / 256 × advert_int`). */
export function skewTimeMs(priority: number, advertIntMs: number): number {
  return Math.trunc(((256 - priority) * advertIntMs) / 256);
}

/** Master-down interval: `3 × advert_int + skew`, so higher priorities time out first. */
export function masterDownIntervalMs(priority: number, advertIntMs: number): number {
  return 3 * advertIntMs + skewTimeMs(priority, advertIntMs);
}

/** What a VRRP instance reacts to: its two timers coming due, and a peer's advert. */
export type VrrpInput = { type: 'advert-timer' } | { type: 'master-down-timer' } | { type: 'advert'; vrid: number; priority: number; ip: string };

/** What it asks of its environment, in order. */
export type VrrpOutput =
  | { type: 'note'; text: string }
  | { type: 'send-advert' }
  | { type: 'arm'; timer: 'advert' | 'master-down'; afterMs: number }
  | { type: 'disarm'; timer: 'advert' | 'master-down' };

export interface VrrpCoreConfig {
  vrid: number;
  priority: number;
  ip: string;
  advertIntMs: number;
  initialState: 'MASTER' | 'BACKUP';
  nopreempt?: boolean;
}

/**
 * One VRRP instance as a pure core (keepalived `vrrp/vrrp.c`: `vrrp_state_master_rx`,
 * `vrrp_state_backup`, the master-down timer): a MASTER sends an advert every `advert_int` and
 * yields to a better advert; a BACKUP takes over when its master-down timer (3 × advert_int +
 * skew) runs out. `start()` and `step(input)` return the outputs; the sim adapter
 * (`vrrpNode`) only carries them out.
 */
export class VrrpCore {
  state: 'MASTER' | 'BACKUP' = 'BACKUP';
  readonly #cfg: VrrpCoreConfig;
  constructor(cfg: VrrpCoreConfig) {
    this.#cfg = cfg;
  }
  start(name: string): VrrpOutput[] {
    return this.#cfg.initialState === 'MASTER' || this.#cfg.priority === 255 ? this.becomeMaster(name) : this.becomeBackup(name);
  }
  private becomeMaster(name: string): VrrpOutput[] {
    this.state = 'MASTER';
    return [
      { type: 'note', text: `${name} MASTER (priority ${String(this.#cfg.priority)})` },
      { type: 'disarm', timer: 'master-down' },
      { type: 'send-advert' },
      { type: 'arm', timer: 'advert', afterMs: this.#cfg.advertIntMs },
    ];
  }
  private becomeBackup(name: string): VrrpOutput[] {
    this.state = 'BACKUP';
    return [
      { type: 'note', text: `${name} BACKUP` },
      { type: 'disarm', timer: 'advert' },
      { type: 'arm', timer: 'master-down', afterMs: masterDownIntervalMs(this.#cfg.priority, this.#cfg.advertIntMs) },
    ];
  }
  step(name: string, input: VrrpInput): VrrpOutput[] {
    const c = this.#cfg;
    if (input.type === 'advert-timer') {
      return this.state === 'MASTER' ? [{ type: 'send-advert' }, { type: 'arm', timer: 'advert', afterMs: c.advertIntMs }] : [];
    }
    if (input.type === 'master-down-timer') return this.state === 'BACKUP' ? this.becomeMaster(name) : [];
    if (input.vrid !== c.vrid) return [];
    const own = { priority: c.priority, ip: c.ip, nopreempt: c.nopreempt ?? false };
    if (this.state === 'MASTER') return masterShouldYield(own, input) ? this.becomeBackup(name) : [];
    const action = backupOnAdvert(own, input);
    if (action === 'resign-timer') return [{ type: 'arm', timer: 'master-down', afterMs: skewTimeMs(c.priority, c.advertIntMs) }];
    if (action === 'accept') return [{ type: 'arm', timer: 'master-down', afterMs: masterDownIntervalMs(c.priority, c.advertIntMs) }];
    return [];
  }
}
