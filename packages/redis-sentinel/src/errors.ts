/** Typed errors for bad input to the Sentinel core. */
export type SentinelErrorCode =
  | 'BAD_CONFIG' // quorum < 1, non-positive down-after-milliseconds or failover-timeout
  | 'UNKNOWN_MASTER' // a SENTINEL command naming a master this sentinel does not monitor
  | 'BAD_CONFIG_FILE'; // a sentinel.conf line protolab-sentinel refuses (SentinelConfigError)

export class SentinelError extends Error {
  override readonly name: string = 'SentinelError';
  constructor(
    readonly code: SentinelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
