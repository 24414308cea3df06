/**
 * Golden transcripts, after etcd raft's `testdata/*.txt` (cockroachdb/datadriven): a text file of
 * commands, each followed by `----` and the output the runner printed for it. A reader learns a
 * protocol from these files without reading TypeScript; a change in behaviour shows up as a diff.
 *
 * File format:
 *
 *     # a comment line (kept as it is)
 *     start 1 2 3
 *     ----
 *     t=0 s1 LOOKING vote(1, 0x0, e0)
 *     ...
 *
 *     write x=1
 *     ----
 *     ok
 *
 * A block is: one command line (words separated by spaces; the first word is the command), a line
 * `----`, then the expected output up to the next blank line. Output that itself contains blank
 * lines is written between a `----` line and a second `----` line (the datadriven "double
 * separator" form) and ends at a line `----` followed by a blank line or the end of the file.
 *
 * Run with PROTOLAB_UPDATE_TRANSCRIPTS=1 (or `npm run transcripts -- --update`) to rewrite every
 * expected output with what the runner printed; review the rewrite in `git diff`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/** One command of a transcript. */
export interface TranscriptCommand {
  /** The first word of the command line, e.g. `start`. */
  readonly name: string;
  /** The remaining words, e.g. `['1', '2', '3']`. */
  readonly args: readonly string[];
  /** The whole command line as written. */
  readonly line: string;
  /** 1-based line number of the command in the file, for error messages. */
  readonly lineNo: number;
}

/** A parsed block: comments before it, the command, and the expected output. */
export interface TranscriptBlock {
  readonly comments: readonly string[];
  readonly command: TranscriptCommand;
  readonly expected: string;
}

/** A transcript file that does not follow the format above. */
export class TranscriptFormatError extends Error {
  readonly code = 'TRANSCRIPT_FORMAT';
  constructor(readonly file: string, readonly lineNo: number, detail: string) {
    super(`${file}:${String(lineNo)}: ${detail}`);
    this.name = 'TranscriptFormatError';
  }
}

const SEP = '----';

/** Parses a transcript's text into blocks; trailing comments are returned separately. */
export function parseTranscript(text: string, file = '<transcript>'): { blocks: TranscriptBlock[]; trailing: string[] } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const blocks: TranscriptBlock[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') { i++; continue; }
    if (line.startsWith('#')) { comments.push(line); i++; continue; }
    const lineNo = i + 1;
    const words = line.trim().split(/\s+/);
    const name = words[0] ?? '';
    if (lines[i + 1] !== SEP) throw new TranscriptFormatError(file, lineNo + 1, `expected '${SEP}' after the command '${line}'`);
    i += 2;
    const out: string[] = [];
    if (lines[i] === SEP) {
      // Double separator: output runs to a line '----' followed by a blank line or EOF.
      i++;
      for (;;) {
        if (i >= lines.length) throw new TranscriptFormatError(file, lineNo, 'unterminated double-separator output');
        const l = lines[i] ?? '';
        if (l === SEP && (i + 1 >= lines.length || (lines[i + 1] ?? '') === '')) { i++; break; }
        out.push(l);
        i++;
      }
    } else {
      while (i < lines.length && (lines[i] ?? '') !== '') { out.push(lines[i] ?? ''); i++; }
    }
    blocks.push({ comments, command: { name, args: words.slice(1), line: line.trim(), lineNo }, expected: out.join('\n') });
    comments = [];
  }
  return { blocks, trailing: comments };
}

/** Renders blocks back to the file format (the inverse of {@link parseTranscript}). */
export function renderTranscript(blocks: readonly TranscriptBlock[], trailing: readonly string[] = []): string {
  const parts: string[] = [];
  for (const b of blocks) {
    const head = [...b.comments, b.command.line, SEP].join('\n');
    const body = b.expected.split('\n').some((l) => l === '') && b.expected !== ''
      ? `${SEP}\n${b.expected}\n${SEP}`
      : b.expected;
    parts.push(body === '' ? head : `${head}\n${body}`);
  }
  if (trailing.length > 0) parts.push(trailing.join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** True when transcripts are to be rewritten rather than checked. */
export function updatingTranscripts(): boolean {
  return process.env['PROTOLAB_UPDATE_TRANSCRIPTS'] === '1';
}

/**
 * Runs every command of a transcript through `run` (which returns the printed output, without a
 * trailing newline) and compares with the expected output, block by block. A thrown error is
 * printed as `error: <name>: <message>` so that refusals are part of the transcript too.
 * Returns the blocks with their actual outputs.
 */
export function executeTranscript(
  text: string,
  run: (cmd: TranscriptCommand) => string,
  file = '<transcript>',
): { blocks: TranscriptBlock[]; trailing: string[]; actual: TranscriptBlock[] } {
  const { blocks, trailing } = parseTranscript(text, file);
  const actual = blocks.map((b) => {
    let output: string;
    try {
      output = run(b.command);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      output = `error: ${err.name}: ${err.message}`;
    }
    return { ...b, expected: output.replace(/\s+$/, '') };
  });
  return { blocks, trailing, actual };
}

/**
 * Declares one vitest test per transcript file: it runs `makeRunner()` (a fresh runner per file)
 * over the commands and expects every block's output to equal the file's. Under
 * PROTOLAB_UPDATE_TRANSCRIPTS=1 the file is rewritten instead (and the test still checks that the
 * rewrite round-trips).
 */
export function describeTranscript(
  path: string,
  makeRunner: () => (cmd: TranscriptCommand) => string,
  title = `transcript ${path.split('/').slice(-2).join('/')}`,
): void {
  it(title, () => {
    const text = readFileSync(path, 'utf8');
    const { blocks, trailing, actual } = executeTranscript(text, makeRunner(), path);
    if (updatingTranscripts()) {
      writeFileSync(path, renderTranscript(actual, trailing));
      return;
    }
    expect(blocks.length, `${path} has no commands`).toBeGreaterThan(0);
    for (let i = 0; i < blocks.length; i++) {
      const want = blocks[i];
      const got = actual[i];
      if (want === undefined || got === undefined) continue;
      expect(got.expected, `${path}:${String(want.command.lineNo)} '${want.command.line}'`).toBe(want.expected);
    }
  });
}
