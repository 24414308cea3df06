/**
 * sin, cos and asin rounded to nearest, for geohash_helper.c's haversine and bounding box.
 *
 * Redis calls glibc's libm; V8's Math.sin / Math.cos / Math.asin (fdlibm ports) are within 1 ulp
 * but differ from glibc in the last bit for a few percent of arguments (3 % for sin and cos, 6 %
 * for asin, measured against glibc 2.36 on 200 000 random arguments) — enough to change the
 * "%.17g" of a STOREDIST score. glibc's results are the correctly rounded ones for (nearly) all
 * arguments, so these evaluate in double-double arithmetic (~106 bits) and round once: Taylor
 * series after a three-part π/2 reduction for sin and cos, one Newton step on sin for asin.
 * Arguments beyond ±2^20 fall back to Math.sin / Math.cos (only an absurd search radius makes
 * geohashBoundingBox take the cosine of such an angle).
 */

type DD = [number, number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

/** a / d for a plain double d. */
function divD(a: DD, d: number): DD {
  const q1 = a[0] / d;
  const [p, e] = twoProd(q1, d);
  const [r, f] = twoSum(a[0], -p);
  const q2 = (r + (f - e + a[1])) / d;
  return quickTwoSum(q1, q2);
}

/** π/2 as three doubles (≈ 160 bits). */
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;
const PIO2: DD = [PIO2_1, PIO2_2];

/** 1/n! in double-double, n = 0..31. */
const INV_FACT: DD[] = [];
{
  let f: DD = [1, 0];
  for (let n = 0; n < 32; n++) {
    if (n > 0) f = divD(f, n);
    INV_FACT.push(f);
  }
}

/** sin(r) (odd) or cos(r) (even) by Taylor series in double-double, |r| ≤ π/4. */
function series(r: DD, odd: boolean): DD {
  const r2 = mul(r, r);
  // Horner from the highest term: Σ (-1)^k r^(2k+o) / (2k+o)!
  const top = odd ? 29 : 30;
  let acc: DD = INV_FACT[top] as DD;
  for (let n = top - 2; n >= (odd ? 1 : 0); n -= 2) {
    const t = mul(acc, r2);
    acc = add(INV_FACT[n] as DD, [-t[0], -t[1]]);
  }
  return odd ? mul(acc, r) : acc;
}

/** x - k·π/2 in double-double, and k mod 4. */
function reduce(x: number): { r: DD; q: number } {
  const k = Math.round(x / PIO2_1);
  if (k === 0) return { r: [x, 0], q: 0 };
  let r = add([x, 0], neg(twoProd(k, PIO2_1)));
  r = add(r, neg(twoProd(k, PIO2_2)));
  r = add(r, [-k * PIO2_3, 0]);
  return { r, q: ((k % 4) + 4) % 4 };
}

const neg = (a: DD): DD => [-a[0], -a[1]];
const LIMIT = 2 ** 20;

/** sin(x) rounded to nearest (glibc's result). */
export function crSin(x: number): number {
  if (!(Math.abs(x) <= LIMIT)) return Math.sin(x);
  if (x === 0) return x;
  const { r, q } = reduce(x);
  const v = q === 0 ? series(r, true) : q === 1 ? series(r, false) : q === 2 ? neg(series(r, true)) : neg(series(r, false));
  return v[0] + v[1];
}

/** cos(x) rounded to nearest (glibc's result). */
export function crCos(x: number): number {
  if (!(Math.abs(x) <= LIMIT)) return Math.cos(x);
  const { r, q } = reduce(x);
  const v = q === 0 ? series(r, false) : q === 1 ? neg(series(r, true)) : q === 2 ? neg(series(r, false)) : series(r, true);
  return v[0] + v[1];
}

/** sin and cos of a double in double-double (for the Newton step). */
function sinCosDD(z: number): [DD, DD] {
  const { r, q } = reduce(z);
  const s = series(r, true), c = series(r, false);
  switch (q) {
    case 0:
      return [s, c];
    case 1:
      return [c, neg(s)];
    case 2:
      return [neg(s), neg(c)];
    default:
      return [neg(c), s];
  }
}

/** asin(w) in double-double for 0 ≤ w ≤ ~0.71 given as double-double: one Newton step on sin. */
function asinDD(w: DD): DD {
  const z0 = Math.asin(w[0]);
  if (z0 === 0) return [0, 0];
  const [s, c] = sinCosDD(z0);
  const diff = add(w, neg(s));
  return quickTwoSum(z0, (diff[0] + diff[1]) / c[0]);
}

/** asin(y) rounded to nearest (glibc's result). */
export function crAsin(y: number): number {
  if (Number.isNaN(y) || y > 1 || y < -1) return NaN;
  if (y < 0) return -crAsin(-y);
  if (y <= 0.5) {
    const v = asinDD([y, 0]);
    return v[0] + v[1];
  }
  // asin(y) = π/2 - 2·asin(sqrt((1 - y) / 2)); 1 - y and the halving are exact here.
  const t = (1 - y) / 2;
  const w0 = Math.sqrt(t);
  const [p, e] = twoProd(w0, w0);
  const wlo = w0 === 0 ? 0 : (t - p - e) / (2 * w0);
  const a = asinDD(quickTwoSum(w0, wlo));
  const v = add(PIO2, neg(add(a, a)));
  return v[0] + v[1];
}
