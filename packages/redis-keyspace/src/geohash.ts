/**
 * Geohash encoding as Redis 7.0 does it (redis/redis src/geohash.c, 7.0): a point is two
 * fixed-point offsets (latitude, longitude) of `step` bits each, interleaved into one integer —
 * latitude bits in the even positions, longitude bits in the odd ones (interleave64 /
 * deinterleave64) — and a cell decodes back to its bounding box (geohashDecode) whose centre is
 * the point GEOPOS reports (geohashDecodeAreaToLongLat).
 *
 * C works on uint64_t. Here a 64-bit value is two unsigned 32-bit halves `{ hi, lo }` (JS bitwise
 * operators are 32-bit), so nothing is rounded: a hash whose latitude or longitude offset reached
 * 2^step (a point on the top or east edge) carries a bit above bit 52, which a JS number could
 * not hold exactly next to bit 0.
 */

/** geohash.h GEO_STEP_MAX: 26 bits per coordinate, a 52-bit hash (the sorted-set score). */
export const GEO_STEP_MAX = 26;
/** geohash.h limits (EPSG:900913 / EPSG:3785): the poles cannot be encoded. */
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const TWO32 = 4294967296;

/** geohash.h GeoHashBits: the interleaved bits (as 64-bit halves) and the bits per coordinate. */
export interface GeoHashBits {
  hi: number;
  lo: number;
  step: number;
}

/** geohash.h GeoHashRange. */
export interface GeoHashRange {
  min: number;
  max: number;
}

/** geohash.h GeoHashArea: a cell and its box. */
export interface GeoHashArea {
  hash: GeoHashBits;
  longitude: GeoHashRange;
  latitude: GeoHashRange;
}

/** geohash.h GeoHashNeighbors. */
export interface GeoHashNeighbors {
  north: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  south: GeoHashBits;
  north_east: GeoHashBits;
  south_east: GeoHashBits;
  north_west: GeoHashBits;
  south_west: GeoHashBits;
}

/** geohash.h HASHISZERO: no bits and no step (a neighbour excluded with GZERO). */
export function HASHISZERO(h: GeoHashBits): boolean {
  return h.hi === 0 && h.lo === 0 && h.step === 0;
}

/** geohash_helper.h GZERO. */
export function GZERO(h: GeoHashBits): void {
  h.hi = 0;
  h.lo = 0;
  h.step = 0;
}

/** The low 16 bits of v spread to the even bit positions of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** The even bits of a 32-bit word packed into 16 bits (spread16 undone). */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/**
 * geohash.c interleave64: the bits of xlo in the even positions, those of ylo in the odd ones
 * (both unsigned 32-bit; C's double → uint32_t conversion truncates, so callers pass integers).
 */
export function interleave64(xlo: number, ylo: number): { hi: number; lo: number } {
  const lo = (spread16(xlo) | (spread16(ylo) << 1)) >>> 0;
  const hi = (spread16(xlo >>> 16) | (spread16(ylo >>> 16) << 1)) >>> 0;
  return { hi, lo };
}

/** geohash.c deinterleave64: [even bits (latitude part), odd bits (longitude part)], each uint32. */
export function deinterleave64(hi: number, lo: number): [number, number] {
  const x = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const y = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

/** The uint64 as a double, rounded to nearest-even as C's (double) conversion of a uint64_t. */
export function bits64ToNumber(hi: number, lo: number): number {
  return hi * TWO32 + lo; // hi·2^32 is exact; the one addition rounds once, half to even
}

/** The uint64 exactly. */
export function bits64ToBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** geohash.c geohashGetCoordRange: the WGS84 ranges Redis encodes scores in. */
export function geohashGetCoordRange(): [GeoHashRange, GeoHashRange] {
  return [
    { min: GEO_LONG_MIN, max: GEO_LONG_MAX },
    { min: GEO_LAT_MIN, max: GEO_LAT_MAX },
  ];
}

/**
 * geohash.c geohashEncode: the cell of (longitude, latitude) at `step` bits per coordinate, or
 * undefined where C returns 0 (bad step, a point outside the WGS84 limits or outside the ranges).
 */
export function geohashEncode(longRange: GeoHashRange, latRange: GeoHashRange, longitude: number, latitude: number, step: number): GeoHashBits | undefined {
  if (step > 32 || step === 0) return undefined;
  if (latRange.min === 0 && latRange.max === 0) return undefined; // RANGEPISZERO
  if (longRange.min === 0 && longRange.max === 0) return undefined;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return undefined;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return undefined;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  // convert to fixed point based on the step size (1ULL << step is exact as a double)
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  const { hi, lo } = interleave64(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0);
  return { hi, lo, step };
}

/** geohash.c geohashEncodeWGS84 (geohashEncodeType over geohashGetCoordRange). */
export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | undefined {
  const [longRange, latRange] = geohashGetCoordRange();
  return geohashEncode(longRange, latRange, longitude, latitude, step);
}

/** geohash.c geohashDecode: the box of a cell, or undefined for a zero hash (HASHISZERO). */
export function geohashDecode(longRange: GeoHashRange, latRange: GeoHashRange, hash: GeoHashBits): GeoHashArea | undefined {
  if (HASHISZERO(hash)) return undefined;
  if ((latRange.min === 0 && latRange.max === 0) || (longRange.min === 0 && longRange.max === 0)) return undefined;
  const step = hash.step;
  const [ilato, ilono] = deinterleave64(hash.hi, hash.lo); // hash = [LAT][LONG]
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const div = 2 ** step; // (1ull << step) converted to double
  // (ilato + 1) is uint32 arithmetic in C: it wraps at 2^32.
  const ilato1 = (ilato + 1) >>> 0;
  const ilono1 = (ilono + 1) >>> 0;
  return {
    hash,
    latitude: { min: latRange.min + (ilato / div) * latScale, max: latRange.min + (ilato1 / div) * latScale },
    longitude: { min: longRange.min + (ilono / div) * longScale, max: longRange.min + (ilono1 / div) * longScale },
  };
}

/** geohash.c geohashDecodeAreaToLongLat: the cell's centre, clamped to the WGS84 limits. */
export function geohashDecodeAreaToLongLat(area: GeoHashArea): [number, number] {
  let x = (area.longitude.min + area.longitude.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latitude.min + area.latitude.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

/** geohash.c geohashDecodeToLongLatWGS84: [longitude, latitude] of a cell, or undefined. */
export function geohashDecodeToLongLatWGS84(hash: GeoHashBits): [number, number] | undefined {
  const [longRange, latRange] = geohashGetCoordRange();
  const area = geohashDecode(longRange, latRange, hash);
  return area === undefined ? undefined : geohashDecodeAreaToLongLat(area);
}

/**
 * geohash.c geohash_move_x / geohash_move_y: the longitude (odd bits, x) or latitude (even bits,
 * y) part moved by d (-1, 0, +1) modulo 2^step; the other part is kept as it is. C does it with
 * masks on the interleaved word ((x | zz) ± 1, then & the part's mask below bit 2·step), which
 * is this arithmetic on the deinterleaved coordinate.
 */
function geohashMove(hash: GeoHashBits, dx: number, dy: number): void {
  if (dx === 0 && dy === 0) return;
  let [lat, lon] = deinterleave64(hash.hi, hash.lo);
  const size = 2 ** hash.step;
  if (dx !== 0) lon = (((lon + dx) % size) + size) % size;
  if (dy !== 0) lat = (((lat + dy) % size) + size) % size;
  const { hi, lo } = interleave64(lat, lon);
  hash.hi = hi;
  hash.lo = lo;
}

/** geohash.c geohashNeighbors: the eight cells around `hash`, at the same step. */
export function geohashNeighbors(hash: GeoHashBits): GeoHashNeighbors {
  const at = (dx: number, dy: number): GeoHashBits => {
    const h = { ...hash };
    geohashMove(h, dx, dy);
    return h;
  };
  return {
    east: at(1, 0),
    west: at(-1, 0),
    south: at(0, -1),
    north: at(0, 1),
    north_west: at(-1, 1),
    north_east: at(1, 1),
    south_east: at(1, -1),
    south_west: at(-1, -1),
  };
}
