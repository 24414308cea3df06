/**
 * The part of HdrHistogram_c (redis/redis deps/hdr_histogram/hdr_histogram.c, as Redis 7.0 ships
 * it) that Redis's per-command latency histograms use: hdr_init(1, 1_000_000_000, 2) (server.h
 * LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE / PRECISION), hdr_record_value, hdr_value_at_percentile
 * and the logarithmic iterator (hdr_iter_log_init / log_iter_next) behind LATENCY HISTOGRAM.
 *
 * Values are recorded in nanoseconds. Two significant digits: each power-of-two bucket is cut in
 * 128 sub-buckets (256 in the first), so a value is known to within 1/128 of itself, and what is
 * printed is the highest value of the sub-bucket it fell in (8000 ns → 8031 → "8.031").
 */

/** server.h LATENCY_HISTOGRAM_MIN_VALUE (ns) */
export const LATENCY_HISTOGRAM_MIN_VALUE = 1;
/** server.h LATENCY_HISTOGRAM_MAX_VALUE (ns) */
export const LATENCY_HISTOGRAM_MAX_VALUE = 1_000_000_000;

// hdr_init(1, 1e9, 2): sub_bucket_count 2^ceil(log2(2 * 10^2)) = 256, unit_magnitude 0.
const SUB_BUCKET_COUNT = 256;
const SUB_BUCKET_HALF_COUNT = 128;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;

/** hdr_calculate_bucket_config's buckets_needed_to_cover_value(1e9): 23 buckets. */
function bucketsNeeded(max: number): number {
  let smallestUntrackable = SUB_BUCKET_COUNT;
  let needed = 1;
  while (smallestUntrackable <= max) {
    smallestUntrackable *= 2;
    needed++;
  }
  return needed;
}
const BUCKET_COUNT = bucketsNeeded(LATENCY_HISTOGRAM_MAX_VALUE);
/** counts_len: (bucket_count + 1) * sub_bucket_half_count */
export const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

/** get_bucket_index: 64 - clz(value | sub_bucket_mask) - (unit_magnitude + half_count_magnitude + 1). */
function bucketIndex(value: number): number {
  // The bit length of (value | mask); past 2^31 (a reporting level of the log iterator) by log2.
  const bits = value < 2 ** 31 ? 32 - Math.clz32(value | SUB_BUCKET_MASK) : Math.floor(Math.log2(value)) + 1;
  return bits - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

/** counts_index_for */
export function countsIndexFor(value: number): number {
  const b = bucketIndex(value);
  const sub = Math.floor(value / 2 ** b);
  return ((b + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (sub - SUB_BUCKET_HALF_COUNT);
}

/** hdr_value_at_index */
export function valueAtIndex(index: number): number {
  let b = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (b < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    b = 0;
  }
  return sub * 2 ** b;
}

/** hdr_size_of_equivalent_value_range */
function sizeOfEquivalentRange(value: number): number {
  const b = bucketIndex(value);
  const sub = Math.floor(value / 2 ** b);
  return 2 ** (sub >= SUB_BUCKET_COUNT ? b + 1 : b);
}

/** lowest_equivalent_value */
export function lowestEquivalentValue(value: number): number {
  const b = bucketIndex(value);
  return Math.floor(value / 2 ** b) * 2 ** b;
}

/** highest_equivalent_value: next_non_equivalent_value - 1 */
export function highestEquivalentValue(value: number): number {
  return lowestEquivalentValue(value) + sizeOfEquivalentRange(value) - 1;
}

/** struct hdr_histogram, counts only (min/max/mean are not read by Redis's INFO or LATENCY). */
export class HdrHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  totalCount = 0;

  /**
   * server.c updateCommandLatencyHistogram: the duration in ns clamped to [MIN, MAX], then
   * hdr_record_value.
   */
  record(ns: number): void {
    const v = Math.min(LATENCY_HISTOGRAM_MAX_VALUE, Math.max(LATENCY_HISTOGRAM_MIN_VALUE, Math.floor(ns)));
    const i = countsIndexFor(v);
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.totalCount++;
  }

  /**
   * hdr_value_at_percentile: count_at_percentile = (p/100 · total + 0.5) truncated (at least 1),
   * the first index whose running count reaches it, and that index's highest equivalent value
   * (its lowest for p = 0).
   */
  valueAtPercentile(percentile: number): number {
    const p = Math.min(percentile, 100);
    const countAt = Math.max(1, Math.trunc((p / 100) * this.totalCount + 0.5));
    let running = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      running += this.counts[i] ?? 0;
      if (running >= countAt) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalentValue(value) : highestEquivalentValue(value);
  }

  /**
   * hdr_iter_log_init(h, firstBucket, logBase) then hdr_iter_next until false, as latency.c
   * fillCommandCDF walks it: each step's highest_equivalent_value and cumulative_count.
   */
  logSteps(firstBucket: number, logBase: number): { highestEquivalentValue: number; cumulativeCount: number }[] {
    const steps: { highestEquivalentValue: number; cumulativeCount: number }[] = [];
    // struct hdr_iter after hdr_iter_init: counts_index -1, nothing counted yet.
    let index = -1;
    let value = 0;
    let highest = 0;
    let cumulative = 0;
    let level = firstBucket;
    let levelLowest = lowestEquivalentValue(level);
    const moveNext = (): boolean => {
      index++;
      if (index >= COUNTS_LEN) return false;
      cumulative += this.counts[index] ?? 0;
      value = valueAtIndex(index);
      highest = highestEquivalentValue(value);
      return true;
    };
    // log_iter_next: has_next, or a later index beyond the next reporting level.
    for (;;) {
      const hasNext = cumulative < this.totalCount;
      const beyond = index + 1 < COUNTS_LEN && valueAtIndex(index + 1) > levelLowest;
      if (!hasNext && !beyond) break;
      for (;;) {
        if (value >= levelLowest) {
          level *= logBase;
          levelLowest = lowestEquivalentValue(level);
          break;
        }
        if (!moveNext()) break;
      }
      steps.push({ highestEquivalentValue: highest, cumulativeCount: cumulative });
      if (index >= COUNTS_LEN) {
        // move_next failed: the next hdr_iter_next finds nothing more.
        break;
      }
    }
    return steps;
  }
}
