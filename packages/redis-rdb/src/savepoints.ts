/**
 * Save points and BGSAVE bookkeeping, as Redis 7.0 keeps them (server.c `serverCron`,
 * rdb.c `rdbSaveBackground`, `backgroundSaveDoneHandler`, `saveCommand`, `bgsaveCommand`).
 *
 * Pure state machine: `persistenceStep(state, input) → { state, outputs }`. Time is an input (Unix
 * ms); Redis compares whole seconds (`server.unixtime`, `server.lastsave` are time_t), so we do too.
 *
 *  - `dirty` counts changes since the last successful save (the keyspace owns the counter; the
 *    cron input carries its current value).
 *  - serverCron, when no child is running: the first `save <seconds> <changes>` rule with
 *    `dirty >= changes` and `now - lastsave > seconds` (strictly) starts a BGSAVE — unless the
 *    last BGSAVE failed less than CONFIG_BGSAVE_RETRY_DELAY (5 s) ago.
 *  - BGSAVE forks: the child writes the fork-time image; `dirty_before_bgsave = dirty`.
 *    On success: `dirty -= dirty_before_bgsave`, `lastsave = now`, status ok. On failure: status err.
 *  - SAVE is synchronous: on success `dirty = 0`, `lastsave = now`. Refused while a child runs.
 */

export interface SaveParam {
  seconds: number;
  changes: number;
}

/** Redis 7.0's built-in default when no config file sets `save` (server.c initServerConfig). */
export const DEFAULT_SAVE_PARAMS: readonly SaveParam[] = [
  { seconds: 3600, changes: 1 },
  { seconds: 300, changes: 100 },
  { seconds: 60, changes: 10000 },
];

/** The classic redis.conf lines `save 900 1` / `save 300 10` / `save 60 10000`. */
export const REDIS_CONF_SAVE_PARAMS: readonly SaveParam[] = [
  { seconds: 900, changes: 1 },
  { seconds: 300, changes: 10 },
  { seconds: 60, changes: 10000 },
];

export const CONFIG_BGSAVE_RETRY_DELAY_SEC = 5;

/** Parse `save "900 1 300 10"` / `save ""` as CONFIG SET save takes it. */
export function parseSaveConfig(text: string): SaveParam[] {
  const parts = text.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length % 2 !== 0) throw new Error(`save needs pairs of <seconds> <changes>, got ${JSON.stringify(text)}`);
  const out: SaveParam[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const seconds = Number(parts[i]);
    const changes = Number(parts[i + 1]);
    if (!Number.isInteger(seconds) || !Number.isInteger(changes) || seconds < 0 || changes < 0) throw new Error(`invalid save pair ${parts[i]} ${parts[i + 1]}`);
    out.push({ seconds, changes });
  }
  return out;
}

export interface PersistenceState {
  saveParams: readonly SaveParam[];
  /** server.dirty */
  dirty: number;
  /** server.lastsave (Unix seconds) */
  lastsaveSec: number;
  /** server.lastbgsave_try (Unix seconds) */
  lastBgsaveTrySec: number;
  /** server.lastbgsave_status */
  lastBgsaveOk: boolean;
  /** a BGSAVE child is running: fork time and server.dirty_before_bgsave */
  child?: { forkMs: number; dirtyBeforeBgsave: number; id: number };
  nextChildId: number;
}

export function initialPersistence(nowMs: number, saveParams: readonly SaveParam[] = DEFAULT_SAVE_PARAMS): PersistenceState {
  // initServer: lastsave = time(NULL) at startup (as if the loaded dump were just saved)
  return { saveParams, dirty: 0, lastsaveSec: Math.floor(nowMs / 1000), lastBgsaveTrySec: 0, lastBgsaveOk: true, nextChildId: 1 };
}

export type PersistenceInput =
  | { type: 'write'; changes: number } // the keyspace made changes: dirty += changes
  | { type: 'cron'; nowMs: number } // serverCron tick
  | { type: 'save'; nowMs: number } // SAVE command
  | { type: 'bgsave'; nowMs: number } // BGSAVE command
  | { type: 'child-done'; nowMs: number; ok: boolean; id: number }; // the child exited

export type PersistenceOutput =
  | { type: 'fork'; id: number; reason: string } // take the fork-time snapshot now, start writing it
  | { type: 'save-sync' } // write the current keyspace now (SAVE), then report nothing
  | { type: 'reply'; text: string } // the command reply (+OK, +Background saving started, -ERR ...)
  | { type: 'log'; text: string }; // what Redis logs

export interface PersistenceStep {
  state: PersistenceState;
  outputs: PersistenceOutput[];
}

function sec(ms: number): number {
  return Math.floor(ms / 1000);
}

/** rdbSaveBackground: fork bookkeeping. */
function startBgsave(s: PersistenceState, nowMs: number, reason: string): PersistenceStep {
  const id = s.nextChildId;
  return {
    state: { ...s, child: { forkMs: nowMs, dirtyBeforeBgsave: s.dirty, id }, lastBgsaveTrySec: sec(nowMs), nextChildId: id + 1 },
    outputs: [{ type: 'log', text: `Background saving started by pid ${id}${reason ? ` (${reason})` : ''}` }, { type: 'fork', id, reason }],
  };
}

export function persistenceStep(s: PersistenceState, input: PersistenceInput): PersistenceStep {
  switch (input.type) {
    case 'write':
      return { state: { ...s, dirty: s.dirty + input.changes }, outputs: [] };
    case 'cron': {
      if (s.child !== undefined) return { state: s, outputs: [] };
      const now = sec(input.nowMs);
      for (const sp of s.saveParams) {
        if (s.dirty >= sp.changes && now - s.lastsaveSec > sp.seconds && (now - s.lastBgsaveTrySec > CONFIG_BGSAVE_RETRY_DELAY_SEC || s.lastBgsaveOk)) {
          return startBgsave(s, input.nowMs, `${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
        }
      }
      return { state: s, outputs: [] };
    }
    case 'bgsave':
      if (s.child !== undefined) return { state: s, outputs: [{ type: 'reply', text: '-ERR Background save already in progress' }] };
      {
        const r = startBgsave(s, input.nowMs, 'BGSAVE');
        r.outputs.push({ type: 'reply', text: '+Background saving started' });
        return r;
      }
    case 'save':
      if (s.child !== undefined) return { state: s, outputs: [{ type: 'reply', text: '-ERR Background save already in progress' }] };
      return {
        state: { ...s, dirty: 0, lastsaveSec: sec(input.nowMs), lastBgsaveOk: true },
        outputs: [{ type: 'save-sync' }, { type: 'log', text: 'DB saved on disk' }, { type: 'reply', text: '+OK' }],
      };
    case 'child-done': {
      if (s.child?.id !== input.id) return { state: s, outputs: [] };
      const { dirtyBeforeBgsave } = s.child;
      const rest: PersistenceState = { ...s };
      delete rest.child;
      if (input.ok) {
        return {
          state: { ...rest, dirty: s.dirty - dirtyBeforeBgsave, lastsaveSec: sec(input.nowMs), lastBgsaveOk: true },
          outputs: [{ type: 'log', text: 'Background saving terminated with success' }],
        };
      }
      return { state: { ...rest, lastBgsaveOk: false }, outputs: [{ type: 'log', text: 'Background saving error' }] };
    }
  }
}

/** stop-writes-on-bgsave-error yes: writes get -MISCONF while the last BGSAVE failed and save points exist. */
export function writesRefused(s: PersistenceState): boolean {
  return !s.lastBgsaveOk && s.saveParams.length > 0;
}
