/**
 * TILT mode (redis/redis src/sentinel.c, 7.0: sentinelCheckTiltCondition, and the TILT test at the
 * top of sentinelHandleRedisInstance's "acting half").
 *
 * Sentinel decides everything from elapsed time, so a clock that jumps (the process was stopped,
 * the machine was suspended or overloaded, the system time was set back) would make it see every
 * instance down at once. Its timer runs 10–20 times a second; when two runs are more than
 * SENTINEL_TILT_TRIGGER ms apart, or the time went backwards, it enters TILT: it keeps monitoring
 * (PING, INFO, hellos, replies are recorded) but acts on nothing — no S_DOWN/O_DOWN checks, no
 * fail-over, no replica reconfiguration, and `is-master-down-by-addr` answers "not down" — until
 * SENTINEL_TILT_PERIOD ms have passed since it entered. It logs and publishes `+tilt` /
 * `-tilt` with the messages `#tilt mode entered` / `#tilt mode exited`.
 *
 * Time is the caller's: the core measures the gap between the `nowMs` of consecutive `tick`s (the
 * adapter ticks every 100 ms; the simulator wakes a sentinel at least every ~1.1 s).
 */
import { SENTINEL_PING_PERIOD } from './select.js';

export const SENTINEL_TILT_TRIGGER = 2000;
export const SENTINEL_TILT_PERIOD = SENTINEL_PING_PERIOD * 30;

/** sentinel.tilt, sentinel.tilt_start_time, sentinel.previous_time. */
export interface TiltState {
  tilt: boolean;
  tilt_start_time: number;
  /** The last tick's time; undefined before the first tick (initSentinel stamps it at start-up). */
  previous_time: number | undefined;
}

export const freshTiltState = (): TiltState => ({ tilt: false, tilt_start_time: 0, previous_time: undefined });

/** sentinelCheckTiltCondition: called first in every timer run (sentinelTimer). */
export function sentinelCheckTiltCondition(t: TiltState, nowMs: number, event: (text: string) => void): void {
  if (t.previous_time !== undefined) {
    const delta = nowMs - t.previous_time;
    if (delta < 0 || delta > SENTINEL_TILT_TRIGGER) {
      t.tilt = true;
      t.tilt_start_time = nowMs;
      event('+tilt #tilt mode entered');
    }
  }
  t.previous_time = nowMs;
}

/**
 * The test before sentinelHandleRedisInstance's acting half: false while in TILT; once
 * SENTINEL_TILT_PERIOD has passed it leaves TILT (`-tilt`) and acting resumes in the same run.
 */
export function sentinelMayAct(t: TiltState, nowMs: number, event: (text: string) => void): boolean {
  if (!t.tilt) return true;
  if (nowMs - t.tilt_start_time < SENTINEL_TILT_PERIOD) return false;
  t.tilt = false;
  event('-tilt #tilt mode exited');
  return true;
}

/** INFO sentinel_tilt_since_seconds: whole seconds in TILT, or -1 when not in TILT (7.0). */
export function tiltSinceSeconds(t: TiltState, nowMs: number): number {
  return t.tilt ? Math.floor((nowMs - t.tilt_start_time) / 1000) : -1;
}
