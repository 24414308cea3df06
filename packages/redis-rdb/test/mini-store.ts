/**
 * A deliberately small keyspace for the persistence specs (string keys only, SET/DEL/INCR): the
 * model the crash property compares against. The real one is @protolab/redis-keyspace; this keeps
 * the RDB save-point specs independent of it.
 */
import type { EntrySource, KeyEntry, PersistentStore } from '@protolab/redis-rdb';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class MiniStore implements PersistentStore {
  readonly map = new Map<string, string>();
  dirty = 0;

  execute(argv: readonly (string | Uint8Array)[]): unknown {
    const [cmd, ...args] = argv.map((a) => (typeof a === 'string' ? a : dec.decode(a)));
    switch (cmd?.toUpperCase()) {
      case 'SET':
        this.map.set(args[0]!, args[1]!);
        this.dirty++;
        return 'OK';
      case 'DEL': {
        const had = this.map.delete(args[0]!);
        if (had) this.dirty++;
        return had ? 1 : 0;
      }
      case 'INCR': {
        const v = Number(this.map.get(args[0]!) ?? '0') + 1;
        this.map.set(args[0]!, String(v));
        this.dirty++;
        return v;
      }
      default:
        return `-ERR unknown command '${cmd ?? ''}'`;
    }
  }

  *entries(): Iterable<KeyEntry> {
    for (const [k, v] of this.map) yield { db: 0, key: enc.encode(k), value: { type: 'string', value: enc.encode(v) } };
  }

  /** copy-on-write stand-in: a copy taken now */
  fork(): EntrySource {
    const copy = new Map(this.map);
    return {
      *entries() {
        for (const [k, v] of copy) yield { db: 0, key: enc.encode(k), value: { type: 'string', value: enc.encode(v) } };
      },
    };
  }

  restore(e: KeyEntry): void {
    if (e.value.type === 'string') this.map.set(dec.decode(e.key), dec.decode(e.value.value));
  }
}
