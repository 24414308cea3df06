/**
 * Human-readable rendering of a RespValue in the style of redis-cli (redis-cli.c
 * cliFormatReplyTTY): `"OK"` for strings, `(integer) 5`, `(nil)`, `(error) ERR …`,
 * `(double) 1.5`, `(true)`, numbered lines for aggregates (`1)` arrays, `1~` sets, `1#` maps with
 * `=>`). Simple strings print without quotes, as redis-cli does. Bytes that are not printable
 * ASCII are shown as \xNN, as redis-cli's sdscatrepr does.
 */
import type { AnyRespValue } from './types.js';

export function formatValue(v: AnyRespValue, indent = ''): string {
  switch (v.type) {
    case 'simple':
      return v.value;
    case 'error':
      return `(error) ${v.value}`;
    case 'integer':
      return `(integer) ${v.value}`;
    case 'bulk':
      return repr(v.value);
    case 'null':
      return '(nil)';
    case 'double':
      return `(double) ${Number.isNaN(v.value) ? 'nan' : v.value === Infinity ? 'inf' : v.value === -Infinity ? '-inf' : String(v.value)}`;
    case 'boolean':
      return v.value ? '(true)' : '(false)';
    case 'bignum':
      return `(big number) ${v.value}`;
    case 'verbatim':
      return `"${v.format}:${repr(v.value).slice(1)}`;
    case 'blobError':
      return `(error) ${repr(v.value).slice(1, -1)}`;
    case 'array':
    case 'set':
    case 'push':
      return aggregate(v.value.map((x): Item => [x]), v.type === 'array' ? ')' : v.type === 'set' ? '~' : '>', indent, v.type === 'push' ? '(push) ' : '');
    case 'map':
      return aggregate(v.value.map(([k, x]): Item => [k, x]), '#', indent, '');
    case 'attribute':
      return `${aggregate(v.attributes.map(([k, x]): Item => [k, x]), '|', indent, '(attribute) ')}\n${indent}${formatValue(v.value, indent)}`;
  }
}

/** One line of an aggregate: a value, or a key and its value. */
type Item = readonly [AnyRespValue] | readonly [AnyRespValue, AnyRespValue];

function aggregate(items: readonly Item[], mark: string, indent: string, label: string): string {
  if (items.length === 0) return `${label}(empty ${mark === '#' ? 'map' : mark === '~' ? 'set' : 'array'})`;
  const width = String(items.length).length;
  return (
    label +
    items
      .map((item, i) => {
        const prefix = `${String(i + 1).padStart(width)}${mark} `;
        const inner = indent + ' '.repeat(prefix.length);
        const text = item.length === 2 ? `${formatValue(item[0], inner)} => ${formatValue(item[1], inner)}` : formatValue(item[0], inner);
        return (i === 0 ? '' : indent) + prefix + text;
      })
      .join('\n')
  );
}

function repr(b: Uint8Array): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

/** Shows wire bytes on one line with CR and LF written as \\r and \\n, for teaching. */
export function showWire(bytes: Uint8Array): string {
  let s = '';
  for (const c of bytes) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}
