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
  visible: Uint8Array;
  durable: Uint8Array;
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
      f = { visible: new Uint8Array(0), durable: new Uint8Array(0), pending: [] };
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
    f.visible = concat(f.visible, copy);
    f.pending.push({ kind: 'append', at: this.now(), bytes: copy });
  }

  truncate(name: string, length: number): void {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new SimError('BAD_OPTION', `truncate length must be a non-negative integer, got ${length}`);
    }
    const f = this.file(name);
    const change: Change = { kind: 'truncate', at: this.now(), length };
    f.visible = apply(f.visible, change);
    f.pending.push(change);
  }

  /** What a read returns now (page cache included). */
  read(name: string): Uint8Array {
    return this.file(name).visible.slice();
  }

  size(name: string): number {
    return this.file(name).visible.length;
  }

  /** Bytes that would survive a crash right now without OS write-back. */
  durableSize(name: string): number {
    return this.file(name).durable.length;
  }

  /** Number of bytes written but not yet fsynced (for fsync policies that watch it). */
  unsyncedChanges(name: string): number {
    return this.files.get(name)?.pending.length ?? 0;
  }

  fsync(name: string): void {
    const f = this.file(name);
    f.durable = f.visible.slice();
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
      let content = f.durable;
      let i = 0;
      while (i < f.pending.length && f.pending[i]!.at <= flushedBefore) {
        content = apply(content, f.pending[i]!);
        i++;
      }
      const next = f.pending[i];
      if (this.options.tornWrites && next !== undefined && next.kind === 'append' && next.bytes.length > 0) {
        const keep = random.int(0, next.bytes.length + 1);
        content = concat(content, next.bytes.subarray(0, keep));
      }
      f.durable = content;
      f.visible = content.slice();
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
