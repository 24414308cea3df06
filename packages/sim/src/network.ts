import { DEFAULT_LINK, checkLink, linkKey, type LinkOptions } from './link.js';
import type { Prng } from './prng.js';
import type { DeliverEvent } from './queue.js';

/**
 * The network's fault state: link behaviour, partitions (blocked directed links), clogged links
 * and the messages they hold, and the FIFO bookkeeping of each link. No clock, no queue: the
 * simulator asks and records; this only answers.
 */
export class Network<M> {
  private defaultLink: LinkOptions;
  private readonly links = new Map<string, LinkOptions>();
  private readonly blocked = new Set<string>();
  private readonly clogged = new Set<string>();
  private held: DeliverEvent<M>[] = [];
  /** Latest arrival time scheduled on each FIFO link. */
  private readonly lastDelivery = new Map<string, number>();

  constructor(private readonly initial: Partial<LinkOptions> | undefined) {
    this.defaultLink = checkLink({ ...DEFAULT_LINK, ...initial });
  }

  reset(): void {
    this.defaultLink = checkLink({ ...DEFAULT_LINK, ...this.initial });
    this.links.clear();
    this.blocked.clear();
    this.clogged.clear();
    this.held = [];
    this.lastDelivery.clear();
  }

  setDefaultLink(opts: Partial<LinkOptions>): void {
    this.defaultLink = checkLink({ ...this.defaultLink, ...opts });
  }

  setLink(from: string, to: string, opts: Partial<LinkOptions>): void {
    this.links.set(linkKey(from, to), checkLink({ ...this.linkOptions(from, to), ...opts }));
  }

  // The three lookups below run for every message: with no per-link options, partition or clog
  // (the common case) they answer without building the link key string.
  linkOptions(from: string, to: string): LinkOptions {
    if (this.links.size === 0) return this.defaultLink;
    return this.links.get(linkKey(from, to)) ?? this.defaultLink;
  }

  block(from: string, to: string): void {
    this.blocked.add(linkKey(from, to));
  }

  heal(): void {
    this.blocked.clear();
  }

  isBlocked(from: string, to: string): boolean {
    return this.blocked.size > 0 && this.blocked.has(linkKey(from, to));
  }

  clog(from: string, to: string): void {
    this.clogged.add(linkKey(from, to));
  }

  /** Unclogs the link and returns the messages it held, in the order they reached it. */
  unclog(from: string, to: string): DeliverEvent<M>[] {
    const key = linkKey(from, to);
    this.clogged.delete(key);
    const released: DeliverEvent<M>[] = [];
    const still: DeliverEvent<M>[] = [];
    for (const e of this.held) (linkKey(e.from, e.to) === key ? released : still).push(e);
    this.held = still;
    return released;
  }

  /** True (and the message is held) when its link is clogged. */
  holdIfClogged(e: DeliverEvent<M>): boolean {
    if (this.clogged.size === 0 || !this.clogged.has(linkKey(e.from, e.to))) return false;
    this.held.push(e);
    return true;
  }

  heldMessages(): readonly DeliverEvent<M>[] {
    return this.held;
  }

  /**
   * When a message sent at `nowMs` arrives: `minDelayMs` plus a uniform extra from `net`, and no
   * earlier than the previous message on the link unless `reorderRate` lets it skip ahead.
   * Draws from `net` in a fixed order (extra delay, then reorder), so runs replay.
   */
  arrival(from: string, to: string, link: LinkOptions, net: Prng, nowMs: number): number {
    let at = nowMs + link.minDelayMs + (link.maxExtraDelayMs > 0 ? net.int(0, link.maxExtraDelayMs + 1) : 0);
    const key = linkKey(from, to);
    if (!net.chance(link.reorderRate)) {
      at = Math.max(at, this.lastDelivery.get(key) ?? 0);
      this.lastDelivery.set(key, at);
    }
    return at;
  }
}
