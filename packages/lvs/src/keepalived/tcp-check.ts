/**
 * keepalived's TCP_CHECK retry logic (keepalived/check/check_tcp.c `tcp_epilog`), as a pure
 * state machine: the caller runs the connect attempts and reports each outcome.
 *
 * Rules: a success resets the retry counter and marks a down (or never-run) checker up at once —
 * one success is enough. A failure while up (or on the first run) with `retry_it >= retry` marks
 * it down; with `retry_it < retry` it counts and tries again after `delay_before_retry`. A failure
 * while down changes nothing. So an up server goes down after `retry + 1` consecutive failures.
 */
export interface TcpCheckConfig {
  /** `connect_timeout` (default 5 s). */
  connectTimeoutMs: number;
  /** `retry` (default 1; `nb_get_retry` is the old alias). */
  retry: number;
  /** `delay_before_retry` (default 1 s for TCP_CHECK). */
  delayBeforeRetryMs: number;
  /** The virtual server's `delay_loop` (default 60 s). */
  delayLoopMs: number;
  /** `alpha`: start in the DOWN state. */
  alpha: boolean;
}

export const TCP_CHECK_DEFAULTS: TcpCheckConfig = {
  connectTimeoutMs: 5000,
  retry: 1,
  delayBeforeRetryMs: 1000,
  delayLoopMs: 60_000,
  alpha: false,
};

export interface TcpCheckState {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
}

export type TcpCheckEvent = 'up' | 'down';

export interface TcpCheckStep {
  state: TcpCheckState;
  /** A state change to apply to IPVS (add back / remove or weight 0). */
  event?: TcpCheckEvent;
  /** Delay until the next connect attempt. */
  nextDelayMs: number;
}

export function initialTcpCheck(cfg: TcpCheckConfig): TcpCheckState {
  return { isUp: !cfg.alpha, hasRun: false, retryIt: 0 };
}

/** `tcp_epilog(thread, is_success)`. */
export function tcpEpilog(cfg: TcpCheckConfig, s: TcpCheckState, success: boolean): TcpCheckStep {
  const next: TcpCheckState = { ...s, hasRun: true };
  if (success || ((s.isUp || !s.hasRun) && s.retryIt >= cfg.retry)) {
    next.retryIt = 0;
    let event: TcpCheckEvent | undefined;
    if (success && (!s.isUp || !s.hasRun)) {
      next.isUp = true;
      if (!s.isUp) event = 'up';
    } else if (!success && (s.isUp || !s.hasRun)) {
      next.isUp = false;
      if (s.isUp) event = 'down';
    }
    return event === undefined ? { state: next, nextDelayMs: cfg.delayLoopMs } : { state: next, event, nextDelayMs: cfg.delayLoopMs };
  }
  if (s.isUp) return { state: { ...next, retryIt: s.retryIt + 1 }, nextDelayMs: cfg.delayBeforeRetryMs };
  return { state: next, nextDelayMs: cfg.delayLoopMs };
}

/** How a connect attempt to a real server ends, for simulations. */
export type ServerBehaviour = 'accept' | 'refuse' | 'blackhole';

/** Time an attempt takes: an answer (SYN-ACK or RST) after `rttMs`, silence until the timeout. */
export function attemptDurationMs(b: ServerBehaviour, cfg: TcpCheckConfig, rttMs = 1): number {
  return b === 'blackhole' ? cfg.connectTimeoutMs : Math.min(rttMs, cfg.connectTimeoutMs);
}
