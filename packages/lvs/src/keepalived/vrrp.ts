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
