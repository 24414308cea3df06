/**
 * File naming of the 7.0 multi-part AOF (aof.c "Naming rules": BASE_FILE_SUFFIX, INCR_FILE_SUFFIX,
 * RDB_FORMAT_SUFFIX, AOF_FORMAT_SUFFIX, MANIFEST_NAME_SUFFIX, TEMP_FILE_NAME_PREFIX).
 * `aofFilename` is the `appendfilename` setting (default `appendonly.aof`); every file lives in
 * `appenddirname` (default `appendonlydir`).
 */
export const DEFAULT_APPENDFILENAME = 'appendonly.aof';
export const DEFAULT_APPENDDIRNAME = 'appendonlydir';

/** aof.c getAofManifestFileName: `appendonly.aof.manifest`. */
export function getAofManifestFileName(aofFilename: string): string {
  return `${aofFilename}.manifest`;
}

/** aof.c getTempAofManifestFileName: `temp-appendonly.aof.manifest` (written, fsynced, renamed). */
export function getTempAofManifestFileName(aofFilename: string): string {
  return `temp-${aofFilename}.manifest`;
}

/** aof.c getNewBaseFileNameAndMarkPreAsHistory: `appendonly.aof.<seq>.base.rdb|aof`. */
export function baseFileName(aofFilename: string, seq: bigint, rdbPreamble: boolean): string {
  return `${aofFilename}.${seq}.base${rdbPreamble ? '.rdb' : '.aof'}`;
}

/** aof.c getNewIncrAofName: `appendonly.aof.<seq>.incr.aof`. */
export function incrFileName(aofFilename: string, seq: bigint): string {
  return `${aofFilename}.${seq}.incr.aof`;
}

/** aof.c rewriteAppendOnlyFileBackground: the child writes `temp-rewriteaof-bg-<pid>.aof`. */
export function rewriteTempFileName(childPid: number): string {
  return `temp-rewriteaof-bg-${childPid}.aof`;
}
