/**
 * redis-check-aof (7.0.15) as a function: same input detection (manifest / RDB preamble / plain
 * AOF), same scan, same messages, same `ok_up_to` rule and the same `--fix`.
 *
 * The scan is redis-check-aof.c's, which is stricter than the server's loader: every line must end
 * in \r\n, and `ok_up_to` only moves outside MULTI, so `--fix` cuts an incomplete transaction
 * before its MULTI. Its oddities are kept (the line counter is global across files).
 *
 * Approximation: for an RDB base or preamble, real redis-check-aof runs the whole redis-check-rdb
 * and prints its per-field lines; we decode it with `@protolab/redis-rdb` and print the first and
 * the last of those lines only.
 */
import type { AofDisk } from './disk.js';
import { AofError } from './errors.js';
import { parseManifest } from './manifest.js';
import type { RdbCodec } from './rdb-bridge.js';

export interface CheckAofOptions {
  readonly fix?: boolean;
  /** The answer typed at "Continue? [y/N]: " (default: no answer, which aborts). */
  readonly answer?: string | (() => string);
  readonly rdb?: RdbCodec;
}

export interface CheckAofResult {
  readonly exitCode: 0 | 1;
  readonly output: string;
}

class Exit extends Error {
  constructor(readonly code: 0 | 1) {
    super(`exit ${code}`);
  }
}

type CheckRet = 'ok' | 'empty' | 'truncated';

function hex2(b: number): string {
  // printf("%02x", (char)b): a byte >= 0x80 is a negative char, printed sign-extended.
  return b >= 0x80 ? `ffffff${b.toString(16)}` : b.toString(16).padStart(2, '0');
}

function hexOffset(n: number): string {
  return `0x${n.toString(16).padStart(16, ' ')}`;
}

/** The scanner state of one run (redis-check-aof.c's statics). */
class Checker {
  out = '';
  error = '';
  epos = 0;
  line = 1;
  /** feof(fp): a read hit the end of the file. */
  hitEof = false;
  /** readLong's `char buf[128]`. */
  private lbuf = new Uint8Array(128);

  constructor(
    private readonly disk: AofDisk,
    private readonly opts: CheckAofOptions,
  ) {}

  print(s: string): void {
    this.out += s + '\n';
  }

  /** printf without a newline (the "Continue? [y/N]: " prompt). */
  printRaw(s: string): void {
    this.out += s;
  }

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
      const c = bytes[pos + n]!;
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
      this.err(`Expected prefix '${prefix}', got: '${String.fromCharCode(b[0]!)}'`);
      return undefined;
    }
    // strtol(buf+1, &eptr, 10)
    let p = 1;
    while (b[p] === 0x20 || (b[p]! >= 0x09 && b[p]! <= 0x0d)) p++;
    let neg = false;
    if (b[p] === 0x2b || b[p] === 0x2d) {
      neg = b[p] === 0x2d;
      p++;
    }
    const digits = p;
    let v = 0;
    while (b[p]! >= 0x30 && b[p]! <= 0x39) {
      if (v < 1e18) v = v * 10 + (b[p]! - 0x30);
      p++;
    }
    if (p === digits) p = 1; // no digits: eptr = nptr
    if (!this.consumeNewline(b[p]!, b[p + 1]!)) return undefined;
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
      if (!this.consumeNewline(bytes[p + l]!, bytes[p + l + 1]!)) return undefined;
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

  /** checkSingleAof. */
  checkSingleAof(aofFilename: string, aofFilepath: string, lastFile: boolean, preamble: boolean): CheckRet {
    if (!this.disk.exists(aofFilepath)) {
      this.print(`Cannot open file: ${aofFilename}, aborting...`);
      throw new Exit(1);
    }
    const bytes = this.disk.read(aofFilepath);
    const size = bytes.length;
    if (size === 0) return 'empty';
    let pos = 0;
    let cur = 0;
    if (preamble) {
      const rdb = this.opts.rdb;
      let ok = false;
      let keys = 0;
      if (rdb !== undefined) {
        try {
          const d = rdb.decode(bytes);
          cur = d.endOffset;
          keys = d.entries.length;
          ok = true;
        } catch {
          ok = false;
        }
      }
      this.print(`[offset 0] Checking RDB file ${aofFilename}`);
      if (!ok) {
        this.print('RDB preamble of AOF file is not sane, aborting.');
        throw new Exit(1);
      }
      this.print(`[offset ${cur}] \\o/ RDB looks OK! \\o/`);
      this.print(`[info] ${keys} keys read`);
      this.print('RDB preamble is OK, proceeding with AOF tail...');
    }
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
        // processAnnotations: skip the line (fgets with AOF_ANNOTATION_LINE_MAX_LEN).
        this.epos = cur;
        let q = cur;
        while (q < size && q - cur < 1023 && bytes[q++] !== 0x0a);
        cur = q;
      } else if (c === 0x2a) {
        const next = this.processResp(bytes, cur, aofFilepath, multi);
        if (next === undefined) break;
        cur = next;
      } else {
        this.print(`AOF ${aofFilename} format error`);
        break;
      }
    }
    if (this.hitEof && multi.n !== 0 && this.error === '') this.err('Reached EOF before reading EXEC for MULTI');
    if (this.error !== '') this.print(this.error);
    const diff = size - pos;
    this.print(`AOF analyzed: filename=${aofFilename}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${this.line}, diff=${diff}`);
    if (diff > 0) {
      if (this.opts.fix === true) {
        if (!lastFile) {
          this.print(`Failed to truncate AOF ${aofFilename} because it is not the last file`);
          throw new Exit(1);
        }
        this.print(`This will shrink the AOF ${aofFilename} from ${size} bytes, with ${diff} bytes, to ${pos} bytes`);
        const a = this.opts.answer ?? '';
        const answer = typeof a === 'string' ? a : a();
        this.printRaw('Continue? [y/N]: ');
        if (!answer.toLowerCase().startsWith('y')) {
          this.print('Aborting...');
          throw new Exit(1);
        }
        this.disk.truncate(aofFilepath, pos);
        return 'truncated';
      }
      this.print(`AOF ${aofFilename} is not valid. Use the --fix option to try fixing it.`);
      throw new Exit(1);
    }
    return 'ok';
  }
}

function startsWith(bytes: Uint8Array, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * redis-check-aof [--fix] <file.manifest|file.aof>. `filepath` is a name on `disk`; files named in
 * a manifest are looked up in the manifest's directory.
 */
export function checkAof(disk: AofDisk, filepath: string, opts: CheckAofOptions = {}): CheckAofResult {
  const ck = new Checker(disk, opts);
  const slash = filepath.lastIndexOf('/');
  const dirpath = slash === -1 ? '' : filepath.slice(0, slash + 1);
  try {
    if (!disk.exists(filepath)) {
      ck.print(`Cannot open file: ${filepath}`);
      throw new Exit(1);
    }
    const head = disk.read(filepath);
    const isManifest = head.length >= 30 && startsWith(head, 'file');
    const isRdb = !isManifest && head.length >= 8 && startsWith(head, 'REDIS');
    if (isManifest) {
      ck.print('Start checking Multi Part AOF');
      let am;
      try {
        am = parseManifest(head);
      } catch (e) {
        if (e instanceof AofError) {
          ck.print(`# ${e.message}`);
          throw new Exit(1);
        }
        throw e;
      }
      const total = (am.base !== undefined ? 1 : 0) + am.incr.length;
      let n = 0;
      if (am.base !== undefined) {
        const name = am.base.fileName;
        const p = dirpath + name;
        const last = ++n === total;
        const rdb = disk.exists(p) && disk.size(p) >= 8 && startsWith(disk.read(p), 'REDIS');
        ck.print(`Start to check BASE AOF (${rdb ? 'RDB' : 'RESP'} format).`);
        const ret = ck.checkSingleAof(name, p, last, rdb);
        ck.print(ret === 'ok' ? `BASE AOF ${name} is valid` : ret === 'empty' ? `BASE AOF ${name} is empty` : `Successfully truncated AOF ${name}`);
      }
      if (am.incr.length > 0) {
        ck.print('Start to check INCR files.');
        for (const ai of am.incr) {
          const last = ++n === total;
          const ret = ck.checkSingleAof(ai.fileName, dirpath + ai.fileName, last, false);
          ck.print(ret === 'ok' ? `INCR AOF ${ai.fileName} is valid` : ret === 'empty' ? `INCR AOF ${ai.fileName} is empty` : `Successfully truncated AOF ${ai.fileName}`);
        }
      }
      ck.print('All AOF files and manifest are valid');
    } else {
      ck.print('Start checking Old-Style AOF');
      const ret = ck.checkSingleAof(filepath, filepath, true, isRdb);
      ck.print(ret === 'ok' ? `AOF ${filepath} is valid` : ret === 'empty' ? `AOF ${filepath} is empty` : `Successfully truncated AOF ${filepath}`);
    }
  } catch (e) {
    if (e instanceof Exit) return { exitCode: e.code, output: ck.out };
    throw e;
  }
  return { exitCode: 0, output: ck.out };
}
