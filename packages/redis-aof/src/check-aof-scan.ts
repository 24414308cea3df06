/**
 * redis-check-aof.c's scanner (7.0.15): processRESP, readLong, consumeNewline and
 * processAnnotations over one file's bytes, with its statics (`error`, `epos`, the line counter,
 * which runs on across files). Stricter than the server's loader: every line must end in \r\n, and
 * `ok_up_to` only moves outside MULTI. It reads; `check-aof.ts` decides and prints.
 */
import { cStrtoll } from './sds.js';

/** How the scan of one file ended. */
export type ScanEnd =
  /** The loop stopped (end of file, or an error in `scanner.error` / a byte that starts nothing). */
  | { readonly kind: 'done'; readonly okUpTo: number; readonly formatError: boolean }
  /** `--truncate-to-timestamp`: a `#TS:` later than the limit at `at`, in the last file. */
  | { readonly kind: 'ts-truncate'; readonly at: number }
  /** … at offset 0: nothing before it. */
  | { readonly kind: 'ts-nothing-before' }
  /** … in a file that is not the last one. */
  | { readonly kind: 'ts-not-last'; readonly at: number };

/** A byte of a C buffer: past the end reads as 0 (the zeroed tail of readLong's buffer). */
function at(b: Uint8Array, i: number): number {
  return b[i] ?? 0;
}

function hex2(b: number): string {
  // printf("%02x", (char)b): a byte >= 0x80 is a negative char, printed sign-extended.
  return b >= 0x80 ? `ffffff${b.toString(16)}` : b.toString(16).padStart(2, '0');
}

function hexOffset(n: number): string {
  return `0x${n.toString(16).padStart(16, ' ')}`;
}

/** The scanner state of one run (redis-check-aof.c's statics: `error`, `epos`, `line`). */
export class AofScanner {
  error = '';
  epos = 0;
  line = 1;
  /** feof(fp): a read hit the end of the file. */
  hitEof = false;
  /** readLong's `char buf[128]`. */
  private lbuf = new Uint8Array(128);

  private err(msg: string): void {
    this.error = `${hexOffset(this.epos)}: ${msg}`;
  }

  private consumeNewline(a: number, b: number): boolean {
    if (a !== 0x0d || b !== 0x0a) {
      this.err(`Expected \\r\\n, got: ${hex2(a)}${hex2(b)}`);
      return false;
    }
    this.line += 1;
    return true;
  }

  /** fgets(buf, 128) into the persistent buffer; returns the length read, or -1 at EOF. */
  private fgets128(bytes: Uint8Array, pos: number): number {
    if (pos >= bytes.length) {
      this.hitEof = true;
      return -1;
    }
    // readLong's buffer is a fresh stack array in C: bytes past the terminator are indeterminate.
    // Real runs show zeros there; we use zeros.
    this.lbuf.fill(0);
    let n = 0;
    let nl = false;
    while (n < 127 && pos + n < bytes.length) {
      const c = at(bytes, pos + n);
      this.lbuf[n++] = c;
      if (c === 0x0a) {
        nl = true;
        break;
      }
    }
    if (!nl && n < 127) this.hitEof = true;
    this.lbuf[n] = 0;
    return n;
  }

  /** readLong: returns [value, newPos] or undefined (error set, or EOF without a message). */
  private readLong(bytes: Uint8Array, pos: number, prefix: string): [number, number] | undefined {
    this.epos = pos;
    const n = this.fgets128(bytes, pos);
    if (n < 0) return undefined;
    const b = this.lbuf;
    if (b[0] !== prefix.charCodeAt(0)) {
      this.err(`Expected prefix '${prefix}', got: '${String.fromCharCode(at(b, 0))}'`);
      return undefined;
    }
    // strtol(buf+1, &eptr, 10)
    let p = 1;
    while (b[p] === 0x20 || (at(b, p) >= 0x09 && at(b, p) <= 0x0d)) p++;
    let neg = false;
    if (b[p] === 0x2b || b[p] === 0x2d) {
      neg = b[p] === 0x2d;
      p++;
    }
    const digits = p;
    let v = 0;
    while (at(b, p) >= 0x30 && at(b, p) <= 0x39) {
      if (v < 1e18) v = v * 10 + (at(b, p) - 0x30);
      p++;
    }
    if (p === digits) p = 1; // no digits: eptr = nptr
    if (!this.consumeNewline(at(b, p), at(b, p + 1))) return undefined;
    return [neg ? -v : v, pos + n];
  }

  /** processRESP: one command; returns the new position or undefined to stop. */
  private processResp(bytes: Uint8Array, pos: number, filename: string, multi: { n: number }): number | undefined {
    const argc = this.readLong(bytes, pos, '*');
    if (argc === undefined) return undefined;
    let p = argc[1];
    for (let i = 0; i < argc[0]; i++) {
      const len = this.readLong(bytes, p, '$');
      if (len === undefined) return undefined;
      p = len[1];
      const l = len[0];
      if (l < 0) {
        this.err(`Expected to read string of ${l} bytes, which is not in the suitable range`);
        return undefined;
      }
      this.epos = p;
      const want = l + 2;
      const real = Math.max(0, Math.min(want, bytes.length - p));
      if (real !== want) {
        this.hitEof = true;
        this.err(`Expected to read ${want} bytes, got ${real} bytes`);
        return undefined;
      }
      const str = bytes.subarray(p, p + l);
      if (!this.consumeNewline(at(bytes, p + l), at(bytes, p + l + 1))) return undefined;
      p += want;
      if (i === 0) {
        const nul = str.indexOf(0);
        const name = Buffer.from(nul === -1 ? str : str.subarray(0, nul)).toString('latin1').toLowerCase();
        if (name === 'multi') {
          if (multi.n++ !== 0) {
            this.err(`Unexpected MULTI in AOF ${filename}`);
            return undefined;
          }
        } else if (name === 'exec') {
          if (--multi.n !== 0) {
            this.err(`Unexpected EXEC in AOF ${filename}`);
            return undefined;
          }
        }
      }
    }
    return p;
  }

  /** `#TS:<t>` at `start` (processAnnotations' strncmp + strtol), or undefined. */
  private timestampAt(bytes: Uint8Array, start: number, end: number): number | undefined {
    if (end - start < 4 || bytes[start] !== 0x23 || bytes[start + 1] !== 0x54 || bytes[start + 2] !== 0x53 || bytes[start + 3] !== 0x3a) return undefined;
    return cStrtoll(Buffer.from(bytes.subarray(start + 4, end)).toString('latin1')).value;
  }

  /**
   * checkSingleAof's loop over the RESP part of a file from `start` (after an RDB preamble).
   * `toTimestamp` 0 means no `--truncate-to-timestamp`.
   */
  scanResp(bytes: Uint8Array, start: number, filepath: string, toTimestamp: number, last: boolean): ScanEnd {
    const size = bytes.length;
    let pos = start;
    let cur = start;
    let formatError = false;
    const multi = { n: 0 };
    this.hitEof = false;
    for (;;) {
      if (multi.n === 0) pos = cur;
      if (cur >= size) {
        this.hitEof = true;
        break;
      }
      const c = bytes[cur];
      if (c === 0x23) {
        // processAnnotations: one fgets line of at most AOF_ANNOTATION_LINE_MAX_LEN - 1 bytes.
        this.epos = cur;
        let q = cur;
        while (q < size && q - cur < 1023 && bytes[q++] !== 0x0a);
        const ts = toTimestamp !== 0 ? this.timestampAt(bytes, cur, q) : undefined;
        if (ts !== undefined && ts > toTimestamp) {
          if (cur === 0) return { kind: 'ts-nothing-before' };
          return last ? { kind: 'ts-truncate', at: cur } : { kind: 'ts-not-last', at: cur };
        }
        cur = q;
      } else if (c === 0x2a) {
        const next = this.processResp(bytes, cur, filepath, multi);
        if (next === undefined) break;
        cur = next;
      } else {
        formatError = true;
        break;
      }
    }
    if (this.hitEof && multi.n !== 0 && this.error === '') this.err('Reached EOF before reading EXEC for MULTI');
    return { kind: 'done', okUpTo: pos, formatError };
  }
}
