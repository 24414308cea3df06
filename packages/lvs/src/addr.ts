import { LvsError, describe } from './errors.js';

/**
 * IPv4 addresses as host-order unsigned 32-bit numbers (what the kernel gets from `ntohl`).
 * `parseIPv4('10.0.0.5') === 0x0a000005`.
 */
export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new LvsError('BAD_ADDRESS', `expected a dotted IPv4 address a.b.c.d, found ${describe(text)}`);
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) {
      throw new LvsError('BAD_ADDRESS', `expected a dotted IPv4 address with octets 0..255, found ${describe(text)}`);
    }
    v = v * 256 + Number(p);
  }
  return v >>> 0;
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Accept either a dotted string or a host-order number. */
export function toAddr(a: string | number): number {
  if (typeof a === 'number') {
    if (!Number.isInteger(a) || a < 0 || a > 0xffffffff) {
      throw new LvsError('BAD_ADDRESS', `expected an IPv4 address as a u32, found ${describe(a)}`);
    }
    return a >>> 0;
  }
  return parseIPv4(a);
}

export function checkPort(p: unknown): number {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65535) {
    throw new LvsError('BAD_PORT', `expected a port in [0, 65535], found ${describe(p)}`);
  }
  return p;
}

/** Unsigned 32-bit multiply, as C's `u32 * u32` (wraps mod 2^32). */
export function mulU32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/** The kernel's golden-ratio `hash_32(val, bits)` (include/linux/hash.h): top `bits` of val*0x61C88647. */
export const GOLDEN_RATIO_32 = 0x61c88647;
export function hash32(val: number, bits: number): number {
  return mulU32(val >>> 0, GOLDEN_RATIO_32) >>> (32 - bits);
}
