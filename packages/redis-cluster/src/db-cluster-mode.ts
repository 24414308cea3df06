/**
 * The db.c commands that cluster mode refuses, because a cluster node has only db 0 (Redis 7.0,
 * db.c selectCommand, swapdbCommand, moveCommand, copyCommand). Each check sits where Redis has
 * it: SELECT refuses after parsing the index, COPY after parsing all its options; SWAPDB and MOVE
 * refuse first. Anything the keyspace would refuse earlier (a non-integer index, an out-of-range
 * db, a syntax error) is left to the keyspace, which answers with Redis's text.
 */
import { string2ll } from '@protolab/redis-common';
import { type Arg, argToString } from './commands.js';

/** `databases` of a Redis 7.0 server (default 16): COPY … DB n checks the range before the mode. */
const DATABASES = 16n;
const INT_MAX = 2n ** 31n - 1n;
const INT_MIN = -(2n ** 31n);

/** Redis's error text when cluster mode refuses `argv`, or undefined to let the keyspace run it. */
export function clusterModeRefusal(name: string, argv: readonly Arg[]): string | undefined {
  switch (name) {
    case 'select': {
      // getIntFromObjectOrReply first: non-integers and out-of-int values are the keyspace's.
      const id = string2ll(argToString(argv[1] ?? ''));
      if (id === undefined || id < INT_MIN || id > INT_MAX || id === 0n) return undefined;
      return 'ERR SELECT is not allowed in cluster mode';
    }
    case 'swapdb':
      return 'ERR SWAPDB is not allowed in cluster mode';
    case 'move':
      return 'ERR MOVE is not allowed in cluster mode';
    case 'copy':
      return copyRefusal(argv);
    default:
      return undefined;
  }
}

/** COPY source destination [DB n] [REPLACE]: the options parse first, then the cluster check. */
function copyRefusal(argv: readonly Arg[]): string | undefined {
  let dbid = 0n;
  for (let j = 3; j < argv.length; j++) {
    const opt = argToString(argv[j] ?? '').toLowerCase();
    if (opt === 'replace') continue;
    if (opt !== 'db' || j + 1 >= argv.length) return undefined;
    const n = string2ll(argToString(argv[++j] ?? ''));
    if (n === undefined || n < 0n || n >= DATABASES) return undefined;
    dbid = n;
  }
  return dbid === 0n ? undefined : 'ERR Copying to another database is not allowed in cluster mode';
}
