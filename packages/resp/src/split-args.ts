/**
 * sds.c sdssplitargs (redis/redis 7.0) over bytes: how the server splits an inline request
 * (networking.c processInlineBuffer), and how redis-cli, config files and the AOF tooling split a
 * line. Used by request.ts for inline commands and by @protolab/redis-aof and
 * @protolab/redis-sentinel for their text formats.
 */

/** C isspace in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * sds.c sdssplitargs over bytes [start, end): the words of an inline request, or undefined for
 * unbalanced quotes. Like the C code it stops at a NUL byte. Note the asymmetry it has: words
 * are separated by isspace (which includes \v and \f) when skipping, but an unquoted word only
 * ends at ' ', \n, \r, \t or the end, so "a\vb" is one word.
 */
export function splitArgs(buf: Uint8Array, start: number, end: number): Uint8Array[] | undefined {
  let stop = end;
  for (let i = start; i < end; i++) {
    if (buf[i] === 0) {
      stop = i;
      break;
    }
  }
  const at = (i: number): number => (i < stop ? (buf[i] ?? 0) : 0);
  const words: Uint8Array[] = [];
  let p = start;
  for (;;) {
    while (p < stop && isSpace(at(p))) p++;
    if (p >= stop) return words;
    let inq = false; // inside "double quotes"
    let insq = false; // inside 'single quotes'
    let done = false;
    const cur: number[] = [];
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 0x5c && at(p + 1) === 0x78 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          cur.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === 0x5c && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          cur.push(e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e);
        } else if (c === 0x22) {
          // closing quote must be followed by a space or nothing at all
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return undefined;
          done = true;
        } else if (c === 0) {
          return undefined; // unterminated quotes
        } else cur.push(c);
      } else if (insq) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          p++;
          cur.push(0x27);
        } else if (c === 0x27) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return undefined;
          done = true;
        } else if (c === 0) {
          return undefined;
        } else cur.push(c);
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        done = true;
      } else if (c === 0x22) {
        inq = true;
      } else if (c === 0x27) {
        insq = true;
      } else cur.push(c);
      if (p < stop) p++;
    }
    words.push(Uint8Array.from(cur));
  }
}
