/** Errors the simulation kernel raises for misuse; each has a stable `code`. */
export type SimErrorCode =
  | 'UNKNOWN_NODE'
  | 'DUPLICATE_NODE'
  | 'NODE_DOWN'
  | 'NODE_UP'
  | 'BAD_OPTION'
  | 'UNKNOWN_EVENT'
  | 'STEP_LIMIT'
  /** `sim.request` got no reply within its bounds. */
  | 'NO_REPLY'
  | 'NO_FILE';

export class SimError extends Error {
  override readonly name = 'SimError';
  constructor(
    readonly code: SimErrorCode,
    message: string,
  ) {
    super(message);
  }
}
