/**
 * Typed errors of the RESP codec. Every malformed input ends in one of these, never in an
 * untyped crash: `code` says what went wrong, `offset` is the absolute byte offset (counted from
 * the first byte ever pushed into the decoder) of the byte where the problem was found.
 *
 * Where redis-server itself has a text for the problem (networking.c, processInlineBuffer and
 * processMultibulkBuffer), `redisText` is exactly that text, so a test can compare it with the
 * `-ERR ...` line a real server sends back. The `message` adds the offset and what was found.
 */
export type RespErrorCode =
  // Texts that redis-server 7.0 sends (networking.c).
  | 'INVALID_MULTIBULK_LENGTH' // "Protocol error: invalid multibulk length"
  | 'INVALID_BULK_LENGTH' // "Protocol error: invalid bulk length"
  | 'EXPECTED_DOLLAR' // "Protocol error: expected '$', got '%c'"
  | 'TOO_BIG_INLINE' // "Protocol error: too big inline request"
  | 'TOO_BIG_MBULK_COUNT' // "Protocol error: too big mbulk count string"
  | 'TOO_BIG_BULK_COUNT' // "Protocol error: too big bulk count string"
  | 'UNBALANCED_QUOTES' // "Protocol error: unbalanced quotes in request"
  // Request side, no server text: inline forbidden (an AOF only holds multibulk commands).
  | 'EXPECTED_MULTIBULK'
  // Reply side (the server never parses replies; texts follow hiredis read.c where it has one).
  | 'UNKNOWN_TYPE'
  | 'RESP3_TYPE_IN_RESP2'
  | 'INVALID_INTEGER'
  | 'INVALID_DOUBLE'
  | 'INVALID_BOOLEAN'
  | 'INVALID_NULL'
  | 'INVALID_BIGNUM'
  | 'INVALID_VERBATIM'
  | 'EXPECTED_CRLF'
  | 'LINE_TOO_LONG'
  | 'NESTING_TOO_DEEP'
  | 'UNSUPPORTED_STREAMED'
  // End of input in the middle of a value or command.
  | 'UNEXPECTED_EOF';

export class RespProtocolError extends Error {
  override readonly name = 'RespProtocolError';
  /** Text redis-server would put after `-ERR ` for this problem, or a hiredis-style text. */
  readonly redisText: string;

  constructor(
    readonly code: RespErrorCode,
    readonly offset: number,
    redisText: string,
    readonly found?: string,
  ) {
    super(`${redisText} (at byte ${offset}${found === undefined ? '' : `, found ${found}`})`);
    this.redisText = redisText;
  }
}

/**
 * What the encoder refuses: a CR or LF in a line type, a verbatim format that is not 3 bytes, a
 * non-finite number as a command argument, a value of the wrong shape (INVALID_VALUE: an integer
 * beyond int64, a string where bytes belong...), a type RESP does not have (UNKNOWN_TYPE),
 * nesting past `maxDepth` (NESTING_TOO_DEEP) and a value that contains itself (CYCLIC_VALUE).
 */
export type RespEncodeErrorCode = 'NEWLINE_IN_LINE' | 'INVALID_VERBATIM_FORMAT' | 'NOT_IN_RESP2' | 'INVALID_ARGUMENT' | 'INVALID_VALUE' | 'UNKNOWN_TYPE' | 'NESTING_TOO_DEEP' | 'CYCLIC_VALUE';

/** Thrown by the encoder for a value that has no RESP form (a CR or LF in a simple string...). */
export class RespEncodeError extends Error {
  override readonly name = 'RespEncodeError';
  constructor(
    readonly code: RespEncodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Show one byte the way an error message should: printable ASCII as itself, else as \xNN. */
export function showByte(byte: number | undefined): string {
  if (byte === undefined) return 'end of input';
  if (byte >= 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}'`;
  return `'\\x${byte.toString(16).padStart(2, '0')}'`;
}
