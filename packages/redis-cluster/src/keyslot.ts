/**
 * The pure part of the `protolab-keyslot` CLI (adapters/keyslot-cli.ts): read a `CLUSTER SLOTS`
 * reply as redis-cli prints it, and report each key's slot, hash tag and owning node. No I/O.
 *
 * redis-cli prints replies in two forms (redis-cli.c `cliFormatReplyTTY` and `cliFormatReplyRaw`):
 *  - the human form (on a terminal, or with `--no-raw`): `1) 1) (integer) 0`, `   3) 1) "127.0.0.1"`,
 *    nesting shown by indentation, strings quoted with C-style escapes, `(empty array)`;
 *  - the raw form (piped, the default when stdout is not a terminal): one element per line, no
 *    nesting, an empty array as an empty line.
 * Both parse into the plain-data reply that `parseClusterSlots` (topology.ts) checks.
 */
import { ClusterError } from './errors.js';
import { hashTag, keyHashSlot } from './slot.js';
import { type DiscoveredRange, parseClusterSlots } from './topology.js';

/** One key's line of the report. */
export interface KeyslotRow {
  readonly key: string;
  readonly slot: number;
  /** The hash tag hashed instead of the whole key, or undefined. */
  readonly tag: string | undefined;
  /** With a slot map: the master serving the slot, or null when no range covers it. */
  readonly node?: { readonly host: string; readonly port: number; readonly id?: string } | null;
}

const MARKER = /^(\s*)(\d+)\) /;

/** `"a\x00\"b"` → the bytes' text (redis-cli's sdscatrepr escapes: \n \r \t \a \b \\ \" \xHH). */
function unquote(s: string, lineNo: number): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) throw new ClusterError('REPLY_SHAPE', `redis-cli output line ${lineNo}: expected a quoted string, found ${s}`);
  const body = s.slice(1, -1);
  const simple = new Map([['n', '\n'], ['r', '\r'], ['t', '\t'], ['a', '\x07'], ['b', '\b'], ['\\', '\\'], ['"', '"']]);
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => (e.startsWith('x') && e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : simple.get(e) ?? e));
}

function scalar(text: string, lineNo: number): unknown {
  if (text === '(empty array)' || text === '(empty list or set)') return [];
  if (text === '(nil)') return null;
  const int = /^\(integer\) (-?\d+)$/.exec(text);
  if (int !== null) return Number(int[1]);
  if (text.startsWith('(error) ')) throw new ClusterError('REPLY_SHAPE', `redis-cli output line ${lineNo}: the server answered an error: ${text.slice(8)}`);
  return unquote(text, lineNo);
}

/** Parses redis-cli's human (`--no-raw`) form of a reply into plain data. */
export function parseRedisCliTty(text: string): unknown[] {
  const root: unknown[] = [];
  // Each open array with the column of the `)` of the marker that opened it (root: -1).
  const stack: { col: number; arr: unknown[] }[] = [{ col: -1, arr: root }];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    let rest = line;
    let offset = 0;
    for (;;) {
      const m = MARKER.exec(rest);
      if (m === null) throw new ClusterError('REPLY_SHAPE', `redis-cli output line ${i + 1}: expected "N) value", found ${JSON.stringify(line)}`);
      const col = offset + m[0].length - 2; // where the ')' is: stable when "9)" becomes "10)"
      while ((stack.at(-1)?.col ?? -1) >= col) stack.pop();
      const parent = stack.at(-1)?.arr ?? root;
      offset += m[0].length;
      rest = rest.slice(m[0].length);
      if (MARKER.test(rest)) {
        const arr: unknown[] = [];
        parent.push(arr);
        stack.push({ col, arr });
        continue;
      }
      parent.push(scalar(rest, i + 1));
      break;
    }
  });
  return root;
}

/**
 * Parses redis-cli's raw form of a CLUSTER SLOTS reply: start, end, then per node its ip, port
 * and id lines and a line per metadata field, closed by an empty line. A line of digits after a
 * node starts the next range (an ip, a hostname or `?` is never all digits).
 */
export function parseRedisCliRawClusterSlots(text: string): unknown[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const out: unknown[][] = [];
  let i = 0;
  const isInt = (l: string | undefined): boolean => l !== undefined && /^\d+$/.test(l);
  while (i < lines.length) {
    if (!isInt(lines[i]) || !isInt(lines[i + 1])) throw new ClusterError('REPLY_SHAPE', `redis-cli raw output line ${i + 1}: expected a slot range start and end, found ${JSON.stringify(lines[i] ?? '')}`);
    const entry: unknown[] = [Number(lines[i]), Number(lines[i + 1])];
    i += 2;
    while (i < lines.length && !isInt(lines[i])) {
      const [ip = '', port, id] = [lines[i], lines[i + 1], lines[i + 2]];
      if (!isInt(port)) throw new ClusterError('REPLY_SHAPE', `redis-cli raw output line ${i + 2}: expected a port, found ${JSON.stringify(port ?? '')}`);
      entry.push(id === undefined || id === '' ? [ip, Number(port)] : [ip, Number(port), id]);
      i += id === undefined || id === '' ? 2 : 3;
      while (i < lines.length && lines[i] !== '') i++; // metadata fields (hostname …)
      i++; // the empty line that ends the node
    }
    out.push(entry);
  }
  return out;
}

/** CLUSTER SLOTS as redis-cli printed it (either form) → the checked ranges. */
export function parseRedisCliClusterSlots(text: string): DiscoveredRange[] {
  const human = text.split('\n').some((l) => MARKER.test(l));
  return parseClusterSlots(human ? parseRedisCliTty(text) : parseRedisCliRawClusterSlots(text));
}

/** The report's rows: slot and tag of every key, and its master when `ranges` are given. */
export function keyslotRows(keys: readonly string[], ranges?: readonly DiscoveredRange[]): KeyslotRow[] {
  return keys.map((key) => {
    const slot = keyHashSlot(key);
    const t = hashTag(key);
    const tag = typeof t === 'string' ? t : undefined;
    if (ranges === undefined) return { key, slot, tag };
    const r = ranges.find((x) => x.start <= slot && slot <= x.end);
    return { key, slot, tag, node: r === undefined ? null : r.master };
  });
}

/** Text form: one aligned line per key; JSON form: an array of rows. */
export function formatKeyslotRows(rows: readonly KeyslotRow[], json: boolean): string {
  if (json) return JSON.stringify(rows.map((r) => ({ ...r, tag: r.tag ?? null })));
  const cells = rows.map((r) => [
    JSON.stringify(r.key),
    String(r.slot),
    r.tag === undefined ? '-' : JSON.stringify(r.tag),
    ...(r.node === undefined ? [] : [r.node === null ? '(no node serves this slot)' : `${r.node.host}:${r.node.port}${r.node.id !== undefined ? ` ${r.node.id}` : ''}`]),
  ]);
  const head = ['key', 'slot', 'tag', ...(rows.some((r) => r.node !== undefined) ? ['node'] : [])];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((x, c) => (c === row.length - 1 ? x : x.padEnd(widths[c] ?? 0))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}
