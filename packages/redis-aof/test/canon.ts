/** A canonical text picture of keyspace entries, for equality checks in tests. */
import type { KeyEntry } from '../src/index.js';

const s = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/**
 * `liveAtMs`: leave out keys whose deadline has passed (a client, or KEYS, no longer sees them;
 * they may still be in memory or in the file until their DEL is written).
 */
export function canon(entries: Iterable<KeyEntry>, liveAtMs?: number): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (liveAtMs !== undefined && e.expireAtMs !== undefined && e.expireAtMs <= liveAtMs) continue;
    const v = e.value;
    let text: string;
    switch (v.type) {
      case 'string':
        text = `string ${JSON.stringify(s(v.value))}`;
        break;
      case 'list':
        text = `list ${JSON.stringify(v.value.map(s))}`;
        break;
      case 'set':
        text = `set ${JSON.stringify(v.value.map(s).sort())}`;
        break;
      case 'zset':
        text = `zset ${JSON.stringify(v.value.map((m) => [s(m.member), m.score]))}`;
        break;
      case 'hash':
        text = `hash ${JSON.stringify(v.value.map(([f, x]) => [s(f), s(x)]).sort())}`;
        break;
    }
    out.push(`${e.db} ${JSON.stringify(s(e.key))} ${text}${e.expireAtMs !== undefined ? ` px@${e.expireAtMs}` : ''}`);
  }
  return out.sort();
}
