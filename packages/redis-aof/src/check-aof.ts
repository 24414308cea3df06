/**
 * redis-check-aof (7.0.15) as a function: the same input detection (manifest / RDB preamble /
 * plain AOF), the same scan (`check-aof-scan.ts`), the same `ok_up_to` rule, `--fix` and
 * `--truncate-to-timestamp`. The answer is data — the verdict of every file with its `ok_up_to` —
 * and `renderCheckAof` prints it exactly as redis-check-aof does (`output`).
 *
 * redis-check-aof.c redis_check_aof_main, checkMultiPartAof, checkOldStyleAof, checkSingleAof;
 * the RDB preamble is reported as redis-check-rdb.c redis_check_rdb does (via the RDB codec).
 */
import { AofScanner } from './check-aof-scan.js';
import type { AofDisk } from './disk.js';
import { AofError } from './errors.js';
import { parseManifest } from './manifest.js';
import type { RdbCodec } from './rdb-bridge.js';
import { rdbCodec } from './rdb-codec.js';
import { strerror } from './bio.js';

export interface CheckAofOptions {
  readonly fix?: boolean;
  /** `--truncate-to-timestamp <unix seconds>` (0 = off, as in redis-check-aof). */
  readonly truncateToTimestamp?: number;
  /** The answer typed at "Continue? [y/N]: " (default: no answer, which aborts). */
  readonly answer?: string | (() => string);
  /** Default: `rdbCodec` (`@protolab/redis-rdb`). */
  readonly rdb?: RdbCodec;
  /** "Now" for redis-check-rdb's "already expired" count (it uses mstime()); default: none counted. */
  readonly nowMs?: number;
  /** Called before each file is checked (a CLI's progress). */
  readonly onFile?: (name: string, index: number, total: number, size: number) => void;
}

/** What happened to one file, in redis-check-aof's terms. */
export type CheckAofOutcome =
  | 'valid'
  | 'empty'
  /** `--fix` truncated it to `okUpTo`. */
  | 'truncated'
  /** `--truncate-to-timestamp` cut it at `truncatedTo`. */
  | 'timestamp-truncated'
  /** diff > 0 without `--fix`. */
  | 'not-valid'
  | 'fix-not-last'
  | 'fix-aborted'
  | 'cannot-open'
  | 'rdb-not-sane'
  | 'ts-nothing-before'
  | 'ts-not-last';

export interface CheckAofFileVerdict {
  /** The name redis-check-aof prints (the manifest's name; the path for an old-style file). */
  readonly name: string;
  readonly path: string;
  readonly role: 'base' | 'incr' | 'old-style';
  readonly format: 'rdb' | 'resp';
  readonly size: number;
  readonly outcome: CheckAofOutcome;
  /** redis-check-rdb's lines for an RDB preamble (undefined: none). */
  readonly rdbLines: readonly string[] | undefined;
  /** A byte that starts neither a command nor an annotation ("AOF … format error"). */
  readonly formatError: boolean;
  /** The scanner's error line (`0x      …: Expected …`), if any. */
  readonly error: string | undefined;
  /** The offset after the last complete command outside MULTI. */
  readonly okUpTo: number;
  readonly okUpToLine: number;
  /** size − okUpTo. */
  readonly diff: number;
  /** Where the file was cut (by `--fix` or a timestamp). */
  readonly truncatedTo: number | undefined;
}

export interface CheckAofResult {
  readonly exitCode: 0 | 1;
  readonly kind: 'multi-part' | 'old-style' | 'unreadable';
  readonly target: string;
  /** The target could not be opened or read ("Cannot open file …: <strerror>"). */
  readonly openError: string | undefined;
  /** The manifest's parse error (Redis's message). */
  readonly manifestError: string | undefined;
  readonly files: readonly CheckAofFileVerdict[];
  readonly fix: boolean;
  readonly truncateToTimestamp: number;
  /** The text redis-check-aof prints, rendered from the above. */
  readonly output: string;
}

const FAILED: ReadonlySet<CheckAofOutcome> = new Set(['not-valid', 'fix-not-last', 'fix-aborted', 'cannot-open', 'rdb-not-sane', 'ts-nothing-before', 'ts-not-last']);

function startsWith(bytes: Uint8Array, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}

/** checkSingleAof: scan one file and decide (truncating it on disk for --fix / a timestamp). */
function checkSingleAof(
  disk: AofDisk,
  sc: AofScanner,
  f: { name: string; path: string; role: CheckAofFileVerdict['role']; last: boolean },
  opts: CheckAofOptions,
): CheckAofFileVerdict {
  const base = { name: f.name, path: f.path, role: f.role, formatError: false, error: undefined, truncatedTo: undefined };
  const zero = { okUpTo: 0, okUpToLine: sc.line, diff: 0, rdbLines: undefined };
  if (!disk.exists(f.path)) return { ...base, ...zero, format: 'resp', size: 0, outcome: 'cannot-open' };
  const bytes = disk.read(f.path);
  const size = bytes.length;
  const isRdb = size >= 8 && startsWith(bytes, 'REDIS');
  const format = isRdb ? 'rdb' : 'resp';
  if (size === 0) return { ...base, ...zero, format, size, outcome: 'empty' };
  let start = 0;
  let rdbLines: string[] | undefined;
  if (isRdb) {
    const report = (opts.rdb ?? rdbCodec).check?.(bytes, opts.nowMs);
    rdbLines = [...(report?.lines ?? [])];
    if (report?.ok !== true) return { ...base, ...zero, format, size, rdbLines, outcome: 'rdb-not-sane' };
    start = report.endOffset;
  }
  sc.error = '';
  const end = sc.scanResp(bytes, start, f.path, opts.truncateToTimestamp ?? 0, f.last);
  const rest = { ...base, format, size, rdbLines } as const;
  if (end.kind === 'ts-nothing-before') return { ...rest, ...zero, rdbLines, outcome: 'ts-nothing-before' };
  if (end.kind === 'ts-not-last') return { ...rest, okUpTo: end.at, okUpToLine: sc.line, diff: size - end.at, outcome: 'ts-not-last' };
  if (end.kind === 'ts-truncate') {
    disk.truncate(f.path, end.at);
    return { ...rest, okUpTo: end.at, okUpToLine: sc.line, diff: size - end.at, truncatedTo: end.at, outcome: 'timestamp-truncated' };
  }
  const error = sc.error === '' ? undefined : sc.error;
  const scanned = { ...rest, formatError: end.formatError, error, okUpTo: end.okUpTo, okUpToLine: sc.line, diff: size - end.okUpTo };
  if (scanned.diff === 0) return { ...scanned, outcome: 'valid' };
  if (opts.fix !== true) return { ...scanned, outcome: 'not-valid' };
  if (!f.last) return { ...scanned, outcome: 'fix-not-last' };
  const a = opts.answer ?? '';
  const answer = typeof a === 'string' ? a : a();
  if (!answer.toLowerCase().startsWith('y')) return { ...scanned, outcome: 'fix-aborted' };
  disk.truncate(f.path, end.okUpTo);
  return { ...scanned, outcome: 'truncated', truncatedTo: end.okUpTo };
}

/** Read the target's head; a directory or an unreadable file is "Cannot read file". */
function readTarget(disk: AofDisk, filepath: string): { bytes: Uint8Array } | { error: string } {
  if (!disk.exists(filepath)) return { error: `Cannot open file ${filepath}: ${strerror('ENOENT')}` };
  try {
    return { bytes: disk.read(filepath) };
  } catch (e) {
    if (e instanceof AofError) return { error: `Cannot read file: ${filepath}` };
    throw e;
  }
}

/**
 * redis-check-aof [--fix | --truncate-to-timestamp <t>] <file.manifest|file.aof>. `filepath` is a
 * name on `disk`; files named in a manifest are looked up in the manifest's directory.
 */
export function checkAof(disk: AofDisk, filepath: string, opts: CheckAofOptions = {}): CheckAofResult {
  const sc = new AofScanner();
  const head = readTarget(disk, filepath);
  const common = { target: filepath, fix: opts.fix === true, truncateToTimestamp: opts.truncateToTimestamp ?? 0, manifestError: undefined };
  const finish = (r: Omit<CheckAofResult, 'output' | 'exitCode'>): CheckAofResult => {
    const failed = r.openError !== undefined || r.manifestError !== undefined || r.files.some((f) => FAILED.has(f.outcome));
    const result = { ...r, exitCode: failed ? 1 : 0, output: '' } as const;
    return { ...result, output: renderCheckAof(result) };
  };
  if ('error' in head) return finish({ ...common, kind: 'unreadable', openError: head.error, files: [] });
  const isManifest = head.bytes.length >= 30 && startsWith(head.bytes, 'file');
  if (!isManifest) {
    opts.onFile?.(filepath, 0, 1, head.bytes.length);
    const v = checkSingleAof(disk, sc, { name: filepath, path: filepath, role: 'old-style', last: true }, opts);
    return finish({ ...common, kind: 'old-style', openError: undefined, files: [v] });
  }
  let am;
  try {
    am = parseManifest(head.bytes);
  } catch (e) {
    if (!(e instanceof AofError)) throw e;
    return finish({ ...common, kind: 'multi-part', openError: undefined, manifestError: e.message, files: [] });
  }
  const slash = filepath.lastIndexOf('/');
  const dirpath = slash === -1 ? '' : filepath.slice(0, slash + 1);
  const list = [...(am.base !== undefined ? [{ info: am.base, role: 'base' as const }] : []), ...am.incr.map((info) => ({ info, role: 'incr' as const }))];
  const files: CheckAofFileVerdict[] = [];
  for (const [i, { info, role }] of list.entries()) {
    const p = dirpath + info.fileName;
    opts.onFile?.(info.fileName, i, list.length, disk.exists(p) ? disk.size(p) : 0);
    const v = checkSingleAof(disk, sc, { name: info.fileName, path: dirpath + info.fileName, role, last: i === list.length - 1 }, opts);
    files.push(v);
    if (FAILED.has(v.outcome)) break; // redis-check-aof exits here
  }
  return finish({ ...common, kind: 'multi-part', openError: undefined, files });
}

/** The lines redis-check-aof prints for one file (checkSingleAof plus the caller's verdict line). */
function renderFile(v: CheckAofFileVerdict, r: Pick<CheckAofResult, 'truncateToTimestamp'>): string[] {
  const out: string[] = [];
  const t = r.truncateToTimestamp;
  if (v.outcome === 'cannot-open') return [`Cannot open file ${v.path}: ${strerror('ENOENT')}, aborting...`];
  if (v.outcome === 'empty') return [v.role === 'old-style' ? `AOF ${v.name} is empty` : `${v.role === 'base' ? 'BASE' : 'INCR'} AOF ${v.name} is empty`];
  if (v.rdbLines !== undefined) {
    out.push(`[offset 0] Checking RDB file ${v.name}`, ...v.rdbLines);
    if (v.outcome === 'rdb-not-sane') return [...out, 'RDB preamble of AOF file is not sane, aborting.'];
    out.push('RDB preamble is OK, proceeding with AOF tail...');
  }
  if (v.outcome === 'ts-nothing-before') return [...out, `AOF ${v.path} has nothing before timestamp ${t}, aborting...`];
  if (v.outcome === 'ts-not-last') {
    return [
      ...out,
      `Failed to truncate AOF ${v.path} to timestamp ${t} to offset ${v.okUpTo} because it is not the last file.`,
      'If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.',
    ];
  }
  if (v.outcome === 'timestamp-truncated') return [...out, `Successfully truncated AOF ${v.name} to timestamp ${t}`];
  if (v.formatError) out.push(`AOF ${v.name} format error`);
  if (v.error !== undefined) out.push(v.error);
  if (t !== 0 && v.diff === 0) out.push(`Truncate nothing in AOF ${v.name} to timestamp ${t}`);
  else out.push(`AOF analyzed: filename=${v.name}, size=${v.size}, ok_up_to=${v.okUpTo}, ok_up_to_line=${v.okUpToLine}, diff=${v.diff}`);
  switch (v.outcome) {
    case 'not-valid':
      return [...out, `AOF ${v.name} is not valid. Use the --fix option to try fixing it.`];
    case 'fix-not-last':
      return [...out, `Failed to truncate AOF ${v.name} because it is not the last file`];
    case 'fix-aborted':
    case 'truncated':
      out.push(`This will shrink the AOF ${v.name} from ${v.size} bytes, with ${v.diff} bytes, to ${v.okUpTo} bytes`);
      // "Continue? [y/N]: " has no newline: the next line follows it.
      return [...out, `Continue? [y/N]: ${v.outcome === 'fix-aborted' ? 'Aborting...' : `Successfully truncated AOF ${v.name}`}`];
    default:
      return [...out, v.role === 'old-style' ? `AOF ${v.name} is valid` : `${v.role === 'base' ? 'BASE' : 'INCR'} AOF ${v.name} is valid`];
  }
}

/** redis-check-aof's output for a result: the text is a function of the verdicts. */
export function renderCheckAof(r: Omit<CheckAofResult, 'output'>): string {
  if (r.openError !== undefined) return `${r.openError}\n`;
  const out: string[] = [];
  if (r.kind === 'old-style') {
    out.push('Start checking Old-Style AOF');
    for (const v of r.files) out.push(...renderFile(v, r));
    return out.join('\n') + '\n';
  }
  out.push('Start checking Multi Part AOF');
  if (r.manifestError !== undefined) return [...out, `# ${r.manifestError}`].join('\n') + '\n';
  let incrHeader = false;
  for (const v of r.files) {
    if (v.role === 'base') out.push(`Start to check BASE AOF (${v.format === 'rdb' ? 'RDB' : 'RESP'} format).`);
    if (v.role === 'incr' && !incrHeader) {
      out.push('Start to check INCR files.');
      incrHeader = true;
    }
    out.push(...renderFile(v, r));
  }
  if (r.exitCode === 0) out.push('All AOF files and manifest are valid');
  return out.join('\n') + '\n';
}
