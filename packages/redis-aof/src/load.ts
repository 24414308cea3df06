/**
 * Loading an AOF directory into a keyspace: aof.c loadAppendOnlyFiles and
 * loadSingleAppendOnlyFile, with the manifest, the old single-file upgrade (aofUpgradePrepare),
 * RDB or RESP bases, and the truncation rules of `aof-load-truncated`.
 *
 * One deliberate difference, selectable: when a file ends in the middle of a MULTI block,
 * Redis 7.0.15 truncates the file after the last complete *queued* command, leaving a dangling
 * MULTI on disk, so the next write appended after it is silently dropped on the next restart.
 * `multiTruncation: 'protolab'` (the default) truncates before the MULTI, as Valkey does since
 * valkey-io/valkey#4342; `'redis-7.0.15'` reproduces the real behaviour for comparison.
 */
import type { AofDisk } from './disk.js';
import { aofPath, writtenBytes } from './disk.js';
import { AofError } from './errors.js';
import type { KeyEntry, KeyspaceLike } from './keyspace-types.js';
import { EMPTY_MANIFEST, formatManifest, parseManifest, type AofManifest } from './manifest.js';
import { DEFAULT_APPENDDIRNAME, DEFAULT_APPENDFILENAME, getAofManifestFileName, getTempAofManifestFileName } from './names.js';
import type { RdbCodec } from './rdb-bridge.js';
import { rdbCodec } from './rdb-codec.js';
import { readAofCommands } from './reader.js';
import { sdsCatRepr } from './sds.js';

export interface LoadOptions {
  /** `appendfilename` (default appendonly.aof). */
  readonly aofFilename?: string;
  /** `appenddirname` (default appendonlydir). */
  readonly aofDirname?: string;
  /** `aof-load-truncated` (default yes). */
  readonly aofLoadTruncated?: boolean;
  readonly multiTruncation?: 'protolab' | 'redis-7.0.15';
  /** The codec of RDB-preamble bases (default: `rdbCodec`, `@protolab/redis-rdb`). */
  readonly rdb?: RdbCodec;
}

/** aof.h AOF_OK / AOF_NOT_EXIST / AOF_EMPTY / AOF_TRUNCATED (AOF_FAILED and AOF_OPEN_ERR throw). */
export type AofLoadStatus = 'ok' | 'not-exist' | 'empty' | 'truncated';

export interface FileLoadReport {
  readonly name: string;
  readonly role: 'base' | 'incr';
  readonly format: 'rdb' | 'resp' | 'empty';
  readonly size: number;
  /** Commands applied (MULTI … EXEC count as their commands plus two). */
  readonly commands: number;
  /** Keys restored from an RDB base. */
  readonly rdbKeys: number;
  /** Offset the file was truncated to on disk, if it was. */
  readonly truncatedTo: number | undefined;
  /** "Revert incomplete MULTI/EXEC transaction". */
  readonly revertedMulti: boolean;
}

export interface LoadReport {
  readonly status: AofLoadStatus;
  readonly manifest: AofManifest;
  readonly files: readonly FileLoadReport[];
  /** The old single-file AOF was moved into the directory (aofUpgradePrepare). */
  readonly upgraded: boolean;
  /** What Redis would log, in order. */
  readonly log: readonly string[];
}

/** aof.c writeAofManifestFile: temp file, fsync, rename over the manifest. */
export function persistManifest(disk: AofDisk, dirname: string, aofFilename: string, am: AofManifest): void {
  const tmp = aofPath(dirname, getTempAofManifestFileName(aofFilename));
  if (disk.exists(tmp)) disk.remove(tmp); // O_TRUNC
  const bytes = new TextEncoder().encode(formatManifest(am));
  try {
    const n = writtenBytes(disk.write(tmp, bytes), bytes.length);
    // A short write must never be renamed over the manifest (writeAofManifestFile: "Can't persist the AOF manifest").
    if (n !== bytes.length) throw new AofError('AOF_IO', `Can't persist the AOF manifest: short write to ${tmp} (${n} of ${bytes.length} bytes)`, { file: tmp, errno: 'ENOSPC' });
    disk.fsync(tmp);
  } catch (e) {
    if (disk.exists(tmp)) disk.remove(tmp);
    throw e;
  }
  disk.rename(tmp, aofPath(dirname, getAofManifestFileName(aofFilename)));
}

/** aof.c aofLoadManifestFromDisk: no directory or no manifest is not an error (upgrade path). */
export function loadManifestFromDisk(disk: AofDisk, dirname: string, aofFilename: string): AofManifest {
  const p = aofPath(dirname, getAofManifestFileName(aofFilename));
  if (!disk.exists(p)) return EMPTY_MANIFEST;
  return parseManifest(disk.read(p));
}

const REDIS_MAGIC = [0x52, 0x45, 0x44, 0x49, 0x53]; // "REDIS"

function isRdb(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && REDIS_MAGIC.every((b, i) => bytes[i] === b);
}

/** The command name, lowercased (first 16 bytes: enough to tell multi/exec); '' for no argument. */
function lower(b: Uint8Array | undefined): string {
  if (b === undefined) return '';
  let s = '';
  for (const c of b.subarray(0, 16)) s += String.fromCharCode(c);
  return s.toLowerCase();
}

interface SingleResult {
  readonly status: 'ok' | 'truncated' | 'empty';
  readonly report: FileLoadReport;
}

/**
 * aof.c loadSingleAppendOnlyFile, the "REDIS" preamble branch: the file starts with an RDB
 * (rdbLoadRio with RDBFLAGS_AOF_PREAMBLE); returns the keys restored and where the RESP tail starts.
 */
function loadRdbPreamble(bytes: Uint8Array, name: string, ks: KeyspaceLike, opts: LoadOptions, log: string[]): { rdbKeys: number; start: number } {
  const rdb = opts.rdb ?? rdbCodec;
  let decoded: { entries: KeyEntry[]; endOffset: number };
  try {
    decoded = rdb.decode(bytes);
  } catch (e) {
    log.push(`Error reading the RDB base file ${name}, AOF loading aborted`);
    throw new AofError('AOF_RDB_BASE', `Error reading the RDB base file ${name}: ${causeText(e)}`, { file: name }, { cause: e });
  }
  // An RDB used as an AOF base keeps keys whose expiry has passed (RDBFLAGS_AOF_PREAMBLE).
  let key: Uint8Array | undefined;
  try {
    for (const e of decoded.entries) {
      key = e.key;
      ks.restore(e);
    }
  } catch (e) {
    // e.g. a db index beyond `databases` (Redis: "FATAL: Data file was created with a Redis server
    // configured to handle more than N databases"), or a value the keyspace cannot hold
    // (STRING_TOO_LONG); rdbReportError names the key being read.
    const where = key === undefined ? '' : `; reading key ${keyRepr(key)}`;
    throw new AofError('AOF_RDB_BASE', `The RDB base file ${name} cannot be loaded: ${causeText(e)}${where}`, { file: name }, { cause: e });
  }
  return { rdbKeys: decoded.entries.length, start: decoded.endOffset };
}

/** A cause's message, after its code when it has one (RdbFormatError, KeyspaceError): `LZF_CORRUPT: …`. */
function causeText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

/** A key as sds.c sdscatrepr shows it, its first 4 096 bytes (then `…`): for an error message. */
function keyRepr(key: Uint8Array): string {
  const shown = sdsCatRepr(String.fromCharCode(...key.subarray(0, 4096)));
  return key.length > 4096 ? `${shown}…` : shown;
}

/** aof.c loadSingleAppendOnlyFile. Throws AofError where Redis returns AOF_FAILED. */
/** The keyspace's answer to DUMP/RESTORE without a payload codec (redis-keyspace dump.ts). */
const NO_CODEC_PREFIX = 'ERR DUMP/RESTORE need a payload codec';

/**
 * One command of the file through the keyspace (aof.c runs it on a fake client). An unknown
 * command is fatal; other error replies are dropped, as aof.c drops the fake client's replies —
 * except a keyspace that cannot decode DUMP payloads, which would lose the key silently.
 */
function applyLoaded(ks: KeyspaceLike, argv: Uint8Array[], at: number, name: string, log: string[]): void {
  const r = ks.execute(argv);
  if (r.type !== 'error') return;
  if (r.value.startsWith('ERR unknown command')) {
    const cmd = Buffer.from(argv[0] ?? new Uint8Array()).toString('latin1');
    log.push(`Unknown command '${cmd}' reading the append only file ${name}`);
    throw new AofError('AOF_UNKNOWN_COMMAND', `Unknown command '${cmd}' reading the append only file ${name}`, { file: name, offset: at });
  }
  if (r.value.startsWith(NO_CODEC_PREFIX)) {
    throw new AofError('AOF_NO_PAYLOAD_CODEC', `RESTORE in the append only file ${name} needs a DUMP payload codec: create the keyspace with payloadCodec (e.g. rdbPayloadCodec from @protolab/redis-rdb)`, { file: name, offset: at });
  }
}

export function loadSingleAppendOnlyFile(
  disk: AofDisk,
  path: string,
  name: string,
  role: 'base' | 'incr',
  ks: KeyspaceLike,
  opts: LoadOptions,
  log: string[],
): SingleResult {
  const aofLoadTruncated = opts.aofLoadTruncated ?? true;
  const redisMode = opts.multiTruncation === 'redis-7.0.15';
  const bytes = disk.read(path);
  const base = { name, role, size: bytes.length, rdbKeys: 0, truncatedTo: undefined, revertedMulti: false };
  if (bytes.length === 0) return { status: 'empty', report: { ...base, format: 'empty', commands: 0 } };

  let start = 0;
  let rdbKeys = 0;
  let format: 'rdb' | 'resp' = 'resp';
  if (isRdb(bytes)) {
    format = 'rdb';
    ({ rdbKeys, start } = loadRdbPreamble(bytes, name, ks, opts, log));
  }

  let validUpTo = start;
  let validBeforeMulti = start;
  let inMulti = false;
  let queue: Uint8Array[][] = [];
  let commands = 0;
  const apply = (argv: Uint8Array[], at: number): void => {
    applyLoaded(ks, argv, at, name, log);
  };

  let end: 'ok' | 'uxeof' = 'ok';
  for (const ev of readAofCommands(bytes, start)) {
    if (ev.kind === 'annotation') continue;
    if (ev.kind === 'command') {
      const cmd = lower(ev.argv[0]);
      if (cmd === 'multi') validBeforeMulti = validUpTo;
      if (inMulti && cmd !== 'exec') {
        queue.push(ev.argv); // queueMultiCommand
      } else if (cmd === 'multi') {
        inMulti = true;
        queue = [];
      } else if (cmd === 'exec') {
        if (inMulti) {
          for (const q of queue) if (lower(q[0]) !== 'multi') apply(q, ev.start);
          commands += queue.length + 2;
          inMulti = false;
          queue = [];
        }
      } else {
        apply(ev.argv, ev.start);
        commands++;
      }
      validUpTo = ev.end;
      continue;
    }
    if (ev.kind === 'eof') {
      if (inMulti) {
        // Clean EOF inside MULTI: handled as a short read, cut before the MULTI.
        log.push(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
        validUpTo = validBeforeMulti;
        end = 'uxeof';
      }
      break;
    }
    if (ev.kind === 'short-read') {
      if (inMulti && !redisMode) validUpTo = validBeforeMulti;
      end = 'uxeof';
      break;
    }
    log.push(`Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
    throw new AofError('AOF_BAD_FORMAT', `Bad file format reading the append only file ${name} at offset ${ev.at}: expected ${ev.expected}, found ${ev.found}`, { file: name, offset: ev.at });
  }
  const revertedMulti = inMulti;
  if (end === 'ok') return { status: 'ok', report: { ...base, format, commands, rdbKeys, revertedMulti } };
  aofTruncateOrFail(disk, path, name, validUpTo, aofLoadTruncated, log);
  return { status: 'truncated', report: { ...base, format, commands, rdbKeys, revertedMulti, truncatedTo: validUpTo } };
}

/**
 * aof.c loadSingleAppendOnlyFile, label uxeof: with aof-load-truncated, cut the file at the last
 * complete command and go on; without it, fail with Redis's message.
 */
function aofTruncateOrFail(disk: AofDisk, path: string, name: string, validUpTo: number, aofLoadTruncated: boolean, log: string[]): void {
  if (aofLoadTruncated) {
    log.push(`!!! Warning: short read while loading the AOF file ${name}!!!`);
    log.push(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    disk.truncate(path, validUpTo);
    log.push(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
    return;
  }
  const msg = `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
  log.push(msg);
  throw new AofError('AOF_UNEXPECTED_EOF', msg, { file: name, offset: validUpTo });
}

/**
 * aof.c loadAppendOnlyFiles (with aofLoadManifestFromDisk and the upgrade of an old
 * `appendonly.aof` in `dir`). The keyspace receives the data; it should not be propagating to an
 * AOF while this runs.
 */
export function loadAppendOnlyFiles(disk: AofDisk, ks: KeyspaceLike, opts: LoadOptions = {}): LoadReport {
  const aofFilename = opts.aofFilename ?? DEFAULT_APPENDFILENAME;
  const dirname = opts.aofDirname ?? DEFAULT_APPENDDIRNAME;
  const log: string[] = [];
  let am = loadManifestFromDisk(disk, dirname, aofFilename);
  let upgraded = false;
  const dirExists = disk.list().some((f) => f.startsWith(`${dirname}/`));
  if (disk.exists(aofFilename)) {
    const onlyBaseIsOld =
      am.base !== undefined && am.incr.length === 0 && am.base.fileName === aofFilename && !disk.exists(aofPath(dirname, aofFilename));
    if (!dirExists || (am.base === undefined && am.incr.length === 0) || onlyBaseIsOld) {
      // aofUpgradePrepare: manifest first, then move the file; a crash in between is retried.
      am = { ...am, base: { fileName: aofFilename, fileSeq: 1n, fileType: 'b' }, currBaseFileSeq: 1n };
      persistManifest(disk, dirname, aofFilename, am);
      disk.rename(aofFilename, aofPath(dirname, aofFilename));
      log.push(`Successfully migrated an old-style AOF file (${aofFilename}) into the AOF directory (${dirname}).`);
      upgraded = true;
    }
  }
  if (am.base === undefined && am.incr.length === 0) return { status: 'not-exist', manifest: am, files: [], upgraded, log };

  const files: { info: { fileName: string }; role: 'base' | 'incr' }[] = [];
  if (am.base !== undefined) files.push({ info: am.base, role: 'base' });
  for (const ai of am.incr) files.push({ info: ai, role: 'incr' });
  let total = 0;
  for (const f of files) {
    const p = aofPath(dirname, f.info.fileName);
    if (!disk.exists(p)) {
      log.push(`Unable to obtain the AOF file ${f.info.fileName} length. stat: No such file or directory`);
      throw new AofError('AOF_MISSING_FILE', `The AOF file ${f.info.fileName} is in the manifest but not on disk`, { file: f.info.fileName });
    }
    total += disk.size(p);
  }
  if (total === 0) return { status: 'empty', manifest: am, files: [], upgraded, log };

  const reports: FileLoadReport[] = [];
  let status: AofLoadStatus = 'ok';
  // startLoading: while the AOF replays, keys do not expire; the DELs that were logged remove them.
  const wasLoading = ks.loading;
  if (wasLoading !== undefined) ks.loading = true;
  try {
    files.forEach((f, i) => {
      const last = i === files.length - 1;
      const r = loadSingleAppendOnlyFile(disk, aofPath(dirname, f.info.fileName), f.info.fileName, f.role, ks, opts, log);
      reports.push(r.report);
      if (r.status === 'truncated' && !last) {
        log.push('Fatal error: the truncated file is not the last file');
        throw new AofError('AOF_TRUNCATED_NOT_LAST', `${f.info.fileName} was truncated but is not the last file of the manifest`, { file: f.info.fileName });
      }
      if (r.status === 'truncated') status = 'truncated';
      if (r.status !== 'empty') log.push(`DB loaded from ${f.role} file ${f.info.fileName}`);
    });
  } finally {
    if (wasLoading !== undefined) ks.loading = wasLoading;
  }
  ks.execute(['SELECT', '0']); // the loading client goes away; real clients start in db 0
  return { status, manifest: am, files: reports, upgraded, log };
}
