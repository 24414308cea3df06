/**
 * Test doubles. `MapDisk` is @protolab/sim's SimDisk used as a plain in-memory directory (no crash
 * is ever applied to it; the crash properties use SimDisk through the sim), plus two shorthands.
 */
import { SimDisk } from '@protolab/sim';
import { AofError } from '../src/index.js';

export class MapDisk extends SimDisk {
  constructor() {
    super(() => 0, { osFlushDelayMs: 30_000, tornWrites: false });
  }
  text(n: string): string {
    return Buffer.from(this.read(n)).toString('latin1');
  }
  /** Replaces the file's content. */
  put(n: string, s: string | Uint8Array): void {
    if (this.exists(n)) this.remove(n);
    this.create(n);
    this.write(n, typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  }
}

/** RESP text of a command, written out by hand in tests (never by the code under test). */
export const cmd = (...a: string[]): string => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('');

import type { RespValue } from '@protolab/resp';
import type { KeyEntry, KeyspaceLike } from '../src/index.js';

/**
 * A deliberately tiny keyspace (strings and lists only, SET/DEL/INCR/RPUSH/SELECT/PEXPIREAT) for
 * loader unit tests; the integration tests use @protolab/redis-keyspace itself.
 */
export class TinyKeyspace implements KeyspaceLike {
  dbs = new Map<number, Map<string, KeyEntry>>();
  db = 0;
  executed: string[][] = [];
  private queued: string[][] | undefined;
  constructor(private readonly onPropagate?: (db: number, argv: Uint8Array[]) => void) {}
  private propagate(a: string[]): void {
    this.onPropagate?.(this.db, a.map((x) => Buffer.from(x, 'latin1')));
  }
  private map(db: number): Map<string, KeyEntry> {
    let m = this.dbs.get(db);
    if (m === undefined) this.dbs.set(db, (m = new Map<string, KeyEntry>()));
    return m;
  }
  execute(argv: readonly (string | Uint8Array)[]): RespValue {
    const a = argv.map((x) => (typeof x === 'string' ? x : Buffer.from(x).toString('latin1')));
    this.executed.push(a);
    const lname = a[0]!.toLowerCase();
    if (lname === 'multi') {
      this.queued = [];
      return { type: 'simple', value: 'OK' };
    }
    if (lname === 'exec' && this.queued !== undefined) {
      const q = this.queued;
      this.queued = undefined;
      this.propagate(['MULTI']);
      const replies = q.map((c) => this.execute(c));
      this.propagate(['EXEC']);
      return { type: 'array', value: replies };
    }
    if (this.queued !== undefined) {
      this.queued.push(a);
      return { type: 'simple', value: 'QUEUED' };
    }
    if (['set', 'del', 'incr', 'rpush', 'pexpireat'].includes(lname)) this.propagate(a);
    const m = this.map(this.db);
    const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
    const name = a[0]!.toLowerCase();
    const ok: RespValue = { type: 'simple', value: 'OK' };
    switch (name) {
      case 'select':
        this.db = Number(a[1]);
        return ok;
      case 'set':
        m.set(a[1]!, { db: this.db, key: enc(a[1]!), value: { type: 'string', value: enc(a[2]!) } });
        return ok;
      case 'del':
        m.delete(a[1]!);
        return { type: 'integer', value: 1n };
      case 'incr': {
        const cur = m.get(a[1]!);
        const n = cur?.value.type === 'string' ? Number(Buffer.from(cur.value.value).toString()) : 0;
        m.set(a[1]!, { db: this.db, key: enc(a[1]!), value: { type: 'string', value: enc(String(n + 1)) } });
        return { type: 'integer', value: BigInt(n + 1) };
      }
      case 'rpush': {
        const cur = m.get(a[1]!);
        const list = cur?.value.type === 'list' ? cur.value.value : [];
        list.push(...a.slice(2).map(enc));
        m.set(a[1]!, { db: this.db, key: enc(a[1]!), value: { type: 'list', value: list } });
        return { type: 'integer', value: BigInt(list.length) };
      }
      case 'pexpireat': {
        const cur = m.get(a[1]!);
        if (cur !== undefined) cur.expireAtMs = Number(a[2]);
        return { type: 'integer', value: 1n };
      }
      default:
        return { type: 'error', value: `ERR unknown command '${a[0]!}', with args beginning with: ` };
    }
  }
  restore(e: KeyEntry): void {
    this.map(e.db).set(Buffer.from(e.key).toString('latin1'), structuredClone(e));
  }
  entries(): KeyEntry[] {
    return [...this.dbs.values()].flatMap((m) => [...m.values()]);
  }
  fork(): { entries(): KeyEntry[] } {
    const snap = structuredClone(this.entries());
    return { entries: () => snap };
  }
  /** db:key=value lines, sorted: an easy-to-compare picture of the data. */
  dump(): string[] {
    return this.entries()
      .map((e) => {
        const v = e.value.type === 'string' ? Buffer.from(e.value.value).toString('latin1') : e.value.type === 'list' ? e.value.value.map((x) => Buffer.from(x).toString('latin1')).join(',') : '?';
        return `${e.db}:${Buffer.from(e.key).toString('latin1')}=${v}${e.expireAtMs !== undefined ? `@${e.expireAtMs}` : ''}`;
      })
      .sort();
  }
}

/** The dump of a node's keyspace, which the sim-server factory built as a TinyKeyspace. */
export function dumpOf(ks: KeyspaceLike): string[] {
  if (!(ks instanceof TinyKeyspace)) throw new Error('expected a TinyKeyspace');
  return ks.dump();
}

/** The `code` of the AofError that `f` throws, or 'no error'; any other exception propagates. */
export function aofErrorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AofError) return e.code;
    throw e;
  }
  return 'no error';
}

/**
 * Property run counts: `n` normally; `n × PROTOLAB_AOF_SOAK` under the soak script
 * (`npm run soak -w @protolab/redis-aof`), which runs the fault, fuzz and robustness properties longer.
 */
export function runs(n: number): number {
  const k = Number(process.env['PROTOLAB_AOF_SOAK'] ?? '1');
  return Number.isFinite(k) && k >= 1 ? Math.round(n * k) : n;
}
