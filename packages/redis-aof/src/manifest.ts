/**
 * The 7.0 AOF manifest: a text file listing the BASE, HISTORY and INCR files of `appenddirname`.
 * Format and parse rules are those of aof.c getAofManifestAsString / aofInfoFormat (writer) and
 * aofLoadManifestFromFile (reader), including its quirks: a last line without '\n' is "too long",
 * `seq` is read with atoll, unknown keys are ignored, a name must not be a path.
 */
import { AofError } from './errors.js';
import { LLONG_MAX, cAtollBig, sdsCatRepr, sdsNeedsRepr, sdsSplitArgs } from './sds.js';

/** aof.h AOF_FILE_TYPE_BASE 'b', AOF_FILE_TYPE_HIST 'h', AOF_FILE_TYPE_INCR 'i'. */
export type AofFileType = 'b' | 'h' | 'i';

/**
 * aof.h aofInfo. `fileName` is a byte string (one char per byte). `fileSeq` is a C `long long`
 * in Redis, so a bigint here: a double cannot tell 2^53 from 2^53 + 1, and a rewrite that computes
 * the next seq as `seq + 1` must get a new file name, never the current one.
 */
export interface AofInfo {
  readonly fileName: string;
  readonly fileSeq: bigint;
  readonly fileType: AofFileType;
}

/** aof.h aofManifest. */
export interface AofManifest {
  readonly base: AofInfo | undefined;
  readonly history: readonly AofInfo[];
  readonly incr: readonly AofInfo[];
  /** The seq of the newest base ever named (the next base gets seq + 1). */
  readonly currBaseFileSeq: bigint;
  /** The seq of the newest incr ever named (the next incr gets seq + 1). */
  readonly currIncrFileSeq: bigint;
}

export const EMPTY_MANIFEST: AofManifest = { base: undefined, history: [], incr: [], currBaseFileSeq: 0n, currIncrFileSeq: 0n };

/**
 * The seq of the next BASE or INCR file: aof.c getNewBaseFileNameAndMarkPreAsHistory /
 * getNewIncrAofName do `++server.aof_manifest->curr_*_file_seq` on a `long long`, which past
 * LLONG_MAX is undefined behaviour in C (in practice it wraps negative, and the next start fails
 * on "non-monotonic sequence number"). We refuse instead, before any file is touched: the rewrite
 * fails with `AOF_SEQ_OVERFLOW` and the current files stay as they are.
 */
export function nextFileSeq(seq: bigint, what: 'base' | 'incr'): bigint {
  if (seq >= LLONG_MAX) {
    throw new AofError('AOF_SEQ_OVERFLOW', `Cannot name a new ${what} AOF file: its seq would be ${seq + 1n}, past LLONG_MAX (${LLONG_MAX})`, { file: 'manifest' });
  }
  return seq + 1n;
}

/**
 * util.c pathIsBaseName rejects a name with '/' or '\\'. It lets through "", "." and "..", which
 * name a directory (appendonlydir itself or its parent); Redis 7.0 then fails later with
 * "Unrecoverable error reading the append only file" (fread: EISDIR). We reject them here, with
 * the same error as a path, so no loader or check-aof ever opens a directory as an AOF file.
 */
export function isAofBaseName(name: string): boolean {
  return !name.includes('/') && !name.includes('\\') && name !== '' && name !== '.' && name !== '..';
}

/** aof.c MANIFEST_MAX_LINE: fgets reads at most this many bytes per line. */
export const MANIFEST_MAX_LINE = 1024;

/** aof.c aofInfoFormat: `file <name> seq <n> type <t>\n`, the name quoted when sdsneedsrepr says so. */
export function formatAofInfo(ai: AofInfo): string {
  const name = sdsNeedsRepr(ai.fileName) ? sdsCatRepr(ai.fileName) : ai.fileName;
  return `file ${name} seq ${ai.fileSeq} type ${ai.fileType}\n`;
}

/** aof.c getAofManifestAsString: base first, then history, then incr (each list in its order). */
export function formatManifest(am: AofManifest): string {
  let out = '';
  if (am.base !== undefined) out += formatAofInfo(am.base);
  for (const ai of am.history) out += formatAofInfo(ai);
  for (const ai of am.incr) out += formatAofInfo(ai);
  return out;
}

function fail(code: ConstructorParameters<typeof AofError>[0], err: string, line: number | undefined, text: string | undefined): never {
  const where = line === undefined ? '' : `, at line ${line} ('${text ?? ''}')`;
  throw new AofError(code, `Fatal AOF manifest error${where}: ${err}`, { file: 'manifest' });
}

/**
 * aof.c aofLoadManifestFromFile. Input is the manifest's bytes (or a byte string). Throws an
 * {@link AofError} where Redis logs "*** FATAL AOF MANIFEST FILE ERROR ***" and exits.
 */
export function parseManifest(input: Uint8Array | string): AofManifest {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  let base: AofInfo | undefined;
  const history: AofInfo[] = [];
  const incr: AofInfo[] = [];
  let currBaseFileSeq = 0n;
  let currIncrFileSeq = 0n;
  let maxSeq = 0n;
  let linenum = 0;
  let pos = 0;
  for (;;) {
    if (pos >= text.length) {
      if (linenum === 0) fail('MANIFEST_EMPTY', 'Found an empty AOF manifest', undefined, undefined);
      break;
    }
    // fgets(buf, MANIFEST_MAX_LINE+1): up to 1024 bytes, or through the first '\n'.
    const nl = text.indexOf('\n', pos);
    const end = Math.min(nl === -1 ? text.length : nl + 1, pos + MANIFEST_MAX_LINE);
    const raw = text.slice(pos, end);
    pos = end;
    linenum++;
    if (raw.startsWith('#')) continue; // comment lines are skipped
    // C strings end at the first NUL byte.
    const nul = raw.indexOf('\0');
    const buf = nul === -1 ? raw : raw.slice(0, nul);
    if (!buf.includes('\n')) fail('MANIFEST_LINE_TOO_LONG', 'The AOF manifest file contains too long line', linenum, buf);
    const line = buf.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, ''); // sdstrim(" \t\r\n")
    if (line.length === 0) fail('MANIFEST_FORMAT', 'Invalid AOF manifest file format', linenum, line);
    const argv = sdsSplitArgs(line);
    // 'argc < 6' for forward compatibility: unknown key/value pairs are allowed.
    if (argv === undefined || argv.length < 6 || argv.length % 2 !== 0) fail('MANIFEST_FORMAT', 'Invalid AOF manifest file format', linenum, line);
    let fileName: string | undefined;
    let fileSeq = 0n;
    let fileType = '';
    for (let i = 0; i + 1 < argv.length; i += 2) {
      const key = (argv[i] ?? '').toLowerCase();
      const value = argv[i + 1] ?? '';
      if (key === 'file') {
        const nulAt = value.indexOf('\0');
        fileName = nulAt === -1 ? value : value.slice(0, nulAt); // sdsnew(argv[i+1]) stops at NUL
        if (!isAofBaseName(fileName)) fail('MANIFEST_PATH', "File can't be a path, just a filename", linenum, line);
      } else if (key === 'seq') {
        fileSeq = cAtollBig(value); // atoll: "1x" is 1, "x" is 0, saturates at LLONG_MAX
      } else if (key === 'type') {
        const nulAt = value.indexOf('\0');
        fileType = (nulAt === -1 ? value : value.slice(0, nulAt)).slice(0, 1);
      }
    }
    if (fileName === undefined || fileSeq === 0n || fileType === '') fail('MANIFEST_FORMAT', 'Invalid AOF manifest file format', linenum, line);
    if (fileType === 'b') {
      if (base !== undefined) fail('MANIFEST_DUPLICATE_BASE', 'Found duplicate base file information', linenum, line);
      base = { fileName, fileSeq, fileType };
      currBaseFileSeq = fileSeq;
    } else if (fileType === 'h') {
      history.push({ fileName, fileSeq, fileType });
    } else if (fileType === 'i') {
      if (fileSeq <= maxSeq) fail('MANIFEST_NON_MONOTONIC', 'Found a non-monotonic sequence number', linenum, line);
      incr.push({ fileName, fileSeq, fileType });
      currIncrFileSeq = fileSeq;
      maxSeq = fileSeq;
    } else {
      fail('MANIFEST_UNKNOWN_TYPE', 'Unknown AOF file type', linenum, line);
    }
  }
  return { base, history, incr, currBaseFileSeq, currIncrFileSeq };
}
