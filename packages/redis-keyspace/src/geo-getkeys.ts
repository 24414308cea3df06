/**
 * COMMAND GETKEYS / cluster routing for GEORADIUS and GEORADIUSBYMEMBER (redis/redis src/db.c,
 * 7.0, getKeysUsingKeySpecs over their key specs), split from geo-radius.ts.
 */
import { optName } from './server.js';

/**
 * The keys of GEORADIUS / GEORADIUSBYMEMBER as redis-server 7.0.15's key specs find them (db.c
 * getKeysUsingKeySpecs; COMMAND GETKEYS answers from them): the source key, then the argument after
 * the first STORE and the one after the first STOREDIST, each keyword searched from argument
 * `startfrom` (6 for GEORADIUS, 5 for GEORADIUSBYMEMBER) up to the one before last.
 */
export function georadiusGetKeys(startfrom: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const keys = [1];
    for (const keyword of ['store', 'storedist']) {
      for (let i = startfrom; i < argv.length - 1; i++) {
        if (optName(argv[i] ?? '') === keyword) {
          keys.push(i + 1);
          break;
        }
      }
    }
    // in argument order (Redis lists them in key-spec order, STORE's before STOREDIST's, which
    // differs only for `… STOREDIST a STORE b`): the cluster's routing reads them in argv order
    return keys.sort((a, b) => a - b);
  };
}
