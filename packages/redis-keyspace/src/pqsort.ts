/**
 * Redis's partial quicksort (redis/redis src/pqsort.c, 7.0: NetBSD's qsort — Bentley & McIlroy,
 * "Engineering a Sort Function" — that skips the partitions lying wholly outside [lrange,
 * rrange]). geo.c georadiusGeneric sorts with it when COUNT keeps fewer results than were found,
 * so which of several equally distant points come first is this algorithm's doing: it is ported
 * step by step (same pivots, same swaps), over array indexes where C uses byte pointers.
 */

type Cmp<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i] as T;
  a[i] = a[j] as T;
  a[j] = t;
}

/** pqsort.c vecswap: swap the n elements from i with the n from j. */
function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

/** pqsort.c med3: the index of the median of three. */
function med3<T>(a: T[], i: number, j: number, k: number, cmp: Cmp<T>): number {
  const ai = a[i] as T, aj = a[j] as T, ak = a[k] as T;
  return cmp(ai, aj) < 0 ? (cmp(aj, ak) < 0 ? j : cmp(ai, ak) < 0 ? k : i) : cmp(aj, ak) > 0 ? j : cmp(ai, ak) < 0 ? i : k;
}

/** pqsort.c _pqsort over a[base .. base+n-1]; lrange/rrange are absolute indexes. */
function pqsortRange<T>(arr: T[], base: number, n: number, cmp: Cmp<T>, lrange: number, rrange: number): void {
  const at = (i: number): T => arr[i] as T;
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) for (let pl = pm; pl > base && cmp(at(pl - 1), at(pl)) > 0; pl--) swap(arr, pl, pl - 1);
      return;
    }
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(arr, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(arr, pm - d, pm, pm + d, cmp);
        pn = med3(arr, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(arr, pl, pm, pn, cmp);
    }
    swap(arr, base, pm);
    let pa = base + 1, pb = base + 1;
    let pc = base + n - 1, pd = base + n - 1;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(at(pb), at(base))) <= 0) {
        if (r === 0) {
          swap(arr, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(at(pc), at(base))) >= 0) {
        if (r === 0) {
          swap(arr, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(arr, pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    if (r > 0) vecswap(arr, base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    if (r > 0) vecswap(arr, pb, pn - r, r);
    // Recurse into the left part only when it overlaps [lrange, rrange].
    if ((r = pb - pa) > 1) {
      const l = base, rr = base + r - 1;
      if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) pqsortRange(arr, base, r, cmp, lrange, rrange);
    }
    // Iterate (rather than recurse) into the right part, under the same condition.
    if ((r = pd - pc) > 1) {
      base = pn - r;
      n = r;
      const l = base, rr = base + r - 1;
      if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) continue;
    }
    return;
  }
}

/**
 * pqsort.c pqsort: sort `a` in place so that positions lrange..rrange hold what a full sort would
 * put there (the rest is partitioned around them but not sorted).
 */
export function pqsort<T>(a: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  pqsortRange(a, 0, a.length, cmp, lrange, rrange);
}
