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

// Double-double arithmetic without allocation: results land in (H, L).
let H = 0;
let L = 0;
const SPLITTER = 134217729; // 2^27 + 1

/** (H, L) = a + b, normalised. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  let s = ah + bh;
  let bb = s - ah;
  let e = ah - (s - bb) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const f = al - (t - bb) + (bl - bb);
  e += t;
  let h = s + e;
  e = e - (h - s);
  s = h;
  e += f;
  h = s + e;
  L = e - (h - s);
  H = h;
}

/** (H, L) = a · b. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  let t = SPLITTER * ah;
  const a1 = t - (t - ah), a2 = ah - a1;
  t = SPLITTER * bh;
  const b1 = t - (t - bh), b2 = bh - b1;
  const e = a1 * b1 - p + a1 * b2 + a2 * b1 + a2 * b2 + (ah * bl + al * bh);
  H = p + e;
  L = e - (H - p);
}

/** (H, L) = a / d for a double d. */
function ddDivD(ah: number, al: number, d: number): void {
  const q1 = ah / d;
  ddMul(q1, 0, d, 0);
  const ph = H, pl = L;
  ddAdd(ah, al, -ph, -pl);
  const q2 = (H + L) / d;
  H = q1 + q2;
  L = q2 - (H - q1);
}

/** π/2 as three doubles (≈ 160 bits). */
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** 1/n! in double-double, n = 0..31. */
const FACT_HI: number[] = [];
const FACT_LO: number[] = [];
{
  let fh = 1, fl = 0;
  for (let n = 0; n < 32; n++) {
    if (n > 0) {
      ddDivD(fh, fl, n);
      fh = H;
      fl = L;
    }
    FACT_HI.push(fh);
    FACT_LO.push(fl);
  }
}

/**
 * (H, L) = sin(r) (odd) or cos(r) (even) by Taylor series in double-double for |r| ≤ π/4; the
 * series stops where the next term is below 2^-112 of the first.
 */
function series(rh: number, rl: number, odd: boolean): void {
  ddMul(rh, rl, rh, rl);
  const r2h = H, r2l = L;
  let top = odd ? 1 : 0;
  for (let t = 1; t > 1.9e-34 && top < 29; top += 2) t *= r2h / ((top + 1) * (top + 2));
  let ah = FACT_HI[top] as number, al = FACT_LO[top] as number;
  for (let n = top - 2; n >= 0; n -= 2) {
    ddMul(ah, al, r2h, r2l);
    ddAdd(FACT_HI[n] as number, FACT_LO[n] as number, -H, -L);
    ah = H;
    al = L;
  }
  if (odd) ddMul(ah, al, rh, rl);
  else {
    H = ah;
    L = al;
  }
}

/** x − k·π/2 in double-double (RH, RL) and k mod 4 (Q). */
let RH = 0, RL = 0, Q = 0;
function reduce(x: number): void {
  const k = Math.round(x / PIO2_1);
  Q = ((k % 4) + 4) % 4;
  if (k === 0) {
    RH = x;
    RL = 0;
    return;
  }
  ddMul(k, 0, PIO2_1, 0);
  ddAdd(x, 0, -H, -L);
  const h = H, l = L;
  ddMul(k, 0, PIO2_2, 0);
  ddAdd(h, l, -H, -L);
  ddAdd(H, L, -k * PIO2_3, 0);
  RH = H;
  RL = L;
}

const LIMIT = 2 ** 20;

/** (H, L) = sin (which 0) or cos (which 1) of x, |x| ≤ LIMIT. */
function sinCos(x: number, which: 0 | 1): void {
  reduce(x);
  const q = (Q + which) % 4; // cos(x) = sin(x + π/2)
  series(RH, RL, q % 2 === 0);
  if (q >= 2) {
    H = -H;
    L = -L;
  }
}

/** sin(x) rounded to nearest (glibc's result). */
export function crSin(x: number): number {
  if (!(Math.abs(x) <= LIMIT)) return Math.sin(x);
  if (x === 0) return x;
  sinCos(x, 0);
  return H + L;
}

/** cos(x) rounded to nearest (glibc's result). */
export function crCos(x: number): number {
  if (!(Math.abs(x) <= LIMIT)) return Math.cos(x);
  sinCos(x, 1);
  return H + L;
}

/** (H, L) = asin(w) for 0 ≤ w ≤ ~0.71 given in double-double: one Newton step on sin. */
function asinDD(wh: number, wl: number): void {
  const z0 = Math.asin(wh);
  if (z0 === 0) {
    H = 0;
    L = 0;
    return;
  }
  sinCos(z0, 1);
  const c = H;
  sinCos(z0, 0);
  ddAdd(wh, wl, -H, -L);
  const d = (H + L) / c;
  H = z0 + d;
  L = d - (H - z0);
}

/** asin(y) rounded to nearest (glibc's result). */
export function crAsin(y: number): number {
  if (Number.isNaN(y) || y > 1 || y < -1) return NaN;
  if (y < 0) return -crAsin(-y);
  if (y <= 0.5) {
    asinDD(y, 0);
    return H + L;
  }
  // asin(y) = π/2 - 2·asin(sqrt((1 - y) / 2)); 1 - y and the halving are exact here.
  const t = (1 - y) / 2;
  const w0 = Math.sqrt(t);
  ddMul(w0, 0, w0, 0);
  const wlo = w0 === 0 ? 0 : (t - H - L) / (2 * w0);
  asinDD(w0, wlo);
  ddAdd(PIO2_1, PIO2_2, -2 * H, -2 * L);
  return H + L;
}
