/**
 * config.c for the parameters protolab models: a table of typed parameters (createIntConfig,
 * createBoolConfig, createEnumConfig, createSpecialConfig in config.c's standardConfig table),
 * CONFIG GET with glob patterns, CONFIG SET of several pairs at once (all checked, then all set,
 * then every apply function run; one refusal restores the old values, as configSetCommand's
 * `err` path does), and listeners through which other units react to a change.
 *
 * Other units plug in here:
 *   srv.config.register(enumParam('my-param', ['a', 'b'], 'a'));          // a new parameter
 *   srv.config.onChange('appendonly', (value, old) => undefined);        // apply; a string refuses
 *   srv.config.get('dir');                                                // the current value
 */
import type { RespValue } from '@protolab/resp';
import { stringmatchlen } from '@protolab/redis-keyspace';
import { RedisServerError } from './errors.js';

export type ParseResult = { readonly value: string } | { readonly error: string };

export interface ConfigParam {
  readonly name: string;
  /** The value before any CONFIG SET (already canonical). */
  readonly defaultValue: string;
  /** IMMUTABLE_CONFIG: only at start ("can't set immutable config"). */
  readonly immutable?: boolean;
  /** PROTECTED_CONFIG with enable-protected-configs no ("can't set protected config"). */
  readonly protected?: boolean;
  /** Check a value and give its canonical form (what CONFIG GET shows), or Redis's error text. */
  parse(value: string): ParseResult;
}

/** Reacts to a new value (config.c's apply functions); a string refuses it with that text. */
export type ConfigListener = (value: string, old: string) => string | undefined;

const INT_RE = /^-?(0|[1-9][0-9]*)$/;

/** config.c createIntConfig / createUIntConfig / createLongLongConfig (string2ll, then bounds). */
export function intParam(name: string, min: number, max: number, defaultValue: number, opts: { immutable?: boolean; memory?: boolean; clamp?: [number, number] } = {}): ConfigParam {
  return {
    name,
    defaultValue: String(defaultValue),
    immutable: opts.immutable ?? false,
    parse(v) {
      const n = opts.memory === true ? memtoull(v) : INT_RE.test(v) ? Number(v) : undefined;
      if (n === undefined) return { error: opts.memory === true ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
      if (n < min || n > max) return { error: `argument must be between ${min} and ${max === Number.MAX_SAFE_INTEGER ? '9223372036854775807' : String(max)} inclusive` };
      // updateHZ and friends clamp after the range check (CONFIG_MIN_HZ..CONFIG_MAX_HZ).
      const c = opts.clamp === undefined ? n : Math.min(opts.clamp[1], Math.max(opts.clamp[0], n));
      return { value: String(c) };
    },
  };
}

/** config.c createULongLongConfig with MEMORY_CONFIG (maxmemory): no range but ≥ 0. */
export function memoryParam(name: string, defaultValue: number): ConfigParam {
  return {
    name,
    defaultValue: String(defaultValue),
    parse(v) {
      const n = memtoull(v);
      return n === undefined ? { error: 'argument must be a memory value' } : { value: String(n) };
    },
  };
}

/** config.c createBoolConfig */
export function boolParam(name: string, defaultValue: boolean): ConfigParam {
  return {
    name,
    defaultValue: defaultValue ? 'yes' : 'no',
    parse(v) {
      const l = v.toLowerCase();
      return l === 'yes' || l === 'no' ? { value: l } : { error: "argument must be 'yes' or 'no'" };
    },
  };
}

/** config.c createEnumConfig */
export function enumParam(name: string, values: readonly string[], defaultValue: string): ConfigParam {
  return {
    name,
    defaultValue,
    parse(v) {
      const l = v.toLowerCase();
      return values.includes(l) ? { value: l } : { error: `argument(s) must be one of the following: ${values.join(', ')}` };
    },
  };
}

/** config.c createStringConfig (any text). */
export function stringParam(name: string, defaultValue: string, opts: { immutable?: boolean; protected?: boolean } = {}): ConfigParam {
  return { name, defaultValue, immutable: opts.immutable ?? false, protected: opts.protected ?? false, parse: (v) => ({ value: v }) };
}

/**
 * util.c memtoull: digits with an optional unit (k 1000, kb 1024, m, mb, g, gb; any case);
 * undefined for anything else (a sign, spaces, an unknown unit, too large).
 */
export function memtoull(text: string): number | undefined {
  const m = /^([0-9]+)(k|kb|m|mb|g|gb|b)?$/i.exec(text);
  if (m === null) return undefined;
  const mul = new Map([['', 1], ['b', 1], ['k', 1000], ['kb', 1024], ['m', 1e6], ['mb', 1024 ** 2], ['g', 1e9], ['gb', 1024 ** 3]]).get((m[2] ?? '').toLowerCase()) ?? 1;
  const n = Number(m[1]) * mul;
  return Number.isSafeInteger(n) ? n : undefined;
}

export class ConfigTable {
  private readonly params = new Map<string, ConfigParam>();
  private readonly values = new Map<string, string>();
  private readonly listeners = new Map<string, ConfigListener[]>();
  /** config.c's alias column (`slave-priority` for `replica-priority`): alias → parameter name. */
  private readonly aliases = new Map<string, string>();

  /** Add a parameter (its default becomes its value). A second one with the same name is a bug. */
  register(p: ConfigParam): void {
    const name = p.name.toLowerCase();
    if (this.params.has(name)) throw new RedisServerError('BAD_OPTION', `config: parameter '${name}' is already registered`);
    this.params.set(name, p);
    this.values.set(name, p.defaultValue);
  }

  /**
   * A second name for a registered parameter (config.c's alias): CONFIG GET / SET and the start
   * directives accept it, CONFIG GET lists it under its own name with the parameter's value.
   */
  alias(alias: string, name: string): void {
    const a = alias.toLowerCase();
    if (this.params.has(a) || this.aliases.has(a) || !this.params.has(name.toLowerCase())) throw new RedisServerError('BAD_OPTION', `config: cannot alias '${a}' to '${name}'`);
    this.aliases.set(a, name.toLowerCase());
  }

  /** The parameter a name or alias stands for (lower case). */
  private canonical(name: string): string {
    const l = name.toLowerCase();
    return this.aliases.get(l) ?? l;
  }

  /** Call `fn` after every change of `name` (CONFIG SET or setAtStart); a string refuses it. */
  onChange(name: string, fn: ConfigListener): void {
    const key = this.canonical(name);
    const list = this.listeners.get(key);
    if (list === undefined) this.listeners.set(key, [fn]);
    else list.push(fn);
  }

  has(name: string): boolean {
    return this.params.has(this.canonical(name));
  }

  /** The current value of a registered parameter. */
  get(name: string): string {
    const v = this.values.get(this.canonical(name));
    if (v === undefined) throw new RedisServerError('BAD_OPTION', `config: no parameter '${name}'`);
    return v;
  }

  /** Every parameter (not the aliases) in registration order: name, value, default (CONFIG REWRITE). */
  entries(): { readonly name: string; readonly value: string; readonly defaultValue: string }[] {
    return [...this.params.values()].map((p) => ({ name: p.name.toLowerCase(), value: this.get(p.name), defaultValue: p.defaultValue }));
  }

  /** A numeric parameter's current value. */
  number(name: string): number {
    return Number(this.get(name));
  }

  /**
   * Set parameters at start (a config file or the CLI): immutable ones too. Throws a typed
   * error with Redis's text for a bad value.
   */
  setAtStart(pairs: ReadonlyMap<string, string>): void {
    const err = this.setPairs([...pairs], true);
    if (err !== undefined) throw new RedisServerError('BAD_OPTION', err);
  }

  /** config.c configSetCommand: `CONFIG SET name value [name value …]`. */
  configSet(argv: readonly string[]): RespValue {
    if (argv.length < 2 || argv.length % 2 !== 0) return { type: 'error', value: "ERR wrong number of arguments for 'config|set' command" };
    const pairs: [string, string][] = [];
    for (let i = 0; i < argv.length; i += 2) pairs.push([argv[i] ?? '', argv[i + 1] ?? '']);
    const e = this.setPairs(pairs, false);
    return e === undefined ? { type: 'simple', value: 'OK' } : { type: 'error', value: e };
  }

  private setPairs(pairs: readonly (readonly [string, string])[], atStart: boolean): string | undefined {
    const fail = (name: string, why: string): string => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
    const parsed: [string, string][] = [];
    const seen = new Set<string>();
    for (const [rawName, raw] of pairs) {
      const name = this.canonical(rawName);
      const p = this.params.get(name);
      if (p === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${rawName}'`;
      if (!atStart && p.immutable === true) return fail(rawName, "can't set immutable config");
      if (!atStart && p.protected === true) return fail(rawName, "can't set protected config");
      // By the name given: 7.0.15 takes `replica-priority 1 slave-priority 2` (the last wins).
      if (seen.has(rawName.toLowerCase())) return fail(rawName, 'duplicate parameter');
      seen.add(rawName.toLowerCase());
      const r = p.parse(raw);
      if ('error' in r) return fail(rawName, r.error);
      parsed.push([name, r.value]);
    }
    const old = parsed.map(([name]) => [name, this.get(name)] as const);
    for (const [name, value] of parsed) this.values.set(name, value);
    for (const [name, value] of parsed) {
      const before = old.find(([n]) => n === name)?.[1] ?? value;
      for (const fn of this.listeners.get(name) ?? []) {
        const refused = fn(value, before);
        if (refused === undefined) continue;
        // restoreBackupConfig: put every old value back and apply it again.
        for (const [n, v] of old) {
          this.values.set(n, v);
          for (const g of this.listeners.get(n) ?? []) g(v, v);
        }
        return fail(name, refused);
      }
    }
    return undefined;
  }

  /**
   * config.c configGetCommand: every parameter matching any pattern (nocase glob), once per
   * name; an alias is listed under its own name. (Redis answers in its dict's hash order, and
   * under a glob lists an alias only when the dict reaches it before its parameter; we answer in
   * registration order and list every matching name.)
   */
  configGet(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pat of patterns) {
      const lower = pat.toLowerCase();
      const exact = this.has(lower);
      for (const name of exact ? [lower] : [...this.params.keys(), ...this.aliases.keys()]) {
        if (seen.has(name) || (!exact && !stringmatchlen(lower, name))) continue;
        seen.add(name);
        // An exact name answers as it was asked (CONFIG GET REPL-TIMEOUT → REPL-TIMEOUT), as 7.0.15.
        out.push([exact ? pat : name, this.get(name)]);
      }
    }
    return out;
  }
}
