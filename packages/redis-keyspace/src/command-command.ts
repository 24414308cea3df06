/**
 * server.c commandCommand and its subcommands (COUNT, LIST, INFO, DOCS, GETKEYS, HELP), answered
 * from our command table — so they describe what this keyspace implements (COMMAND COUNT is our
 * number of commands, not redis-server's 240). DOCS carries only the group (we keep no summaries);
 * INFO's ACL categories are derived from flags and group, and key specs are left empty.
 */
import type { RespValue } from '@protolab/resp';
import { COMMAND_KEY_SPECS } from './command-keyspecs.js';
import { E, err, int, bulk, array, simple, NULL_BULK, mapReply, setReply, emptySet, type RespOf } from './replies.js';
import type { CommandGroup, CommandSpec, Ctx } from './server.js';
import { cmd, optName } from './server.js';
import { globTokens, stringmatchlen } from './glob.js';

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const CATEGORY = new Map<CommandGroup, string>([
  ['string', '@string'], ['hash', '@hash'], ['list', '@list'], ['set', '@set'], ['sorted_set', '@sortedset'],
  ['bitmap', '@bitmap'], ['hyperloglog', '@hyperloglog'], ['geo', '@geo'],
  ['generic', '@keyspace'], ['server', '@server'], ['connection', '@connection'], ['transactions', '@transaction'], ['pubsub', '@pubsub'],
]);

/** acl.c ACLCommandCategories: COMMAND INFO lists a command's categories in this order. */
const ACL_ORDER = ['@keyspace', '@read', '@write', '@set', '@sortedset', '@list', '@hash', '@string', '@bitmap', '@hyperloglog',
  '@geo', '@stream', '@pubsub', '@admin', '@fast', '@slow', '@blocking', '@dangerous', '@connection', '@transaction', '@scripting'];

function aclCategories(s: CommandSpec): string[] {
  const out: string[] = [];
  if (s.flags.includes('write')) out.push('@write');
  if (s.flags.includes('readonly')) out.push('@read');
  const cat = CATEGORY.get(s.group);
  if (cat !== undefined) out.push(cat);
  out.push(s.flags.includes('fast') ? '@fast' : '@slow');
  return out.sort((a, b) => ACL_ORDER.indexOf(a) - ACL_ORDER.indexOf(b));
}

/** server.c populateCommandMovableKeys: a row with a getkeys proc reports `movablekeys` last. */
const flagsOf = (s: CommandSpec): readonly string[] => (s.getKeys !== undefined && !s.flags.includes('movablekeys') ? [...s.flags, 'movablekeys'] : s.flags);

/**
 * server.c addReplyCommandInfo: flags, ACL categories, tips and key specs are sets in RESP3
 * (addReplySetLen); subcommands an array, or an empty set when the command has none.
 */
function info(c: RespOf, s: CommandSpec, fullname: string): RespValue {
  const subs = s.subcommands === undefined ? emptySet(c) : array([...s.subcommands.values()].map((x) => info(c, x, `${fullname}|${x.name}`)));
  const recorded = recordedSpecs(fullname);
  return array([
    bulk(fullname), int(s.arity), setReply(c, flagsOf(s).map(simple)), int(s.firstKey), int(s.lastKey), int(s.step),
    setReply(c, (s.acl ?? aclCategories(s)).map(simple)), setReply(c, recorded.tips.map(bulk)), setReply(c, recorded.keySpecs.map((k) => keySpec(c, k))), subs,
  ]);
}

/** A key spec as command-keyspecs.ts records it (7.0.15's, without `notes`). */
interface KeySpec {
  readonly flags: readonly string[];
  readonly begin_search: Search;
  readonly find_keys: Search;
}
interface Search {
  readonly type: string;
  readonly spec: readonly (readonly [string, number | string])[];
}
const NO_SPECS: { tips: readonly string[]; keySpecs: readonly KeySpec[] } = { tips: [], keySpecs: [] };
const parsedSpecs = new Map<string, { tips: readonly string[]; keySpecs: readonly KeySpec[] }>();

/** The recorded tips and key specs of a command by full name (parsed once). */
function recordedSpecs(fullname: string): { tips: readonly string[]; keySpecs: readonly KeySpec[] } {
  const hit = parsedSpecs.get(fullname);
  if (hit !== undefined) return hit;
  const json = COMMAND_KEY_SPECS.get(fullname);
  const parsed = json === undefined ? NO_SPECS : (JSON.parse(json) as { tips: readonly string[]; keySpecs: readonly KeySpec[] });
  parsedSpecs.set(fullname, parsed);
  return parsed;
}

/** server.c addReplyCommandKeySpecs: flags (a set of statuses), begin_search and find_keys (maps of a type and its spec). */
function keySpec(c: RespOf, k: KeySpec): RespValue {
  const search = (x: Search): RespValue =>
    mapReply(c, [bulk('type'), bulk(x.type), bulk('spec'), mapReply(c, x.spec.flatMap(([f, v]) => [bulk(f), typeof v === 'number' ? int(v) : bulk(v)]))]);
  return mapReply(c, [bulk('flags'), setReply(c, k.flags.map(simple)), bulk('begin_search'), search(k.begin_search), bulk('find_keys'), search(k.find_keys)]);
}

/** server.c addReplyCommandDocs: a map (only the group here). */
function docs(c: RespOf, s: CommandSpec): RespValue {
  return mapReply(c, [bulk('group'), bulk(s.group)]);
}

/** db.c getKeysFromCommand over the legacy range (or the row's getKeys). */
export function commandKeys(s: CommandSpec, argv: readonly string[]): number[] {
  if (s.getKeys !== undefined) return s.getKeys(argv);
  if (s.firstKey === 0) return [];
  const last = s.lastKey < 0 ? argv.length + s.lastKey : s.lastKey;
  const out: number[] = [];
  for (let i = s.firstKey; i <= last && i < argv.length; i += s.step) out.push(i);
  return out;
}

/** server.c lookupCommandBySds: `name` or `container|sub` (any case), with its full name. */
export function lookupByFullName(table: ReadonlyMap<string, CommandSpec>, name: string): [CommandSpec, string] | undefined {
  const parts = name.toLowerCase().split('|');
  const top = table.get(parts[0] ?? '');
  if (top === undefined || parts.length > 2) return undefined;
  if (parts.length === 1) return [top, top.name];
  const sub = top.subcommands?.get(parts[1] ?? '');
  return sub === undefined ? undefined : [sub, `${top.name}|${sub.name}`];
}

/** Every command and, after each, its subcommands as `parent|sub` (commandListWithoutFilter's recursion). */
function fullNames(specs: readonly CommandSpec[], parent = ''): [string, CommandSpec, string][] {
  const out: [string, CommandSpec, string][] = [];
  for (const s of specs) {
    const full = parent === '' ? s.name : `${parent}|${s.name}`;
    out.push([full, s, full]);
    if (s.subcommands !== undefined) out.push(...fullNames([...s.subcommands.values()], full));
  }
  return out;
}

/**
 * server.c commandListCommand's options: nothing, or `FILTERBY MODULE|ACLCAT|PATTERN <arg>` as the
 * last three arguments (its loop takes FILTERBY only with exactly two arguments after it), anything
 * else a syntax error. PATTERN matches the full name without regard to case (stringmatchlen
 * nocase); ACLCAT keeps the commands of that category (a name ACLGetCommandCategoryFlagByName does
 * not know keeps none); MODULE keeps none (no modules are loaded).
 */
function listFilter(rest: readonly string[]): ((s: CommandSpec, full: string) => boolean) | undefined {
  if (rest.length === 0) return () => true;
  if (rest.length !== 3 || optName(rest[0] ?? '') !== 'filterby') return undefined;
  const arg = rest[2] ?? '';
  switch (optName(rest[1] ?? '')) {
    case 'module':
      return () => false;
    case 'aclcat': {
      const cat = `@${arg.toLowerCase()}`;
      return (s) => (s.acl ?? aclCategories(s)).includes(cat);
    }
    case 'pattern': {
      const toks = globTokens(arg.toLowerCase());
      return (_s, full) => stringmatchlen(toks, full.toLowerCase());
    }
    default:
      return undefined;
  }
}

/**
 * COMMAND's proc over a table (after the arity and subcommand checks): what a server that adds
 * its own rows to COMMANDS calls with its merged table, the argv and the connection's protocol.
 */
export function commandProc(table: () => ReadonlyMap<string, CommandSpec>): (c: Pick<Ctx, 'argv' | 'resp'>) => RespValue {
  const all = (): CommandSpec[] => [...table().values()];
  return (c) => {
    if (c.argv.length === 1) return array(all().map((s) => info(c, s, s.name)));
    const sub = optName(c.argv[1] ?? '');
    const rest = c.argv.slice(2);
    switch (sub) {
      case 'count':
        return int(table().size);
      case 'help':
        return array(HELP.map(simple));
      case 'list': {
        const keep = listFilter(rest);
        return keep === undefined ? err(E.syntax) : array(fullNames(all()).filter(([, s, full]) => keep(s, full)).map(([full]) => bulk(full)));
      }
      case 'info':
      case 'docs': {
        const names = rest.length === 0 ? all().map((s) => s.name) : rest;
        const out: RespValue[] = [];
        for (const n of names) {
          const found = lookupByFullName(table(), n);
          if (found === undefined) {
            if (sub === 'info') out.push(NULL_BULK);
            continue;
          }
          const [s, full] = found;
          out.push(...(sub === 'info' ? [info(c, s, full)] : [bulk(full), docs(c, s)]));
        }
        return sub === 'docs' ? mapReply(c, out) : array(out);
      }
      default:
        return getkeys(table(), rest);
    }
  };
}

/** COMMAND's row, closed over the table it describes (built after the table, so no import cycle). */
export function commandCommandSpec(table: () => ReadonlyMap<string, CommandSpec>): CommandSpec {
  const proc = commandProc(table);
  const R = ['loading', 'stale'] as const;
  const subs = new Map<string, CommandSpec>([
    ['count', cmd('count', 2, R, [0, 0, 0], 'server', proc)],
    ['list', cmd('list', -2, R, [0, 0, 0], 'server', proc)],
    ['info', cmd('info', -2, R, [0, 0, 0], 'server', proc)],
    ['docs', cmd('docs', -2, R, [0, 0, 0], 'server', proc)],
    ['getkeys', cmd('getkeys', -4, R, [0, 0, 0], 'server', proc)],
    ['help', cmd('help', 2, R, [0, 0, 0], 'server', proc)],
  ]);
  return cmd('command', -1, R, [0, 0, 0], 'server', proc, { subcommands: subs });
}

/** server.c commandGetKeysCommand. */
function getkeys(table: ReadonlyMap<string, CommandSpec>, argv: readonly string[]): RespValue {
  let s = table.get((argv[0] ?? '').toLowerCase());
  if (s !== undefined && s.subcommands !== undefined && argv.length >= 2) s = s.subcommands.get((argv[1] ?? '').toLowerCase());
  if (s === undefined) return err('ERR Invalid command specified');
  if ((s.arity > 0 && s.arity !== argv.length) || argv.length < -s.arity) return err('ERR Invalid number of arguments specified for command');
  const keys = commandKeys(s, argv);
  if (keys.length === 0) return err('ERR The command has no key arguments');
  return array(keys.map((i) => bulk(argv[i] ?? '')));
}
