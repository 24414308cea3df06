/**
 * sentinelFlushConfig's file side (config.c rewriteConfig → rewriteConfigOverwriteFile): read the
 * config file as it is now, rewrite it with the core's state (sentinel-flush.ts), and if the text
 * changed replace the file atomically — a temporary file in the same directory, fsync, rename — so
 * a crash leaves the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { rewriteSentinelConfig, type FlushSource } from '../sentinel-flush.js';

/** Returns 'saved', 'unchanged', or the error text Redis would log ("WARNING: Sentinel was not able to save…"). */
export function flushSentinelConfigFile(path: string, core: FlushSource): 'saved' | 'unchanged' | { error: string } {
  try {
    const before = readFileSync(path, 'utf8');
    const after = rewriteSentinelConfig(before, core);
    if (after === before) return 'unchanged';
    const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, after);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return 'saved';
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
