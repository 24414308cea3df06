/**
 * networking.c's addReply fast paths: the replies most commands give (+OK, :n, $len bulk) are
 * encoded here without building a writer per reply; everything else goes to @protolab/resp's
 * encode. The bytes are the same (the tests compare them with redis-server's).
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';

/** shared.ok, shared.queued, … : status replies are few, so their bytes are kept. */
const simpleCache = new Map<string, Uint8Array>();
const SIMPLE_CACHE_MAX = 64;
const CRLF = [13, 10] as const;

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The wire bytes of a reply for a client speaking `resp`. */
export function encodeReply(r: RespValue, resp: 2 | 3): Uint8Array {
  switch (r.type) {
    case 'simple': {
      const hit = simpleCache.get(r.value);
      if (hit !== undefined) return hit;
      const bytes = encode(r, { protocol: resp });
      if (simpleCache.size < SIMPLE_CACHE_MAX && r.value.length <= 32) simpleCache.set(r.value, bytes);
      return bytes;
    }
    case 'integer':
      return ascii(`:${String(r.value)}\r\n`);
    case 'bulk': {
      const head = `$${r.value.length}\r\n`;
      const out = new Uint8Array(head.length + r.value.length + 2);
      for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i);
      out.set(r.value, head.length);
      out[out.length - 2] = CRLF[0];
      out[out.length - 1] = CRLF[1];
      return out;
    }
    default:
      return encode(r, { protocol: resp });
  }
}
