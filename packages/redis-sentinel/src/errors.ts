/** Typed errors for bad input to the Sentinel core. */
export type SentinelErrorCode =
  | 'BAD_CONFIG' // quorum < 1, non-positive down-after-milliseconds or failover-timeout
  | 'UNKNOWN_MASTER'; // a SENTINEL command naming a master this sentinel does not monitor

export class SentinelError extends Error {
  override readonly name: string = 'SentinelError';
  constructor(
    readonly code: SentinelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
