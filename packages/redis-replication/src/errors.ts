/**
 * Typed errors for bad input to the replication core. Errors a Redis server *replies* to a
 * client (-READONLY, -NOREPLICAS) are not thrown: they are replies (see `node.ts`).
 */
export type ReplicationErrorCode =
  | 'BAD_CONFIG' // a config value outside its range (repl-backlog-size < 1, negative lag…)
  | 'BAD_OFFSET' // a replication offset that is not a non-negative safe integer
  | 'BAD_COMMAND' // an empty argv or a non-string argument
  | 'BAD_STATE'; // a link event that cannot happen in the link's state (connected twice…)

export class ReplicationError extends Error {
  override readonly name: string = 'ReplicationError';
  constructor(
    readonly code: ReplicationErrorCode,
    message: string,
  ) {
    super(message);
  }
}
