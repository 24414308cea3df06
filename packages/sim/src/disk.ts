import { SimError } from './errors.js';
import type { Prng } from './prng.js';

/**
 * A node's simulated disk: named files with a page cache in front of durable storage.
 *
 * - `write`/`truncate` change what `read` sees at once (the page cache), and queue the change for
 *   the platter, stamped with the virtual time it was made.
 * - `fsync(file)` makes every queued change of that file durable.
 * - The "OS" writes back a change by itself once it is `osFlushDelayMs` old (Linux's
 *   dirty_expire_centisecs is 30 s by default); this is evaluated lazily, at crash time, from the
 *   stamps, so nothing is scheduled for it.
 * - On a crash every file reverts to its durable content plus what the OS had flushed; with torn
 *   writes on, the first change that was not yet durable may survive in part (a random prefix of
 *   its bytes), as a power cut in the middle of a sector write can leave.
 * - `rename` and `remove` are metadata operations and are durable at once (an approximation: real
 *   file systems need an fsync of the directory; the README says so).
 */
export interface DiskOptions {
  /** Age at which the simulated OS has written a dirty change back by itself. */
  readonly osFlushDelayMs: number;
  /** Keep a random prefix of the first non-durable change on crash. */
  readonly tornWrites: boolean;
}

type Change =
  | { readonly kind: 'append'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly at: number; readonly length: number };

interface SimFile {
  /** What reads see: `buf[0, len)`; `buf` grows by doubling, so appends are amortised O(1). */
  buf: Uint8Array;
  len: number;
  /**
   * The durable content is `durableCopy` when set, else `buf[0, durableLen)`: while only appends
   * follow an fsync, the durable bytes are a prefix of what reads see and need no copy. A
   * truncate takes the copy first.
   */
  durableLen: number;
  durableCopy: Uint8Array | undefined;
  pending: Change[];
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function apply(content: Uint8Array, change: Change): Uint8Array {
  if (change.kind === 'append') return concat(content, change.bytes);
  return change.length <= content.length
    ? content.slice(0, change.length)
    : concat(content, new Uint8Array(change.length - content.length));
}

function durableOf(f: SimFile): Uint8Array {
  return f.durableCopy ?? f.buf.subarray(0, f.durableLen);
}

function ensureCapacity(f: SimFile, needed: number): void {
  if (needed <= f.buf.length) return;
  const grown = new Uint8Array(Math.max(needed, f.buf.length * 2, 64));
  grown.set(f.buf.subarray(0, f.len));
  f.buf = grown;
}

export class SimDisk {
  private files = new Map<string, SimFile>();

  constructor(
    private readonly now: () => number,
    private readonly options: DiskOptions,
  ) {}

  private file(name: string): SimFile {
    const f = this.files.get(name);
    if (f === undefined) throw new SimError('NO_FILE', `no such file: ${name}`);
    return f;
  }

  private fileOrNew(name: string): SimFile {
    let f = this.files.get(name);
    if (f === undefined) {
      f = { buf: new Uint8Array(0), len: 0, durableLen: 0, durableCopy: undefined, pending: [] };
      this.files.set(name, f);
    }
    return f;
  }

  exists(name: string): boolean {
    return this.files.has(name);
  }

  /** File names, sorted. */
  list(): string[] {
    return [...this.files.keys()].sort();
  }

  /** Creates the file if missing (durably, like open(O_CREAT) + directory fsync). */
  create(name: string): void {
    this.fileOrNew(name);
  }

  /** Appends bytes (visible now, durable after fsync or OS write-back). */
  write(name: string, bytes: Uint8Array): void {
    const f = this.fileOrNew(name);
    const copy = bytes.slice();
    ensureCapacity(f, f.len + copy.length);
    f.buf.set(copy, f.len);
    f.len += copy.length;
    f.pending.push({ kind: 'append', at: this.now(), bytes: copy });
  }

  truncate(name: string, length: number): void {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new SimError('BAD_OPTION', `truncate length must be a non-negative integer, got ${length}`);
    }
    const f = this.file(name);
    f.durableCopy ??= f.buf.slice(0, f.durableLen);
    if (length > f.len) {
      ensureCapacity(f, length);
      f.buf.fill(0, f.len, length);
    }
    f.len = length;
    f.pending.push({ kind: 'truncate', at: this.now(), length });
  }

  /** What a read returns now (page cache included). */
  read(name: string): Uint8Array {
    const f = this.file(name);
    return f.buf.slice(0, f.len);
  }

  size(name: string): number {
    return this.file(name).len;
  }

  /** Bytes that would survive a crash right now without OS write-back. */
  durableSize(name: string): number {
    return durableOf(this.file(name)).length;
  }

  /** Number of changes written but not yet fsynced (for fsync policies that watch it). */
  unsyncedChanges(name: string): number {
    return this.files.get(name)?.pending.length ?? 0;
  }

  fsync(name: string): void {
    const f = this.file(name);
    f.durableLen = f.len;
    f.durableCopy = undefined;
    f.pending = [];
  }

  /** Atomic and durable at once (see the class comment). Replaces `to` if it exists. */
  rename(from: string, to: string): void {
    const f = this.file(from);
    this.files.delete(from);
    this.files.set(to, f);
  }

  remove(name: string): void {
    this.file(name);
    this.files.delete(name);
  }

  /** Applies the crash model; `random` decides torn-write prefixes. */
  crash(random: Prng): void {
    const flushedBefore = this.now() - this.options.osFlushDelayMs;
    for (const f of this.files.values()) {
      let content: Uint8Array = durableOf(f).slice();
      let i = 0;
      let next = f.pending[0];
      while (next !== undefined && next.at <= flushedBefore) {
        content = apply(content, next);
        next = f.pending[++i];
      }
      if (this.options.tornWrites && next !== undefined && next.kind === 'append' && next.bytes.length > 0) {
        const keep = random.int(0, next.bytes.length + 1);
        content = concat(content, next.bytes.subarray(0, keep));
      }
      f.buf = content;
      f.len = content.length;
      f.durableLen = content.length;
      f.durableCopy = undefined;
      f.pending = [];
    }
  }
}

/**
 * A node's durable key-value storage: every `set` is durable at once (think of a write followed
 * by fsync). Values are deep-copied in and out (structuredClone), so a node cannot keep a live
 * reference that would survive its own crash.
 */
export class DurableStore {
  private data = new Map<string, unknown>();

  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : structuredClone(v) as T;
  }

  set(key: string, value: unknown): void {
    this.data.set(key, structuredClone(value));
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  has(key: string): boolean {
    return this.data.has(key);
  }

  keys(): string[] {
    return [...this.data.keys()].sort();
  }
}
