/** object.c objectCommand: OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP. */
import type { RespValue } from '@protolab/resp';
import { isLfu } from './evict.js';
import { NULL_BULK, err, int, bulk, array, simple } from './replies.js';
import { encodingOf } from './values.js';
import { string2ll } from '@protolab/redis-common';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, valAt } from './server.js';
import type { KeyspaceCore } from './core.js';
import type { Val } from './values.js';

/** server.h OBJ_SHARED_INTEGERS and OBJ_SHARED_REFCOUNT (INT_MAX). */
export const OBJ_SHARED_INTEGERS = 10000;
export const OBJ_SHARED_REFCOUNT = 2147483647;

/**
 * o->refcount as OBJECT REFCOUNT and DEBUG OBJECT show it: OBJ_SHARED_REFCOUNT for one of
 * shared.integers, else 1. object.c tryObjectEncoding (and createStringObjectFromLongLongForValue
 * for INCR's results) shares a canonical integer 0..9999 unless maxmemory is set with an LRU or
 * LFU policy (server.h MAXMEMORY_FLAG_NO_SHARED_INTEGERS: a shared object cannot carry one key's
 * access time). Redis decides when the value is stored; this reads the configuration of now (a
 * value stored before a policy change answers as if stored after it).
 */
export function objectRefcount(core: KeyspaceCore, v: Val): number {
  const n = typeof v === 'string' && v.length <= 5 ? string2ll(v) : undefined;
  if (n === undefined || n < 0n || n >= BigInt(OBJ_SHARED_INTEGERS)) return 1;
  const cfg = core.maxmemory?.cfg;
  const noShared = cfg !== undefined && cfg.maxmemory !== 0 && (isLfu(cfg.policy) || cfg.policy.endsWith('-lru'));
  return noShared ? 1 : OBJ_SHARED_REFCOUNT;
}

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const E_LFU =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const E_LRU =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

function objectCommand(c: Ctx): RespValue {
  const sub = arg(c, 1).toLowerCase(); // known and arity-checked by dispatch (the subcommand table)
  if (sub === 'help') return array(HELP.map(simple));
  const db = c.client.db;
  const slot = c.core.lookupNoTouch(db, arg(c, 2), false); // object.c objectCommandLookup: LOOKUP_NOTOUCH|LOOKUP_NONOTIFY
  if (slot < 0) return NULL_BULK;
  const v = valAt(db, slot);
  const mm = c.core.maxmemory;
  const lfu = mm === undefined ? undefined : isLfu(mm.cfg.policy) ? mm : undefined;
  switch (sub) {
    case 'encoding':
      return bulk(encodingOf(v));
    case 'refcount':
      return int(objectRefcount(c.core, v));
    case 'idletime':
      if (lfu !== undefined) return err(E_LRU);
      // estimateObjectIdleTime at LRU_CLOCK_RESOLUTION 1000 ms, in seconds.
      return int(Math.max(0, Math.floor(c.core.cmdNow / 1000) - Math.floor(db.lruAt(slot) / 1000)));
    default:
      if (lfu === undefined) return err(E_LFU);
      return int(lfu.freq(db, slot, c.core.cmdNow));
  }
}

const R = ['readonly'] as const;
/** commands.def's OBJECT subcommands (arity counts OBJECT itself). */
const OBJECT_SUBCOMMANDS = new Map<string, CommandSpec>([
  ['encoding', cmd('encoding', 3, R, [2, 2, 1], 'generic', objectCommand)],
  ['freq', cmd('freq', 3, R, [2, 2, 1], 'generic', objectCommand)],
  ['idletime', cmd('idletime', 3, R, [2, 2, 1], 'generic', objectCommand)],
  ['refcount', cmd('refcount', 3, R, [2, 2, 1], 'generic', objectCommand)],
  ['help', cmd('help', 2, ['loading', 'stale'], [0, 0, 0], 'generic', objectCommand)],
]);

export const OBJECT_COMMANDS: readonly CommandSpec[] = [
  // A container's own row has only @slow (commands.def: no group category for containers).
  cmd('object', -2, [], [0, 0, 0], 'generic', objectCommand, { subcommands: OBJECT_SUBCOMMANDS, acl: ['@slow'] }),
];
