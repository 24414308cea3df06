/**
 * Typed errors. Callers switch on `code`; messages say what was expected and what was found.
 */
export type ZkErrorCode =
  | 'ZXID_RANGE' // an epoch or counter outside 0..2^32-1
  | 'BAD_CONFIG' // an ensemble / quorum configuration that ZooKeeper would refuse
  | 'BAD_INPUT' // a malformed argument to a pure helper
  | 'UNKNOWN_SERVER' // a sid that is not part of the ensemble
  | 'PROTOCOL'; // a packet that violates Zab (ZooKeeper would exit or drop the connection)

export class ZkError extends Error {
  readonly code: ZkErrorCode;
  constructor(code: ZkErrorCode, message: string) {
    super(message);
    this.name = 'ZkError';
    this.code = code;
  }
}
