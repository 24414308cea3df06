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
const COLON = 58;
const DOLLAR = 36;
const STAR = 42;
const MINUS = 45;
const ZERO = 48;
/** Room for `:` or `$`, a sign, 20 digits and CRLF. */
const INT_LINE_MAX = 24;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Write the decimal digits of a safe integer at `at` (what ll2string does); the end offset. */
function putInt(buf: Buffer, at: number, value: number): number {
  let n = value;
  if (n < 0) {
    buf[at++] = MINUS;
    n = -n;
  }
  let end = at + 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) end++;
  for (let i = end - 1; i >= at; i--) {
    buf[i] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

/** `:n\r\n` or `$n\r\n` at `at`; the end offset. */
function putIntLine(buf: Buffer, at: number, type: number, value: number): number {
  buf[at] = type;
  const end = putInt(buf, at + 1, value);
  buf[end] = CR;
  buf[end + 1] = LF;
  return end + 2;
}

interface Pending {
  buf: Buffer;
  used: number;
}

/** `$len\r\n<bytes>\r\n` at `at` (short payloads byte by byte); the end offset. */
function putBulk(buf: Buffer, at: number, value: Uint8Array): number {
  let end = putIntLine(buf, at, DOLLAR, value.length);
  if (value.length <= 32) for (let i = 0; i < value.length; i++) buf[end++] = value[i] ?? 0;
  else {
    buf.set(value, end);
    end += value.length;
  }
  buf[end] = CR;
  buf[end + 1] = LF;
  return end + 2;
}

export class OutputBuffers {
  private readonly byConn = new Map<number, Pending>();
  /** The buffer used last (a pipeline's replies all go to one connection): no Map lookup then. */
  private lastId = -1;
  private last: Pending | undefined;

  private room(id: number, n: number): Pending {
    let p = id === this.lastId ? this.last : this.byConn.get(id);
    if (p === undefined) {
      p = { buf: Buffer.allocUnsafe(Math.max(FIRST, n)), used: 0 };
      this.byConn.set(id, p);
    } else if (p.used + n > p.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(p.buf.length * 2, p.used + n));
      p.buf.copy(grown, 0, 0, p.used);
      p.buf = grown;
    }
    this.lastId = id;
    this.last = p;
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
      const v = r.value;
      if (v > MAX_SAFE || v < -MAX_SAFE) return this.bytes(id, encodeReply(r, resp));
      const p = this.room(id, INT_LINE_MAX);
      const start = p.used;
      p.used = putIntLine(p.buf, start, COLON, Number(v));
      return p.used - start;
    }
    if (r.type === 'bulk') {
      const p = this.room(id, INT_LINE_MAX + r.value.length);
      const start = p.used;
      p.used = putBulk(p.buf, start, r.value);
      return p.used - start;
    }
    if (r.type === 'array') return this.flatArray(id, r.value) ?? this.bytes(id, encodeReply(r, resp));
    return this.bytes(id, encodeReply(r, resp));
  }

  /**
   * An array of bulk strings and integers (LRANGE, SMEMBERS, HGETALL in RESP2…) written in
   * place: `*n`, then each element as `reply` writes it. Undefined (nothing written) when an
   * element is anything else or an integer beyond 2^53: the general encoder takes those.
   */
  private flatArray(id: number, items: readonly RespValue[]): number | undefined {
    let n = INT_LINE_MAX;
    for (const e of items) {
      if (e.type === 'bulk') n += INT_LINE_MAX + e.value.length + 2;
      else if (e.type === 'integer' && e.value <= MAX_SAFE && e.value >= -MAX_SAFE) n += INT_LINE_MAX;
      else return undefined;
    }
    const p = this.room(id, n);
    const buf = p.buf;
    const start = p.used;
    let at = putIntLine(buf, start, STAR, items.length);
    for (const e of items) {
      if (e.type === 'integer') at = putIntLine(buf, at, COLON, Number(e.value));
      else if (e.type === 'bulk') at = putBulk(buf, at, e.value);
    }
    p.used = at;
    return at - start;
  }

  /** Every connection's pending bytes (then none are pending). */
  take(): [number, Uint8Array][] {
    const out: [number, Uint8Array][] = [];
    for (const [id, p] of this.byConn) out.push([id, p.buf.subarray(0, p.used)]);
    this.byConn.clear();
    this.lastId = -1;
    this.last = undefined;
    return out;
  }

  delete(id: number): void {
    this.byConn.delete(id);
    if (id === this.lastId) {
      this.lastId = -1;
      this.last = undefined;
    }
  }
}
