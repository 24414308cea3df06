/**
 * `protolab-rdb`: inspect, convert and annotate RDB files from the shell. Every command streams
 * the file (`streamRdbFile`, 1 MiB reads), so a multi-GB dump runs in bounded memory — except
 * `from-json`, which builds the keyspace in memory before writing it (see its help line).
 *
 * Exit codes: 0 done; 1 the file is not a valid RDB (RdbFormatError: code, offset, message);
 * 2 usage error; 3 a file could not be read or written (RdbFileError). Errors are one line on
 * stderr, never a stack trace. Work longer than about a second shows a progress bar on stderr when
 * it is a terminal (or with --progress).
 */
import * as fs from 'node:fs';
import { RdbFileError, RdbFormatError } from '../errors.js';
import { streamRdbFile, saveRdbFile } from './file.js';
import { InspectAccumulator, renderInspect } from './cli-inspect.js';
import { entryToJsonLine, jsonLineToEntry } from './cli-json.js';
import { bytesToAscii } from '../bytes.js';
import type { RdbRecord } from '../decoder.js';
import type { KeyEntry } from '../model.js';

export const HELP = `protolab-rdb — Redis RDB files (Redis 7.0, RDB 1..10), streamed

usage:
  protolab-rdb inspect <dump.rdb> [--json] [--top N] [--separator S]
      header, AUX fields, keys per database, type/encoding histogram, the N biggest keys
      (default 10) and a memory estimate per key prefix (up to the first S, default ":")
  protolab-rdb to-json <dump.rdb>
      one JSON object per key and line (NDJSON) on stdout: db, key, type, encoding, expireAtMs, value
  protolab-rdb from-json <keys.ndjson> <out.rdb> [--no-compression] [--no-checksum]
      write an RDB from to-json's output (temp file, fsync, rename, as rdbSave); builds the keys in memory
  protolab-rdb annotate <dump.rdb> [--json]
      the byte layout: one line per record with offset, length, meaning and its first bytes in hex

options: --progress (a progress bar on stderr even when it is not a terminal), --help
exit codes: 0 ok, 1 not a valid RDB, 2 usage, 3 file error`;

/** Where the CLI writes (process streams in bin.ts; buffers in tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** whether stderr is a terminal (progress bar by default) */
  errIsTty: boolean;
  /** wall clock in ms, for the progress bar only */
  nowMs(): number;
}

/** The real process streams and clock. */
export function nodeCliIo(): CliIo {
  // `protolab-rdb to-json dump.rdb | head`: the reader went away, which is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`protolab-rdb: stdout: ${e.message}\n`);
    process.exit(3);
  });
  return {
    out: (t) => { process.stdout.write(t); },
    err: (t) => { process.stderr.write(t); },
    errIsTty: process.stderr.isTTY,
    nowMs: () => Date.now(),
  };
}

class UsageError extends Error {}

interface Args {
  command: string;
  files: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

const VALUE_FLAGS = new Set(['--top', '--separator']);
const BOOL_FLAGS = new Set(['--json', '--progress', '--no-compression', '--no-checksum', '--help']);

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { command: '', files: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] ?? '';
    if (VALUE_FLAGS.has(w)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${w} needs a value`);
      a.values.set(w, v);
    } else if (BOOL_FLAGS.has(w) || w === '-h') a.flags.add(w === '-h' ? '--help' : w);
    else if (w.startsWith('--')) throw new UsageError(`unknown option ${w}`);
    else if (a.command === '') a.command = w;
    else a.files.push(w);
  }
  return a;
}

/** Runs one command; returns the exit code. Never throws. */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    const a = parseArgs(argv);
    if (a.flags.has('--help') || a.command === '' || a.command === 'help') {
      io.out(`${HELP}\n`);
      return a.command === '' && !a.flags.has('--help') ? 2 : 0;
    }
    const need = (n: number): void => {
      if (a.files.length !== n) throw new UsageError(`${a.command} takes ${n} file argument${n > 1 ? 's' : ''} (see --help)`);
    };
    switch (a.command) {
      case 'inspect':
        need(1);
        return inspect(a, io);
      case 'to-json':
        need(1);
        return toJson(a, io);
      case 'from-json':
        need(2);
        return fromJson(a, io);
      case 'annotate':
        need(1);
        return annotate(a, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(a.command)} (inspect, to-json, from-json, annotate)`);
    }
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: CliIo): number {
  const line = (s: string): void => { io.err(`protolab-rdb: ${s.split('\n')[0] ?? ''}\n`); };
  if (e instanceof UsageError) {
    line(e.message);
    return 2;
  }
  if (e instanceof RdbFormatError) {
    line(`${e.code}: ${e.message}`);
    return 1;
  }
  if (e instanceof RdbFileError) {
    line(e.message);
    return 3;
  }
  line(`internal error: ${e instanceof Error ? e.message : String(e)}`);
  return 70; // EX_SOFTWARE: a bug, still one line
}

/** A progress bar on stderr, drawn only once the work has taken more than a second. */
function progress(io: CliIo, a: Args, total: number): { at(done: number): void; end(): void } {
  const on = io.errIsTty || a.flags.has('--progress');
  const t0 = io.nowMs();
  let last = 0;
  let drawn = false;
  return {
    at(done) {
      if (!on) return;
      const t = io.nowMs();
      if (t - t0 < 1000 || t - last < 100) return;
      last = t;
      drawn = true;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
      io.err(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${(done / 1048576).toFixed(0)} / ${(total / 1048576).toFixed(0)} MiB`);
    },
    end() {
      if (drawn) io.err('\n');
    },
  };
}

function fileSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch (e) {
    const errno = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
    throw new RdbFileError('stat', path, errno, e instanceof Error ? e.message : String(e));
  }
}

/** Stream `path`, handing each record and the offset reached to `f`, with the progress bar. */
function stream(a: Args, io: CliIo, path: string, f: (r: RdbRecord) => void): void {
  const bar = progress(io, a, fileSize(path));
  try {
    streamRdbFile(path, (r) => {
      f(r);
      bar.at(r.kind === 'entry' ? r.entry.offset : r.offset);
    });
  } finally {
    bar.end();
  }
}

function inspect(a: Args, io: CliIo): number {
  const path = a.files[0] ?? '';
  const top = Number(a.values.get('--top') ?? '10');
  if (!Number.isInteger(top) || top < 1) throw new UsageError('--top must be a positive integer');
  const acc = new InspectAccumulator(path, top, a.values.get('--separator') ?? ':');
  let end = 0;
  stream(a, io, path, (r) => {
    acc.add(r);
    if (r.kind === 'eof') end = r.endOffset;
  });
  const rep = acc.finish(end);
  io.out(a.flags.has('--json') ? `${JSON.stringify(rep, null, 2)}\n` : `${renderInspect(rep)}\n`);
  return 0;
}

function toJson(a: Args, io: CliIo): number {
  let batch: string[] = [];
  stream(a, io, a.files[0] ?? '', (r) => {
    if (r.kind !== 'entry') return;
    batch.push(entryToJsonLine(r.entry));
    if (batch.length >= 1000) {
      io.out(`${batch.join('\n')}\n`);
      batch = [];
    }
  });
  if (batch.length > 0) io.out(`${batch.join('\n')}\n`);
  return 0;
}

function fromJson(a: Args, io: CliIo): number {
  const [input = '', output = ''] = a.files;
  const entries: KeyEntry[] = [];
  const size = fileSize(input);
  const bar = progress(io, a, size);
  let fd: number;
  try {
    fd = fs.openSync(input, 'r');
  } catch (e) {
    throw new RdbFileError('open', input, typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO', String(e));
  }
  try {
    readLines(fd, input, (text, lineNo, done) => {
      if (text.trim() !== '') entries.push(jsonLineToEntry(text, lineNo));
      bar.at(done);
    });
  } finally {
    fs.closeSync(fd);
    bar.end();
  }
  const n = saveRdbFile(output, entries, { compression: !a.flags.has('--no-compression'), checksum: !a.flags.has('--no-checksum') });
  io.err(`protolab-rdb: wrote ${entries.length} keys, ${n} bytes to ${output}\n`);
  return 0;
}

/** Read `fd` in 1 MiB chunks and hand over each complete line (UTF-8) with its 1-based number. */
function readLines(fd: number, path: string, f: (text: string, lineNo: number, bytesDone: number) => void): void {
  const dec = new TextDecoder();
  let rest = '';
  let lineNo = 0;
  let done = 0;
  const buf = new Uint8Array(1 << 20);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      throw new RdbFileError('read', path, typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO', String(e));
    }
    done += n;
    const text = rest + dec.decode(buf.subarray(0, n), { stream: n > 0 });
    const lines = text.split('\n');
    rest = n === 0 ? '' : (lines.pop() ?? '');
    for (const l of lines) f(l, ++lineNo, done);
    if (n === 0) return;
  }
}

function annotate(a: Args, io: CliIo): number {
  const path = a.files[0] ?? '';
  const json = a.flags.has('--json');
  let fd = -1;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    // streamRdbFile below reports it as an RdbFileError
  }
  const head = new Uint8Array(32);
  let prev: { offset: number; what: string } | undefined;
  const emit = (offset: number, end: number, what: string): void => {
    const n = fd < 0 ? 0 : fs.readSync(fd, head, 0, Math.min(32, end - offset), offset);
    const hex = Array.from(head.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join(' ') + (end - offset > 32 ? ' …' : '');
    io.out(json ? `${JSON.stringify({ offset, length: end - offset, what, hex })}\n` : `${String(offset).padStart(10)} ${String(end - offset).padStart(8)}  ${what}\n${''.padStart(21)}${hex}\n`);
  };
  fileSize(path); // a missing file is reported before any output
  if (!json) io.out(`${'offset'.padStart(10)} ${'len'.padStart(8)}  meaning\n`);
  try {
    stream(a, io, path, (r) => {
      const offset = r.kind === 'entry' ? r.entry.offset : r.offset;
      if (prev !== undefined) emit(prev.offset, offset, prev.what);
      prev = r.kind === 'eof' ? undefined : { offset, what: describe(r) };
      if (r.kind === 'eof') emit(offset, r.endOffset, describe(r));
    });
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
  return 0;
}

function describe(r: RdbRecord): string {
  switch (r.kind) {
    case 'header':
      return `magic "REDIS" + version ${r.version}`;
    case 'aux':
      return `0xFA AUX ${bytesToAscii(r.key)} = ${JSON.stringify(bytesToAscii(r.value.subarray(0, 40)))}`;
    case 'selectdb':
      return `0xFE SELECTDB ${r.db}`;
    case 'resizedb':
      return `0xFB RESIZEDB ${r.dbSize} keys, ${r.expiresSize} with expiry`;
    case 'function':
      return `0xF5 FUNCTION2 library (${r.code.length} bytes)`;
    case 'empty-key':
      return `type ${r.type} ${r.typeName}, key ${JSON.stringify(bytesToAscii(r.key.subarray(0, 40)))}: empty, skipped on load`;
    case 'entry': {
      const e = r.entry;
      const ttl = e.expireAtMs !== undefined ? `0xFC EXPIRETIME_MS ${e.expireAtMs}, then ` : '';
      return `${ttl}type ${e.type} ${e.typeName}, key ${JSON.stringify(bytesToAscii(e.key.subarray(0, 40)))} (loads as ${e.encoding})`;
    }
    case 'eof':
      return `0xFF EOF, CRC-64 0x${r.checksum.toString(16).padStart(16, '0')}${r.checksum === 0n ? ' (checksum disabled)' : ''}`;
  }
}
