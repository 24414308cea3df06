/**
 * The end of BGREWRITEAOF for Persistence (persistence.ts), split from persistence.ts: the "child"
 * writes the new BASE from its fork-time view, and aof.c backgroundRewriteDoneHandler swaps it in
 * (or, without an open AOF, the BASE alone is written) and keeps INFO's aof_* fields.
 */
import type { Persistence } from './persistence.js';
import { rewriteBaseOnly } from './rdb-file.js';

/** The BGREWRITEAOF child writes the new BASE; backgroundRewriteDoneHandler swaps it in. */
export function runAofChild(p: Persistence, now: number): void {
  const job = p.aofChild;
  if (job === undefined) return;
  p.aofChild = undefined;
  const aof = p.aof;
  try {
    if (aof?.rewriting !== undefined) {
      const rj = aof.rewriting;
      aof.rewriteChildWrite(rj, now);
      aof.rewriteDone(rj);
      aof.rewriteDeleteHistory(rj);
    } else {
      rewriteBaseOnly(p.disk, p.config.appenddirname, p.config.appendfilename, job.snapshot.entries(), now, job.id);
    }
    p.stats.aofRewrites++;
    p.stats.aofLastBgrewriteOk = true;
    p.stats.aofRewriteFailures = 0;
    p.log('Background AOF rewrite finished successfully');
  } catch (e) {
    p.stats.aofLastBgrewriteOk = false;
    p.stats.aofRewriteFailures++;
    p.log(`Background AOF rewrite terminated with error: ${e instanceof Error ? e.message : String(e)}`);
  }
  p.stats.aofLastRewriteTimeSec = Math.floor((now - job.startMs) / 1000);
}
