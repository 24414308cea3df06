import type { RespValue } from '@protolab/resp';

/**
 * A reply as plain data for comparisons that keep RESP's distinctions: `+OK` (simple) is not the
 * bulk `"OK"`, errors keep their `-` text, integers become numbers. Bulk bytes are decoded with
 * `encoding` (latin1 keeps arbitrary bytes one-to-one).
 */
export function show(r: RespValue, encoding: BufferEncoding = 'utf8'): unknown {
  switch (r.type) {
    case 'simple':
      return `+${r.value}`;
    case 'error':
      return `-${r.value}`;
    case 'integer':
      return Number(r.value);
    case 'bulk':
      return Buffer.from(r.value).toString(encoding);
    case 'null':
      return null;
    case 'array':
      return r.value.map((x) => show(x, encoding));
    default:
      return r.type;
  }
}
