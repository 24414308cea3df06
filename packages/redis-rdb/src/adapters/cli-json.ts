/**
 * The JSON form of `protolab-rdb to-json` / `from-json`: one key per line (NDJSON), so a dump of
 * any size is written and read a line at a time. Byte strings are JSON strings when they are valid
 * UTF-8, else `{ "base64": "..." }`; lists and sets are arrays; hashes `[[field, value], ...]` in
 * file order; zsets `[[member, score], ...]` with ±inf as "inf" / "-inf".
 *
 *   {"db":0,"key":"counter","type":"string","encoding":"int","value":"12"}
 *   {"db":0,"key":"board","type":"zset","encoding":"listpack","expireAtMs":1767229200000,"value":[["bob",7.5],["ann",10]]}
 */
import { RdbFormatError } from '../errors.js';
import type { DecodedEntry } from '../entry.js';
import type { KeyEntry, RedisValue } from '../model.js';

type JsonBytes = string | { base64: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

export function bytesToJson(b: Uint8Array): JsonBytes {
  try {
    return utf8.decode(b);
  } catch {
    return { base64: Buffer.from(b).toString('base64') };
  }
}

function scoreToJson(s: number): number | string {
  if (s === Infinity) return 'inf';
  if (s === -Infinity) return '-inf';
  if (Number.isNaN(s)) return 'nan';
  return s;
}

function valueToJson(v: RedisValue): unknown {
  switch (v.type) {
    case 'string':
      return bytesToJson(v.value);
    case 'list':
    case 'set':
      return v.value.map(bytesToJson);
    case 'zset':
      return v.value.map((z) => [bytesToJson(z.member), scoreToJson(z.score)]);
    case 'hash':
      return v.value.map(([f, x]) => [bytesToJson(f), bytesToJson(x)]);
  }
}

/** One NDJSON line (without the newline) for a decoded key. */
export function entryToJsonLine(e: DecodedEntry): string {
  const o: Record<string, unknown> = { db: e.db, key: bytesToJson(e.key), type: e.value.type, encoding: e.encoding }; // map-ok: a JSON object literal, never looked up by user input
  if (e.expireAtMs !== undefined) o['expireAtMs'] = e.expireAtMs;
  o['value'] = valueToJson(e.value);
  return JSON.stringify(o);
}

// ---------------------------------------------------------------- reading it back

function bad(line: number, msg: string): RdbFormatError {
  return new RdbFormatError('ENCODE_INPUT', line, `JSON line ${line}: ${msg}`);
}

function jsonToBytes(v: unknown, line: number, what: string): Uint8Array {
  if (typeof v === 'string') return enc.encode(v);
  if (typeof v === 'object' && v !== null && 'base64' in v && typeof v.base64 === 'string') return new Uint8Array(Buffer.from(v.base64, 'base64'));
  throw bad(line, `${what} must be a string or {"base64": ...}`);
}

function jsonToScore(v: unknown, line: number): number {
  if (typeof v === 'number') return v;
  if (v === 'inf' || v === '+inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw bad(line, `a zset score must be a number, "inf" or "-inf" (NaN is refused, as Redis refuses it)`);
}

function arrayOf(v: unknown, line: number, what: string): unknown[] {
  if (!Array.isArray(v)) throw bad(line, `${what} must be an array`);
  return v as unknown[];
}

function pairOf(v: unknown, line: number, what: string): [unknown, unknown] {
  const a = arrayOf(v, line, what);
  if (a.length !== 2) throw bad(line, `${what} must be a [first, second] pair`);
  return [a[0], a[1]];
}

function jsonToValue(type: unknown, v: unknown, line: number): RedisValue {
  switch (type) {
    case 'string':
      return { type: 'string', value: jsonToBytes(v, line, 'a string value') };
    case 'list':
      return { type: 'list', value: arrayOf(v, line, 'a list').map((x) => jsonToBytes(x, line, 'a list element')) };
    case 'set':
      return { type: 'set', value: arrayOf(v, line, 'a set').map((x) => jsonToBytes(x, line, 'a set member')) };
    case 'zset':
      return { type: 'zset', value: arrayOf(v, line, 'a zset').map((x) => {
        const [m, s] = pairOf(x, line, 'a zset element');
        return { member: jsonToBytes(m, line, 'a zset member'), score: jsonToScore(s, line) };
      }) };
    case 'hash':
      return { type: 'hash', value: arrayOf(v, line, 'a hash').map((x): [Uint8Array, Uint8Array] => {
        const [f, y] = pairOf(x, line, 'a hash pair');
        return [jsonToBytes(f, line, 'a hash field'), jsonToBytes(y, line, 'a hash value')];
      }) };
    default:
      throw bad(line, `type must be string, list, set, zset or hash, found ${JSON.stringify(type)}`);
  }
}

/** Parse one NDJSON line back into a key (ENCODE_INPUT with the line number when it is not one). */
export function jsonLineToEntry(text: string, line: number): KeyEntry {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw bad(line, `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(line, 'expected an object');
  const db = 'db' in o ? o.db : 0;
  if (typeof db !== 'number' || !Number.isInteger(db) || db < 0) throw bad(line, 'db must be a non-negative integer');
  const key = jsonToBytes('key' in o ? o.key : undefined, line, 'key');
  const value = jsonToValue('type' in o ? o.type : undefined, 'value' in o ? o.value : undefined, line);
  const e: KeyEntry = { db, key, value };
  if ('expireAtMs' in o && o.expireAtMs !== undefined) {
    if (typeof o.expireAtMs !== 'number' || !Number.isSafeInteger(o.expireAtMs)) throw bad(line, 'expireAtMs must be an integer (Unix ms)');
    e.expireAtMs = o.expireAtMs;
  }
  return e;
}
