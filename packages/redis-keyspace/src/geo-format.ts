/**
 * The number conversions geo.c's replies go through, as C does them on x86-64:
 *
 * - `printf("%.Nf")` (geo.c addReplyDoubleDistance "%.4f"; the "%f" of extractLongLatOrReply's
 *   error), exact: the double's binary value rounded half to even at N decimals, as glibc does;
 * - util.c ld2string(LD_STR_HUMAN) ("%.17Lf", trailing zeros and '.' cut, "-0" → "0"), which
 *   networking.c addReplyHumanLongDouble writes for GEOPOS and WITHCOORD: a double widened to
 *   long double keeps its exact value, so this is "%.17f" of the double;
 * - the `(uint64_t)` cast geo.c decodeGeohash applies to a score and the `(long long)` one of
 *   WITHHASH (addReplyLongLong(c, gp->score)): gcc's x86-64 code (cvttsd2si, with 2^63 subtracted
 *   first for values >= 2^63), so out-of-range scores give what redis-server 7.0.15 gives.
 */

const TWO32 = 4294967296;
const TWO63 = 2 ** 63;

/** A finite double's magnitude as m · 2^e (m an integer). */
function decompose(a: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) return { m: frac, e: -1074 }; // subnormal (or zero)
  return { m: frac | (1n << 52n), e: exp - 1075 };
}

/** printf("%.*f", prec, d) with glibc's exact round-half-to-even. */
export function fixedExact(d: number, prec: number): string {
  if (Number.isNaN(d)) return 'nan';
  const neg = d < 0 || Object.is(d, -0);
  if (!Number.isFinite(d)) return neg ? '-inf' : 'inf';
  const { m, e } = decompose(Math.abs(d));
  const scale = 10n ** BigInt(prec);
  let q: bigint;
  if (e >= 0) q = (m << BigInt(e)) * scale;
  else {
    const num = m * scale;
    const den = 1n << BigInt(-e);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
  }
  const digits = q.toString().padStart(prec + 1, '0');
  const int = digits.slice(0, digits.length - prec);
  const out = prec > 0 ? `${int}.${digits.slice(digits.length - prec)}` : int;
  return neg ? `-${out}` : out;
}

/** util.c ld2string(LD_STR_HUMAN) of a double (see the header). */
export function humanLongDouble(d: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d > 0 ? 'inf' : '-inf';
  let s = fixedExact(d, 17);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** x86-64 cvttsd2si (double → int64): truncation, or 0x8000000000000000 when out of range. */
function cvttsd2si(d: number): { hi: number; lo: number } {
  if (!(d > -TWO63 - 1 && d < TWO63) || Number.isNaN(d)) return { hi: 0x80000000, lo: 0 };
  const t = Math.trunc(d);
  const u = Math.abs(t);
  const hi = Math.floor(u / TWO32);
  const lo = u - hi * TWO32;
  if (t >= 0) return { hi, lo };
  // two's complement of the magnitude
  const nlo = (TWO32 - lo) % TWO32;
  const nhi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  return { hi: nhi, lo: nlo };
}

/** C's (uint64_t) cast of a double, as gcc compiles it for x86-64 (see the header). */
export function uint64Of(d: number): { hi: number; lo: number } {
  if (d >= TWO63) {
    const r = cvttsd2si(d - TWO63);
    return { hi: (r.hi ^ 0x80000000) >>> 0, lo: r.lo };
  }
  return cvttsd2si(d);
}

/** C's (long long) cast of a double (cvttsd2si), as a number when exact, else a bigint. */
export function longLongOf(d: number): number | bigint {
  const { hi, lo } = cvttsd2si(d);
  const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}
