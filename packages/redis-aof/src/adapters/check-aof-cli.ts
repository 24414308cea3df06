/**
 * protolab-check-aof: redis-check-aof 7.0 with the same arguments, output and exit codes, plus
 * `--json` (the verdicts as data) and `--help`. The real-I/O edge of `checkAof`: it reads the
 * files with FsDisk, the answer to "Continue? [y/N]" from stdin, and the clock for
 * redis-check-rdb's "already expired" count and for progress (stderr, after ~1 s of work).
 *
 *   protolab-check-aof [--json] [--fix|--truncate-to-timestamp <t>] <file.manifest|file.aof>
 *
 * Exit status: 0 when every file is valid (or was fixed), 1 otherwise — a file that is not valid,
 * a refused fix, bad arguments, or any error (printed as one line, never a stack trace).
 */
import * as fs from 'node:fs';
import { FsDisk } from './fs-disk.js';
import { checkAof, type CheckAofOptions } from '../check-aof.js';
import { cStrtoll } from '../sds.js';

const PROG = 'protolab-check-aof';
const USAGE = `Usage: ${PROG} [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>`;
const HELP = `${USAGE}

Checks a Redis 7.0 AOF: a multi-part directory's manifest (appendonlydir/appendonly.aof.manifest)
or a single old-style AOF file, exactly as redis-check-aof 7.0 does, with the same output.

  --fix                        truncate the last file to its last complete command (asks first;
                               answer on stdin, e.g. \`echo y | ${PROG} --fix …\`)
  --truncate-to-timestamp <t>  cut the log at the first #TS: annotation later than <t> (unix s)
  --json                       print the verdicts as JSON (per file: outcome, ok_up_to, …)
  --help, -h                   this text

Exit status: 0 valid (or fixed), 1 not valid or any error.
`;

type Parsed = { file: string; opts: CheckAofOptions; json: boolean } | { exit: number; text: string };

/** redis_check_aof_main's argument rules (argc 2, 3 with --fix, 4 with --truncate-to-timestamp). */
export function parseArgs(argv: readonly string[]): Parsed {
  if (argv.includes('--help') || argv.includes('-h')) return { exit: 0, text: HELP };
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [a0, a1, a2] = args;
  if (args.length === 1 && a0 !== undefined) return { file: a0, opts: {}, json };
  if (args.length === 2 && a0 === '--fix' && a1 !== undefined) return { file: a1, opts: { fix: true }, json };
  if (args.length === 3 && a0 === '--truncate-to-timestamp' && a1 !== undefined && a2 !== undefined) {
    const t = cStrtoll(a1);
    // strtoll with *endptr == '\0': the whole argument must be the number.
    if (t.end !== a1.length || a1.length === 0) return { exit: 1, text: 'Invalid timestamp, aborting...\n' };
    return { file: a2, opts: { truncateToTimestamp: t.value }, json };
  }
  return { exit: 1, text: `${USAGE}\n` };
}

function readAnswer(): string {
  try {
    return fs.readFileSync(0, 'latin1').split('\n')[0] ?? '';
  } catch {
    return '';
  }
}

/** The whole CLI run (arguments → stdout/stderr text and the exit status). */
export function runCheckAofCli(argv: readonly string[]): number {
  const parsed = parseArgs(argv);
  if ('exit' in parsed) {
    process.stdout.write(parsed.text);
    return parsed.exit;
  }
  const startedMs = Date.now();
  const progress = { announced: false };
  const disk = new FsDisk(process.cwd(), { create: false });
  try {
    const r = checkAof(disk, parsed.file, {
      ...parsed.opts,
      nowMs: Date.now(),
      answer: readAnswer,
      onFile: (name, index, total, size) => {
        // Progress only for work that takes a while (over ~1 s so far), on stderr.
        if (Date.now() - startedMs < 1000) return;
        progress.announced = true;
        process.stderr.write(`${PROG}: checking ${name} (${index + 1}/${total}, ${size} bytes)\n`);
      },
    });
    const { output, ...data } = r;
    process.stdout.write(parsed.json ? `${JSON.stringify({ ...data, output }, (_k, v: unknown) => (v === undefined ? null : v), 2)}\n` : output);
    if (progress.announced) process.stderr.write(`${PROG}: done in ${((Date.now() - startedMs) / 1000).toFixed(1)} s\n`);
    return r.exitCode;
  } finally {
    disk.close();
  }
}

