/**
 * Sentinel's user scripts (redis/redis src/sentinel.c, 7.0: sentinelScheduleScriptExecution,
 * sentinelRunPendingScripts, sentinelCollectTerminatedScripts, sentinelKillTimedoutScripts,
 * sentinelScriptRetryDelay, sentinelCallClientReconfScript, sentinelPendingScriptsCommand).
 *
 * - `sentinel notification-script <master> <path>`: every event logged at WARNING level that is
 *   about an instance of that master runs `<path> <event-type> <event-message>` (the same two
 *   strings as the Pub/Sub channel and message).
 * - `sentinel client-reconfig-script <master> <path>`: when the master changes address,
 *   `<path> <master-name> <leader|observer> start <from-ip> <from-port> <to-ip> <to-port>`.
 *
 * Jobs wait in one queue (at most SENTINEL_SCRIPT_MAX_QUEUE: the oldest job not running is dropped),
 * at most SENTINEL_SCRIPT_MAX_RUNNING run at once, oldest first. A job that exits with status 1 or
 * is killed by a signal is retried (up to SENTINEL_SCRIPT_MAX_RETRY runs) after 30 s, doubled for
 * every further retry; any other non-zero status, or the last failed retry, ends it with
 * `-script-error <path> <signal> <status>`. A job running longer than 60 s is killed
 * (`-script-timeout <path> <pid>`) and then handled like any signalled job.
 *
 * Sans-I/O: this queue decides, the adapter (RealSentinel) spawns and kills processes and reports
 * their ends back. Time is the caller's.
 */

export const SENTINEL_SCRIPT_MAX_QUEUE = 256;
export const SENTINEL_SCRIPT_MAX_RUNNING = 16;
export const SENTINEL_SCRIPT_MAX_RUNTIME = 60_000;
export const SENTINEL_SCRIPT_MAX_RETRY = 10;
export const SENTINEL_SCRIPT_RETRY_DELAY = 30_000;
/** sentinelScheduleScriptExecution takes at most 16 arguments after the path. */
const SENTINEL_SCRIPT_MAX_ARGS = 16;

/** sentinelScriptJob. */
export interface ScriptJob {
  /** Our handle (the C code finds a job by pid). */
  readonly id: number;
  readonly argv: readonly string[];
  /** SENTINEL_SCRIPT_RUNNING */
  running: boolean;
  retry_num: number;
  /** While running: when it started; otherwise 0 (may run now) or the time before which it must not run. */
  start_time: number;
  pid: number;
}

export class SentinelScripts {
  /** sentinel.scripts_queue, oldest first. */
  readonly queue: ScriptJob[] = [];
  running_scripts = 0;
  private nextId = 1;

  constructor(private readonly event: (text: string) => void) {}

  /** sentinelScheduleScriptExecution: append a job; over SENTINEL_SCRIPT_MAX_QUEUE drop the oldest job not running. */
  schedule(path: string, args: readonly string[]): void {
    this.queue.push({ id: this.nextId++, argv: [path, ...args.slice(0, SENTINEL_SCRIPT_MAX_ARGS)], running: false, retry_num: 0, start_time: 0, pid: 0 });
    if (this.queue.length > SENTINEL_SCRIPT_MAX_QUEUE) {
      const oldest = this.queue.findIndex((j) => !j.running);
      if (oldest >= 0) this.queue.splice(oldest, 1);
    }
    // At most MAX_RUNNING jobs run, so a queue over its limit always has one to drop.
    if (this.queue.length > SENTINEL_SCRIPT_MAX_QUEUE) throw new Error('sentinel scripts: queue over SENTINEL_SCRIPT_MAX_QUEUE');
  }

  /**
   * sentinelRunPendingScripts: the jobs to start now, oldest first, while fewer than
   * SENTINEL_SCRIPT_MAX_RUNNING run; each is marked running. The caller starts each one and
   * reports `started(job, pid)`, or `terminated(job, 2, 0, now)` when it cannot be executed (the
   * forked child's execve failing exits 2 in Redis, which is not retried).
   */
  runPending(nowMs: number): ScriptJob[] {
    const start: ScriptJob[] = [];
    for (const j of this.queue) {
      if (this.running_scripts >= SENTINEL_SCRIPT_MAX_RUNNING) break;
      if (j.running) continue;
      if (j.start_time !== 0 && j.start_time > nowMs) continue; // a retry whose delay has not passed
      j.running = true;
      j.start_time = nowMs;
      j.retry_num++;
      this.running_scripts++;
      start.push(j);
    }
    return start;
  }

  started(job: ScriptJob, pid: number): void {
    job.pid = pid;
  }

  /**
   * sentinelCollectTerminatedScripts for one job: status 1 or a signal → retried after
   * sentinelScriptRetryDelay unless it already ran SENTINEL_SCRIPT_MAX_RETRY times; otherwise
   * removed, with `-script-error` if it did not exit 0.
   */
  terminated(job: ScriptJob, exitcode: number, bysignal: number, nowMs: number): void {
    const at = this.queue.indexOf(job);
    if (at < 0 || !job.running) return;
    this.running_scripts--;
    job.running = false;
    job.pid = 0;
    if ((bysignal !== 0 || exitcode === 1) && job.retry_num !== SENTINEL_SCRIPT_MAX_RETRY) {
      job.start_time = nowMs + sentinelScriptRetryDelay(job.retry_num);
      return;
    }
    if (bysignal !== 0 || exitcode !== 0) this.event(`-script-error ${job.argv[0] ?? ''} ${bysignal} ${exitcode}`);
    this.queue.splice(at, 1);
  }

  /** sentinelKillTimedoutScripts: the running jobs older than SENTINEL_SCRIPT_MAX_RUNTIME, to be sent SIGKILL. */
  timedOut(nowMs: number): ScriptJob[] {
    const kill = this.queue.filter((j) => j.running && nowMs - j.start_time > SENTINEL_SCRIPT_MAX_RUNTIME);
    for (const j of kill) this.event(`-script-timeout ${j.argv[0] ?? ''} ${j.pid}`);
    return kill;
  }
}

/** sentinelScriptRetryDelay: 30 s before the second run, doubled for each further one. */
export function sentinelScriptRetryDelay(retry_num: number): number {
  let delay = SENTINEL_SCRIPT_RETRY_DELAY;
  for (let n = retry_num; n > 1; n--) delay *= 2;
  return delay;
}

/**
 * The level sentinelEvent logs an event at (redis-sentinel 7.0.15's log: `#` warning, `*` notice).
 * Only WARNING events about an instance run the notification script.
 */
const WARNING_EVENTS = new Set([
  '+monitor', '-monitor', '+reset-master', '+sdown', '-sdown', '+odown', '-odown', '+new-epoch', '+try-failover',
  '+vote-for-leader', '+elected-leader', '+failover-state-select-slave', '+selected-slave', '+promoted-slave',
  '+failover-state-reconf-slaves', '+failover-end', '+failover-end-for-timeout', '+switch-master',
  '-failover-abort-not-elected', '-failover-abort-no-good-slave', '-failover-abort-slave-timeout',
  '+tilt', '-tilt', '-script-error', '-script-timeout', '+set',
]);
/** Events sentinelEvent raises with no instance (ri NULL): never passed to a notification script. */
const GLOBAL_EVENTS = new Set(['+tilt', '-tilt', '-script-error', '-script-timeout']);

export type EventLevel = 'warning' | 'notice';

export function sentinelEventLevel(type: string): EventLevel {
  return WARNING_EVENTS.has(type) ? 'warning' : 'notice';
}

/** Whether sentinelEvent schedules the master's notification script for this event type. */
export function runsNotificationScript(type: string): boolean {
  return WARNING_EVENTS.has(type) && !GLOBAL_EVENTS.has(type);
}

/** sentinelPendingScriptsCommand: one map per job (argv, flags, pid, run-time or run-delay, retry-num). */
export function pendingScriptsRows(s: SentinelScripts, nowMs: number): { field: string; value: string | readonly string[] }[][] {
  return s.queue.map((j) => [
    { field: 'argv', value: j.argv },
    { field: 'flags', value: j.running ? 'running' : 'scheduled' },
    { field: 'pid', value: String(j.pid) },
    j.running ? { field: 'run-time', value: String(nowMs - j.start_time) } : { field: 'run-delay', value: String(j.start_time !== 0 ? j.start_time - nowMs : 0) },
    { field: 'retry-num', value: String(j.retry_num) },
  ]);
}
