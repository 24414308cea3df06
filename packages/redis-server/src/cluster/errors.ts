/**
 * Errors of cluster mode that are not Redis replies: bad options to startRedisCluster or the
 * cluster CLI (BAD_OPTION), and broken invariants of the cluster state (INVARIANT).
 */
export type RedisClusterErrorCode = 'BAD_OPTION' | 'INVARIANT';

export class RedisClusterError extends Error {
  override readonly name = 'RedisClusterError';
  constructor(
    readonly code: RedisClusterErrorCode,
    message: string,
  ) {
    super(message);
  }
}
