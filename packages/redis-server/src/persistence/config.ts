/**
 * The persistence directives of redis.conf that this server models (config.c standardConfig
 * table, Redis 7.0): `appendonly`, `appendfsync`, `save`, `dir`, `dbfilename`, `appenddirname`,
 * `appendfilename`. Values are parsed and formatted as CONFIG GET shows them; a bad value is a
 * `PersistenceError` `BAD_CONFIG` whose message is the text config.c gives.
 */
import type { AppendFsync } from '@protolab/redis-aof';
import { DEFAULT_SAVE_PARAMS, type SaveParam } from '@protolab/redis-rdb';
import { PersistenceError } from './errors.js';

export interface PersistenceConfig {
  /** `appendonly` (default no). */
  readonly appendonly: boolean;
  /** `appendfsync` (default everysec). */
  readonly appendfsync: AppendFsync;
  /** `save` points (default 3600 1 300 100 60 10000, as server.c initServerConfig). */
  readonly save: readonly SaveParam[];
  /** `dir`: shown by CONFIG GET dir; the injected disk is rooted there. */
  readonly dir: string;
  /** `dbfilename` (default dump.rdb). */
  readonly dbfilename: string;
  /** `appenddirname` (default appendonlydir; immutable in Redis 7.0). */
  readonly appenddirname: string;
  /** `appendfilename` (default appendonly.aof; immutable). */
  readonly appendfilename: string;
}

export const DEFAULT_PERSISTENCE_CONFIG: PersistenceConfig = {
  appendonly: false,
  appendfsync: 'everysec',
  save: DEFAULT_SAVE_PARAMS,
  dir: '.',
  dbfilename: 'dump.rdb',
  appenddirname: 'appendonlydir',
  appendfilename: 'appendonly.aof',
};

/** The directives, in the order CONFIG GET * lists them here. */
export const PERSISTENCE_DIRECTIVES = ['appendonly', 'appendfsync', 'save', 'dir', 'dbfilename', 'appenddirname', 'appendfilename'] as const;
export type PersistenceDirective = (typeof PERSISTENCE_DIRECTIVES)[number];

/** Redis's IMMUTABLE_CONFIG flag: CONFIG SET refuses them ("can't set immutable config"). */
export const IMMUTABLE_DIRECTIVES: ReadonlySet<string> = new Set(['appenddirname', 'appendfilename']);

export function isPersistenceDirective(name: string): name is PersistenceDirective {
  return (PERSISTENCE_DIRECTIVES as readonly string[]).includes(name);
}

/** config.c yesnotoi: yes/no, case-insensitive. */
function yesNo(name: string, v: string): boolean {
  const l = v.toLowerCase();
  if (l === 'yes') return true;
  if (l === 'no') return false;
  throw new PersistenceError('BAD_CONFIG', `argument must be 'yes' or 'no'`, name);
}

/** config.c setConfigSaveOption: pairs of non-negative integers; "" removes every save point. */
export function parseSave(v: string): SaveParam[] {
  const parts = v.split(/\s+/).filter((p) => p !== '');
  if (parts.length % 2 !== 0) throw new PersistenceError('BAD_CONFIG', 'Invalid save parameters', 'save');
  const out: SaveParam[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [s, c] = [parts[i] ?? '', parts[i + 1] ?? ''];
    if (!/^[0-9]+$/.test(s) || !/^[0-9]+$/.test(c)) throw new PersistenceError('BAD_CONFIG', 'Invalid save parameters', 'save');
    out.push({ seconds: Number(s), changes: Number(c) });
  }
  return out;
}

/** A base name (no '/'), as dbfilename and appendfilename must be (config.c isValidDBfilename). */
function baseName(name: string, v: string): string {
  if (v === '' || v.includes('/')) throw new PersistenceError('BAD_CONFIG', `${name} can't be a path, just a filename`, name);
  return v;
}

/** Apply one directive to a configuration (config file, command line or CONFIG SET). */
export function applyDirective(cfg: PersistenceConfig, name: PersistenceDirective, value: string): PersistenceConfig {
  switch (name) {
    case 'appendonly':
      return { ...cfg, appendonly: yesNo(name, value) };
    case 'appendfsync': {
      const l = value.toLowerCase();
      if (l !== 'always' && l !== 'everysec' && l !== 'no') throw new PersistenceError('BAD_CONFIG', 'argument(s) must be one of the following: always, everysec, no', name);
      return { ...cfg, appendfsync: l };
    }
    case 'save':
      return { ...cfg, save: parseSave(value) };
    case 'dir':
      if (value === '') throw new PersistenceError('BAD_CONFIG', 'No such file or directory', name);
      return { ...cfg, dir: value };
    case 'dbfilename':
      return { ...cfg, dbfilename: baseName(name, value) };
    case 'appenddirname':
      return { ...cfg, appenddirname: baseName(name, value) };
    case 'appendfilename':
      return { ...cfg, appendfilename: baseName(name, value) };
  }
}

/** CONFIG GET's text of one directive (save as "3600 1 300 100", yes/no as words). */
export function formatDirective(cfg: PersistenceConfig, name: PersistenceDirective): string {
  switch (name) {
    case 'appendonly':
      return cfg.appendonly ? 'yes' : 'no';
    case 'appendfsync':
      return cfg.appendfsync;
    case 'save':
      return cfg.save.map((p) => `${p.seconds} ${p.changes}`).join(' ');
    case 'dir':
      return cfg.dir;
    case 'dbfilename':
      return cfg.dbfilename;
    case 'appenddirname':
      return cfg.appenddirname;
    case 'appendfilename':
      return cfg.appendfilename;
  }
}
