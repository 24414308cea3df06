/**
 * The keyspace as a replica sees it (db.c expireIfNeeded, Redis 7.0): with `ks.replica` set, a
 * client's lookup hides a logically expired key without deleting it; the master's stream, applied
 * here, sees keys as the master does (server.current_client == server.master).
 */
import type { RespValue } from '@protolab/resp';
import type { Keyspace } from './keyspace.js';
type Key = string | Uint8Array;

/** `ks.execute(argv)` as the master's link client. */
export function executeFromMaster(ks: Keyspace, argv: readonly Key[]): RespValue {
  ks.core.fromMaster = true;
  try {
    return ks.execute(argv);
  } finally {
    ks.core.fromMaster = false;
  }
}
