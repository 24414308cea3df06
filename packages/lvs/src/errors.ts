/**
 * Typed errors for @protolab/lvs. Every error a caller can provoke with bad input is an
 * `LvsError` with a machine-readable `code`; the message names what was expected and what was
 * found. Config parse errors add the 1-based line (and column) of the offending token.
 * `INVARIANT` means a scheduler's own state broke a rule it must keep (a bug, never bad input).
 */
export type LvsErrorCode =
  | 'BAD_WEIGHT'
  | 'BAD_COUNT'
  | 'BAD_THRESHOLD'
  | 'DUPLICATE_DEST'
  | 'NO_SUCH_DEST'
  | 'EMPTY_SERVICE'
  | 'UNKNOWN_SCHEDULER'
  | 'BAD_FLAG'
  | 'BAD_ADDRESS'
  | 'BAD_PORT'
  | 'BAD_OPTION'
  | 'NO_RANDOM'
  | 'DUPLICATE_SERVER'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_VALUE'
  | 'BAD_CLOCK'
  | 'INVARIANT';

export class LvsError extends Error {
  readonly code: LvsErrorCode;
  constructor(code: LvsErrorCode, message: string) {
    super(message);
    this.name = 'LvsError';
    this.code = code;
  }
}

/** A malformed keepalived.conf: `line`/`column` are 1-based and point at the offending token. */
export class KeepalivedConfigError extends LvsError {
  readonly line: number;
  readonly column: number;
  constructor(code: 'CONFIG_SYNTAX' | 'CONFIG_VALUE', message: string, line: number, column: number) {
    super(code, `line ${line}:${column}: ${message}`);
    this.name = 'KeepalivedConfigError';
    this.line = line;
    this.column = column;
  }
}

/** Assert that `n` is an integer in [lo, hi]; throws `LvsError(code)` naming `what` otherwise. */
export function checkInt(code: LvsErrorCode, what: string, n: unknown, lo: number, hi: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) {
    throw new LvsError(code, `${what}: expected an integer in [${lo}, ${hi}], found ${describe(n)}`);
  }
  return n;
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  return typeof v;
}

/** `xs[i]`, or an INVARIANT error when the index is out of range (a model bug, never input). */
export function at<T>(xs: readonly T[], i: number, what: string): T {
  const x = xs[i];
  if (x === undefined) throw new LvsError('INVARIANT', `${what}: index ${String(i)} outside 0..${String(xs.length - 1)}`);
  return x;
}

/** A present value, or an INVARIANT error naming what was missing. */
export function defined<T>(x: T | undefined, what: string): T {
  if (x === undefined) throw new LvsError('INVARIANT', `${what} is missing`);
  return x;
}

/** An injected clock's reading: a finite number of milliseconds, or a BAD_CLOCK error. */
export function checkClock(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new LvsError('BAD_CLOCK', `clock: expected a finite number of milliseconds, found ${describe(ms)}`);
  return ms;
}
