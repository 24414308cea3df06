/**
 * Typed errors for bad input and for client-side failures. Every error carries a `code` a caller
 * can switch on, and a message that names what was expected and what was found.
 *
 * Errors that a *cluster node* returns to a client (MOVED, ASK, CROSSSLOT, …) are not thrown: they
 * are replies, built by `clusterRedirectClient` in `route.ts` with Redis's exact wire text.
 */
export type ClusterErrorCode =
  | 'KEY_TYPE' // keyHashSlot got something that is neither a string nor bytes
  | 'SLOT_RANGE' // a slot number outside [0, 16384) or start > end
  | 'SLOT_OVERLAP' // two ranges of a slot map claim the same slot
  | 'SLOT_GAP' // a slot map that must cover every slot leaves some unassigned
  | 'REPLY_SHAPE' // a CLUSTER SLOTS / SHARDS reply that is not in the shape Redis sends
  | 'UNKNOWN_COMMAND' // no key spec for this command name
  | 'ARITY' // wrong number of arguments for the command's key spec
  | 'CROSSSLOT' // client side: keys known to hash to different slots, refused before sending
  | 'TOO_MANY_REDIRECTIONS' // client side: redirect budget used up
  | 'REDIRECT_PARSE' // a MOVED/ASK error text that does not parse
  | 'TIMEOUT' // client side: no reply within the attempt budget
  | 'BAD_CONFIG' // a fail-over bus option out of range, or a node id the bus does not know
  | 'INVARIANT'; // an internal rule the code relies on was broken (a bug here, not bad input)

export class ClusterError extends Error {
  override readonly name: string = 'ClusterError';
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Describe a JS value for an error message ("number 42", "null", "object Array"). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return `object ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'Object'}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeof v;
}

/**
 * `x`, or a ClusterError INVARIANT naming the `rule` that promised it is set (used instead of `!`
 * where an earlier check — arity, a non-empty list — guarantees the value).
 */
export function defined<T>(x: T | undefined, rule: string): T {
  if (x === undefined) throw new ClusterError('INVARIANT', `expected a value (${rule}), found undefined`);
  return x;
}
