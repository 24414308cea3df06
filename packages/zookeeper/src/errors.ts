/**
 * Typed errors. Callers switch on `code`; messages say what was expected and what was found.
 */
export type ZkErrorCode =
  | 'ZXID_RANGE' // an epoch or counter outside 0..2^32-1
  | 'BAD_CONFIG' // an ensemble / quorum configuration that ZooKeeper would refuse
  | 'BAD_INPUT' // a malformed argument to a pure helper
  | 'UNKNOWN_SERVER' // a sid that is not part of the ensemble
  | 'PROTOCOL' // a packet that violates Zab (ZooKeeper would exit or drop the connection)
  | 'INVARIANT'; // a rule the core itself guarantees was broken: a bug in protolab, not in the input

export class ZkError extends Error {
  readonly code: ZkErrorCode;
  constructor(code: ZkErrorCode, message: string) {
    super(message);
    this.name = 'ZkError';
    this.code = code;
  }
}

/**
 * An assertion inside the core failed (TigerBeetle style: the code checks its own invariants and
 * stops at the first broken one). `rule` names the rule, as a sentence a reader can look up.
 */
export class ZkInvariantError extends ZkError {
  readonly rule: string;
  constructor(rule: string, detail: string) {
    super('INVARIANT', `invariant broken: ${rule}: ${detail}`);
    this.name = 'ZkInvariantError';
    this.rule = rule;
  }
}

/** Throws a ZkInvariantError naming `rule` unless `cond` holds. `detail` is only built on failure. */
export function invariant(cond: boolean, rule: string, detail: () => string): asserts cond {
  if (!cond) throw new ZkInvariantError(rule, detail());
}

/** The value, or a ZkInvariantError naming `rule` if it is undefined (in place of a `!`). */
export function defined<T>(value: T | undefined, rule: string): T {
  if (value === undefined) throw new ZkInvariantError(rule, 'found undefined');
  return value;
}

/** A server id as ZooKeeper's `myid` file accepts it: a non-negative integer (a Java long). */
export function checkSid(sid: unknown, what = 'sid'): number {
  if (typeof sid !== 'number' || !Number.isSafeInteger(sid) || sid < 0) {
    throw new ZkError('BAD_INPUT', `expected ${what} to be a non-negative integer, found ${typeof sid === 'number' ? String(sid) : typeof sid}`);
  }
  return sid;
}
