/**
 * The search geometry of Redis 7.0's geo commands (redis/redis src/geohash_helper.c, 7.0): the
 * step (cell size) for a search radius (geohashEstimateStepsByRadius), the bounding box of a
 * circle or box (geohashBoundingBox), the centre cell and its eight neighbours that cover it
 * (geohashCalculateAreasByShapeWGS84), and the haversine distance (geohashGetDistance).
 *
 * Floating point follows the C expressions operation by operation (same operands, same order),
 * so the IEEE doubles agree; sin/cos/asin are geo-libm.ts's correctly rounded ones, which agree
 * with glibc's libm except where glibc misrounds (≈ 0.1 % of arguments on glibc 2.36; see the
 * package README).
 */
import {
  GZERO,
  bits64ToNumber,
  geohashDecode,
  geohashEncode,
  geohashGetCoordRange,
  geohashNeighbors,
  type GeoHashArea,
  type GeoHashBits,
  type GeoHashNeighbors,
} from './geohash.js';
import { crAsin, crCos, crSin } from './geo-libm.js';

/** geohash_helper.c D_R (M_PI / 180.0). */
const D_R = Math.PI / 180.0;
/** geohash_helper.c EARTH_RADIUS_IN_METERS: Earth's quadratic mean radius for WGS-84. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
/** geohash_helper.c MERCATOR_MAX. */
const MERCATOR_MAX = 20037726.37;

const deg_rad = (ang: number): number => ang * D_R;
const rad_deg = (ang: number): number => ang / D_R;

/** geohash.h GeoShape: the search centre, and a radius (CIRCULAR_TYPE) or a box (RECTANGLE_TYPE). */
export interface GeoShape {
  type: 'circular' | 'rectangle';
  /** [longitude, latitude] of the centre. */
  xy: [number, number];
  /** Meters per unit (extractUnitOrReply). */
  conversion: number;
  /** t.radius (circular). */
  radius: number;
  /** t.r.width / t.r.height (rectangle), in the unit. */
  width: number;
  height: number;
  /** [min lon, min lat, max lon, max lat], set by geohashCalculateAreasByShapeWGS84. */
  bounds: [number, number, number, number];
}

/** geohash_helper.h GeoHashRadius: the centre cell, its box and its neighbours. */
export interface GeoHashRadius {
  hash: GeoHashBits;
  area: GeoHashArea;
  neighbors: GeoHashNeighbors;
}

/** geohash_helper.c geohashEstimateStepsByRadius: the bits per coordinate of the 9 search cells. */
export function geohashEstimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // make sure the range is included in most of the base cases
  // Wider range towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/**
 * geohash_helper.c geohashBoundingBox: [min lon, min lat, max lon, max lat] of the search area;
 * the longitude span is taken at the edge nearer the pole (top edge in the northern hemisphere,
 * bottom edge in the southern one).
 */
export function geohashBoundingBox(shape: GeoShape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.type === 'circular' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circular' ? shape.radius : shape.width / 2);
  const latDelta = rad_deg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = rad_deg(width / EARTH_RADIUS_IN_METERS / crCos(deg_rad(latitude + latDelta)));
  const longDeltaBottom = rad_deg(width / EARTH_RADIUS_IN_METERS / crCos(deg_rad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

/**
 * geohash_helper.c geohashCalculateAreasByShapeWGS84: the centre cell at the estimated step, one
 * step coarser when a N/S/E/W neighbour does not reach the bounding box, and the neighbours the
 * bounding box does not reach zeroed (GZERO) — the ≤ 9 cells membersOfAllNeighbors scans.
 */
export function geohashCalculateAreasByShapeWGS84(shape: GeoShape): GeoHashRadius {
  shape.bounds = geohashBoundingBox(shape);
  const [minLon, minLat, maxLon, maxLat] = shape.bounds;
  const [longitude, latitude] = shape.xy;
  // circular: the radius; rectangle: centre to corner, sqrt((w/2)^2 + (h/2)^2)
  let radiusMeters =
    shape.type === 'circular' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;
  let steps = geohashEstimateStepsByRadius(radiusMeters, latitude);
  const [longRange, latRange] = geohashGetCoordRange();
  const encode = (): GeoHashBits => geohashEncode(longRange, latRange, longitude, latitude, steps) ?? { hi: 0, lo: 0, step: steps };
  const decode = (h: GeoHashBits): GeoHashArea =>
    geohashDecode(longRange, latRange, h) ?? { hash: h, longitude: { min: 0, max: 0 }, latitude: { min: 0, max: 0 } };
  let hash = encode();
  let neighbors = geohashNeighbors(hash);
  let area = decode(hash);
  // Is the step small enough at the limits of the covered area?
  let decreaseStep = false;
  {
    const north = decode(neighbors.north);
    const south = decode(neighbors.south);
    const east = decode(neighbors.east);
    const west = decode(neighbors.west);
    if (north.latitude.max < maxLat) decreaseStep = true;
    if (south.latitude.min > minLat) decreaseStep = true;
    if (east.longitude.max < maxLon) decreaseStep = true;
    if (west.longitude.min > minLon) decreaseStep = true;
  }
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = encode();
    neighbors = geohashNeighbors(hash);
    area = decode(hash);
  }
  // Exclude the search areas that are useless.
  if (steps >= 2) {
    if (area.latitude.min < minLat) {
      GZERO(neighbors.south);
      GZERO(neighbors.south_west);
      GZERO(neighbors.south_east);
    }
    if (area.latitude.max > maxLat) {
      GZERO(neighbors.north);
      GZERO(neighbors.north_east);
      GZERO(neighbors.north_west);
    }
    if (area.longitude.min < minLon) {
      GZERO(neighbors.west);
      GZERO(neighbors.south_west);
      GZERO(neighbors.north_west);
    }
    if (area.longitude.max > maxLon) {
      GZERO(neighbors.east);
      GZERO(neighbors.south_east);
      GZERO(neighbors.north_east);
    }
  }
  return { hash, area, neighbors };
}

/** geohash_helper.c geohashAlign52Bits: bits << (52 - step·2), as the double a score compares as. */
export function geohashAlign52Bits(hash: GeoHashBits): number {
  return bits64ToNumber(hash.hi, hash.lo) * 2 ** (52 - hash.step * 2);
}

/** geohash_helper.c geohashGetDistance: haversine great-circle distance in meters. */
export function geohashGetDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = deg_rad(lat1d);
  const lon1r = deg_rad(lon1d);
  const lat2r = deg_rad(lat2d);
  const lon2r = deg_rad(lon2d);
  const u = crSin((lat2r - lat1r) / 2);
  const v = crSin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(u * u + crCos(lat1r) * crCos(lat2r) * v * v));
}

/**
 * geohashGetDistance with V8's Math functions: within ~1e-14 (relative) of the correctly rounded
 * one, so it can decide a comparison that is not within MARGIN of its bound — the search's many
 * rejected candidates then cost no double-double evaluation.
 */
function distanceFast(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = deg_rad(lat1d);
  const lat2r = deg_rad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((deg_rad(lon2d) - deg_rad(lon1d)) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}
const MARGIN = 1e-9;
/** Certainly beyond `bound` (whatever the last bits of the distance). */
const surelyOver = (fast: number, bound: number): boolean => fast > bound * (1 + MARGIN) + MARGIN;
/** Certainly within `bound`. */
const surelyWithin = (fast: number, bound: number): boolean => fast < bound * (1 - MARGIN) - MARGIN;

/**
 * geohash_helper.c geohashGetDistanceIfInRadiusWGS84: the distance when it is not beyond
 * `radius`, else undefined.
 */
export function geohashGetDistanceIfInRadiusWGS84(x1: number, y1: number, x2: number, y2: number, radius: number): number | undefined {
  if (surelyOver(distanceFast(x1, y1, x2, y2), radius)) return undefined;
  const distance = geohashGetDistance(x1, y1, x2, y2);
  return distance > radius ? undefined : distance;
}

/**
 * geohash_helper.c geohashGetDistanceIfInRectangle: (x2, y2) is in the box of width_m × height_m
 * centred on (x1, y1) when its east-west distance (along its own latitude) is at most width/2 and
 * its north-south distance at most height/2; then its distance to the centre, else undefined.
 */
export function geohashGetDistanceIfInRectangle(widthM: number, heightM: number, x1: number, y1: number, x2: number, y2: number): number | undefined {
  const lonFast = distanceFast(x2, y2, x1, y2);
  const latFast = distanceFast(x2, y2, x2, y1);
  if (surelyOver(lonFast, widthM / 2) || surelyOver(latFast, heightM / 2)) return undefined;
  if (!surelyWithin(lonFast, widthM / 2) || !surelyWithin(latFast, heightM / 2)) {
    const lonDistance = geohashGetDistance(x2, y2, x1, y2);
    const latDistance = geohashGetDistance(x2, y2, x2, y1);
    if (lonDistance > widthM / 2 || latDistance > heightM / 2) return undefined;
  }
  return geohashGetDistance(x1, y1, x2, y2);
}
