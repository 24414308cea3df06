/**
 * The bare whole-reply reader's `+` and `-` lines (decode-bare-fast.ts `value`): a JS string (UTF-8;
 * `'OK'` shared), a Uint8Array view with `simpleStrings: 'bytes'`, or a RespReplyError; the
 * reader's `miss` when the line is not whole (the resumable path of decode.ts reads it then).
 */
import { RespReplyError } from './bare-values.js';
import type { ElementReader } from './decode-bare-fill.js';
import { asciiText, readUtf8 } from './utf8.js';

const CR = 13;
const LF = 10;

/** The line at `p` of type `t` (`+` or `-`): the CR search also tells whether it is ASCII. */
export function statusLine(r: ElementReader & { readonly simpleBytes: boolean }, t: number, p: number): unknown {
  const buf = r.buf;
  const end = r.end;
  let i = p + 1;
  let high = 0;
  for (; i < end; i++) {
    const c = buf[i] ?? 0;
    if (c === CR) break;
    high |= c;
  }
  r.ops += i - p + 1;
  if (i + 1 >= end || buf[i + 1] !== LF) return r.miss;
  r.pos = i + 2;
  if (t === 0x2b && r.simpleBytes) return r.bytes(p + 1, i - p - 1);
  if (t === 0x2b && i === p + 3 && buf[p + 1] === 0x4f && buf[p + 2] === 0x4b) return 'OK';
  // ASCII (most status and error lines): one byte per char (utf8.ts asciiText), no second scan.
  const text = high < 0x80 ? asciiText(buf, p + 1, i) : readUtf8(buf, p + 1, i);
  return t === 0x2d ? new RespReplyError(text) : text;
}
