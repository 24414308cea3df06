/** Typed errors of @protolab/redis-server (callers switch on `code`). */
export type RedisServerErrorCode =
  /** data/close for a connection id that is not connected (or connect twice with one id). */
  | 'UNKNOWN_CONNECTION'
  | 'DUPLICATE_CONNECTION'
  /** An option out of its range (maxclients < 1, …). */
  | 'BAD_OPTION'
  /** A command registered in serverCommands without a COMMAND row (command-rows.ts). */
  | 'UNDESCRIBED_COMMAND';

export class RedisServerError extends Error {
  override readonly name = 'RedisServerError';
  constructor(
    readonly code: RedisServerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
