/**
 * zmalloc.c zmalloc_size / zmalloc_usable_size as Redis 7.0 built with jemalloc 5.3 on x86-64
 * reports them: the size class an allocation of `n` bytes lands in (what MEMORY USAGE adds up,
 * and what sds.c's s_malloc_usable / s_realloc_usable hand back as the usable size).
 */

/**
 * jemalloc 5.3's size class for a request of `n` bytes (LG_QUANTUM 4, 4 KiB pages): 8, then
 * multiples of 16 up to 128, then 4 classes per doubling (160, 192, 224, 256, 320, …; 16 KiB,
 * 20 KiB, … for large allocations).
 */
export function jemallocSizeClass(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const lg = Math.ceil(Math.log2(n)); // n ≤ 2^lg
  const delta = 2 ** (lg - 3); // 4 classes in (2^(lg-1), 2^lg]
  return Math.ceil(n / delta) * delta;
}
