import fc from 'fast-check';
import { VirtualService, type ServiceFlag, type VirtualServiceOptions } from '../src/index.js';

export interface DestState {
  weight: number;
  active: number;
  inact: number;
  overloaded: boolean;
}

/** Build a service whose LIST ORDER (front first) is `names` — add prepends, so add in reverse. */
export function serviceWith(
  scheduler: VirtualServiceOptions['scheduler'],
  dests: readonly DestState[],
  opts: Partial<VirtualServiceOptions> = {},
): VirtualService {
  const svc = new VirtualService({ scheduler: 'rr', ...opts });
  for (let i = dests.length - 1; i >= 0; i--) {
    const s = dests[i]!;
    const d = svc.addDest({ name: `d${i}`, weight: s.weight, addr: `10.1.${i >> 8}.${i & 255}`, port: 80 });
    d.activeConns = s.active;
    d.inactConns = s.inact;
    d.overloaded = s.overloaded;
  }
  // ipvsadm -E -s: init_service sees the whole list (a fresh period for wrr)
  svc.setScheduler(scheduler);
  return svc;
}

/** Names in list order, A B C … for readable sequences. */
export function lettered(scheduler: VirtualServiceOptions['scheduler'], weights: readonly number[], flags: ServiceFlag[] = []): VirtualService {
  const s2 = new VirtualService({ scheduler, flags });
  for (let i = weights.length - 1; i >= 0; i--) s2.addDest({ name: String.fromCharCode(65 + i), weight: weights[i]!, addr: `10.9.9.${i + 1}` });
  s2.setScheduler(scheduler);
  return s2;
}

export function picks(svc: VirtualService, n: number, src = '192.0.2.1'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += svc.schedule({ srcAddr: src })?.name.replace(/^d/, '') ?? '-';
  return s;
}

export const destArb = fc.record({
  weight: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 12 }) }),
  active: fc.integer({ min: 0, max: 30 }),
  inact: fc.integer({ min: 0, max: 400 }),
  overloaded: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

export const listArb = fc.array(destArb, { minLength: 0, maxLength: 12 });

/** Exact rational comparison a/b < c/d for b, d > 0 (independent of the code under test). */
export function ratioLess(a: number, b: number, c: number, d: number): boolean {
  return BigInt(a) * BigInt(d) < BigInt(c) * BigInt(b);
}

/** The service's scheduler as a `cls` instance (throws otherwise). */
export function schedAs<T>(svc: VirtualService, cls: new (...args: never[]) => T): T {
  const s: unknown = svc.scheduler;
  if (!(s instanceof cls)) throw new Error(`scheduler is not a ${cls.name}`);
  return s;
}
