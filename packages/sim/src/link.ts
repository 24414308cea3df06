import { SimError } from './errors.js';
import type { Prng } from './prng.js';

/** How one directed link behaves. All rates are probabilities per message in [0, 1]. */
export interface LinkOptions {
  /** Every message takes at least this long. */
  readonly minDelayMs: number;
  /** Plus a uniform random extra delay in [0, maxExtraDelayMs]. */
  readonly maxExtraDelayMs: number;
  /** Probability a message is lost. */
  readonly lossRate: number;
  /** Probability a message is delivered twice (the copy arrives later). */
  readonly dupRate: number;
  /**
   * Links are FIFO by default, like TCP: a message is never delivered before one sent earlier on
   * the same link. With probability `reorderRate` a message ignores that rule (UDP-like).
   */
  readonly reorderRate: number;
}

export const DEFAULT_LINK: LinkOptions = {
  minDelayMs: 1,
  maxExtraDelayMs: 4,
  lossRate: 0,
  dupRate: 0,
  reorderRate: 0,
};

/** A fault profile drawn from a seed: the seed picks the rates too (as in TigerBeetle's VOPR). */
export function randomLinkOptions(random: Prng, max: Partial<LinkOptions> = {}): LinkOptions {
  const maxLoss = max.lossRate ?? 0.2;
  const maxDup = max.dupRate ?? 0.1;
  const maxReorder = max.reorderRate ?? 0.2;
  return {
    minDelayMs: random.int(0, (max.minDelayMs ?? 10) + 1),
    maxExtraDelayMs: random.int(0, (max.maxExtraDelayMs ?? 50) + 1),
    lossRate: random.float() * maxLoss,
    dupRate: random.float() * maxDup,
    reorderRate: random.float() * maxReorder,
  };
}

/** The key of the directed link `from → to` in the simulator's maps and sets. */
export const linkKey = (from: string, to: string): string => `${from}\u0000${to}`;

/** Validates a link: rates in [0, 1], delays non-negative safe integers. Throws SimError BAD_OPTION. */
export function checkLink(l: LinkOptions): LinkOptions {
  const rates: (keyof LinkOptions)[] = ['lossRate', 'dupRate', 'reorderRate'];
  for (const k of rates) {
    const v = l[k];
    if (!(v >= 0 && v <= 1)) throw new SimError('BAD_OPTION', `${k} must be in [0, 1], got ${v}`);
  }
  for (const k of ['minDelayMs', 'maxExtraDelayMs'] as const) {
    const v = l[k];
    if (!Number.isSafeInteger(v) || v < 0) throw new SimError('BAD_OPTION', `${k} must be a non-negative integer, got ${v}`);
  }
  return l;
}
