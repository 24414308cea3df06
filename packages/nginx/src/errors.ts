/**
 * Typed errors for @protolab/nginx. Everything a caller can provoke with bad input is an
 * `NginxError` with a machine-readable `code`; the message says what was expected and what was
 * found. `UpstreamConfigError` adds the 1-based line and column of an `upstream { … }` block.
 * `INVARIANT` means a balancer's own state broke a rule it must keep (a bug, never bad input).
 */
export type NginxErrorCode =
  | 'BAD_WEIGHT'
  | 'BAD_OPTION'
  | 'BAD_ADDRESS'
  | 'EMPTY_UPSTREAM'
  | 'DUPLICATE_SERVER'
  | 'NO_SUCH_SERVER'
  | 'NO_RANDOM'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_VALUE'
  | 'INVARIANT';

export class NginxError extends Error {
  readonly code: NginxErrorCode;
  constructor(code: NginxErrorCode, message: string) {
    super(message);
    this.name = 'NginxError';
    this.code = code;
  }
}

/** A malformed `upstream` block: `line`/`column` are 1-based and point at the offending token. */
export class UpstreamConfigError extends NginxError {
  readonly line: number;
  readonly column: number;
  constructor(code: 'CONFIG_SYNTAX' | 'CONFIG_VALUE', message: string, line: number, column: number) {
    super(code, `line ${String(line)}:${String(column)}: ${message}`);
    this.name = 'UpstreamConfigError';
    this.line = line;
    this.column = column;
  }
}

/** Assert that `n` is an integer in [lo, hi]; throws `NginxError(code)` naming `what` otherwise. */
export function checkInt(code: NginxErrorCode, what: string, n: unknown, lo: number, hi: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) {
    throw new NginxError(code, `${what}: expected an integer in [${String(lo)}, ${String(hi)}], found ${describe(n)}`);
  }
  return n;
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  return typeof v;
}

/** `xs[i]`, or an INVARIANT error when the index is out of range (a balancer bug, never input). */
export function at<T>(xs: readonly T[], i: number, what: string): T {
  const x = xs[i];
  if (x === undefined) throw new NginxError('INVARIANT', `${what}: index ${String(i)} outside 0..${String(xs.length - 1)}`);
  return x;
}
