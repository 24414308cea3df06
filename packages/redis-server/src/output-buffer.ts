/**
 * networking.c's client reply buffer (c->buf): the replies of one event for one connection are
 * encoded straight into one buffer (the frequent +status, :integer and $bulk forms without an
 * intermediate array per reply), which the flush hands to the caller as it is and forgets, so
 * the next event starts a fresh buffer (small ones come from node's pooled allocator).
 * Short replies are copied byte by byte (TypedArray#set costs more than the copy below ~32 bytes).
 */
import type { RespValue } from '@protolab/resp';
import { encodeReply } from './reply.js';

const FIRST = 512; // small: served from node's shared pool (16 of them per 8 KiB slab); doubled as needed
const CR = 13;
const LF = 10;

interface Pending {
  buf: Buffer;
  used: number;
}

export class OutputBuffers {
  private readonly byConn = new Map<number, Pending>();

  private room(id: number, n: number): Pending {
    let p = this.byConn.get(id);
    if (p === undefined) {
      p = { buf: Buffer.allocUnsafe(Math.max(FIRST, n)), used: 0 };
      this.byConn.set(id, p);
    } else if (p.used + n > p.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(p.buf.length * 2, p.used + n));
      p.buf.copy(grown, 0, 0, p.used);
      p.buf = grown;
    }
    return p;
  }

  /** Append encoded bytes; returns how many. */
  bytes(id: number, bytes: Uint8Array): number {
    const n = bytes.length;
    const p = this.room(id, n);
    if (n <= 32) {
      const buf = p.buf;
      let at = p.used;
      for (let i = 0; i < n; i++) buf[at++] = bytes[i] ?? 0;
    } else p.buf.set(bytes, p.used);
    p.used += n;
    return n;
  }

  /** Append a reply as a client speaking `resp` reads it; returns how many bytes. */
  reply(id: number, r: RespValue, resp: 2 | 3): number {
    if (r.type === 'integer') {
      const s = `:${String(r.value)}\r\n`;
      const p = this.room(id, s.length);
      p.used += p.buf.write(s, p.used, 'latin1');
      return s.length;
    }
    if (r.type === 'bulk') {
      const head = `$${r.value.length}\r\n`;
      const n = head.length + r.value.length + 2;
      const p = this.room(id, n);
      p.used += p.buf.write(head, p.used, 'latin1');
      p.buf.set(r.value, p.used);
      p.used += r.value.length;
      p.buf[p.used++] = CR;
      p.buf[p.used++] = LF;
      return n;
    }
    return this.bytes(id, encodeReply(r, resp));
  }

  /** Every connection's pending bytes (then none are pending). */
  take(): [number, Uint8Array][] {
    const out: [number, Uint8Array][] = [];
    for (const [id, p] of this.byConn) out.push([id, p.buf.subarray(0, p.used)]);
    this.byConn.clear();
    return out;
  }

  delete(id: number): void {
    this.byConn.delete(id);
  }
}
