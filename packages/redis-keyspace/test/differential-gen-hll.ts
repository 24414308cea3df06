// Random HyperLogLog commands (hyperloglog.c) for the differential peer tests: PFADD, PFCOUNT,
// PFMERGE and PFDEBUG over keys the other generators also write (so WRONGTYPE and "not a valid
// HyperLogLog string" come up) and HLL-only keys that grow past the sparse limit. HLL_SPECIFIC
// plugs into differential-gen.ts's SPECIFIC. PFSELFTEST is generated only with a wrong arity:
// the real self-test is ten million adds (hyperloglog.test.ts runs it once).
import type { Prng } from '@protolab/sim';

type Gen = (r: Prng) => string[];

const KEYS = ['a', 'b', 'hll1', 'hll2', 'hll3', 'x\u00ff'];
const ELEMENTS = ['', 'a', 'b', 'c', '1', '2', 'foo', 'bar', '\u0000', '\u00ff\u00fe', 'x'.repeat(70)];

const k = (r: Prng): string => r.pick(KEYS);
/** Mostly a few known elements; sometimes many fresh ones (to reach the dense encoding). */
const elements = (r: Prng): string[] =>
  r.chance(0.15) ? Array.from({ length: r.int(50, 400) }, () => `e${r.nextU32()}`) : Array.from({ length: r.int(0, 4) }, () => r.pick(ELEMENTS));
const keys = (r: Prng): string[] => Array.from({ length: r.int(0, 3) }, () => k(r));

export const HLL_SPECIFIC: Record<string, Gen> = {
  pfadd: (r) => ['PFADD', k(r), ...elements(r)],
  pfcount: (r) => ['PFCOUNT', k(r), ...keys(r)],
  pfmerge: (r) => ['PFMERGE', k(r), ...keys(r)],
  pfdebug: (r) => ['PFDEBUG', r.pick(['ENCODING', 'DECODE', 'TODENSE', 'GETREG', 'encoding', 'FOO']), k(r), ...(r.chance(0.05) ? ['extra'] : [])],
  pfselftest: (r) => ['PFSELFTEST', r.pick(['x', 'now'])],
};
