/**
 * The file operations the AOF needs. `@protolab/sim`'s SimDisk has exactly this shape (crash keeps
 * only fsynced bytes plus what the simulated OS flushed); `adapters/fs-disk.ts` implements it over
 * real files with fsync. Names are paths relative to Redis's `dir`, '/'-separated, e.g.
 * `appendonlydir/appendonly.aof.1.incr.aof`.
 */
export interface AofDisk {
  exists(name: string): boolean;
  /** All file names, sorted. */
  list(): string[];
  /** Create an empty file if it does not exist (open(O_CREAT)). */
  create(name: string): void;
  /**
   * Append bytes (write(2) with O_APPEND). As write(2) on a full disk, it may write only a prefix:
   * it then returns the number of bytes it wrote (a short write). `void` or `bytes.length` means
   * all of them. When nothing could be written it throws an `AofError` `AOF_IO` with the errno.
   */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- SimDisk's write returns void (it always writes everything)
  write(name: string, bytes: Uint8Array): number | void;
  truncate(name: string, length: number): void;
  read(name: string): Uint8Array;
  size(name: string): number;
  /** fsync/fdatasync: everything written so far is durable. */
  fsync(name: string): void;
  /** rename(2): atomic, replaces `to`. */
  rename(from: string, to: string): void;
  remove(name: string): void;
}

/** The bytes a {@link AofDisk.write} call wrote. */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- the return of AofDisk.write
export function writtenBytes(result: number | void, asked: number): number {
  return typeof result === 'number' ? result : asked;
}

/** `appenddirname/name`. */
export function aofPath(dirname: string, name: string): string {
  return `${dirname}/${name}`;
}
