/**
 * The bare values (what redis-parser hands out; see decode-bare.ts for the table): the reply type,
 * the error reply as a value, and the conversion of a tagged RESP2 value the resumable path built.
 */
import type { V } from './decode-item.js';

/** A RESP2 reply as a plain JS value (see the file comment). */
export type RespBareReply = string | number | bigint | Uint8Array | null | RespReplyError | RespBareReply[];

/**
 * An error reply (`-WRONGTYPE Operation against a key…`), as a value: it is returned in the
 * reply list, never thrown. `code` is the first word (Redis's error code convention:
 * networking.c addReplyErrorLength prefixes `ERR` when the text has none), `message` the whole
 * line. No stack trace is captured: it would only show the decoder.
 */
export class RespReplyError extends Error {
  override readonly name = 'RespReplyError';
  readonly code: string;

  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    const space = message.indexOf(' ');
    this.code = space < 0 ? message : message.slice(0, space);
  }
}

/** A tagged RESP2 value (as the resumable path builds it) as a bare value. */
export function toBare(v: V): RespBareReply {
  switch (v.type) {
    case 'simple':
      return v.value;
    case 'error':
      return new RespReplyError(v.value);
    case 'integer':
    case 'bulk':
      return v.value;
    case 'null':
      return null;
    case 'array':
      return v.value.map(toBare);
    default:
      // A RESP2 decoder refuses every RESP3 type byte before building anything.
      throw new Error(`Internal error: a ${v.type} value in a RESP2 bare decoder`);
  }
}
