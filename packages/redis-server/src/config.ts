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
import { string2ll } from '@protolab/redis-common';
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
  /** HIDDEN_CONFIG: CONFIG GET lists it only when asked by its exact name, never under a glob. */
  readonly hidden?: boolean;
  /** SENSITIVE_CONFIG (masterauth, requirepass …): config.c redacts the value in SLOWLOG / MONITOR. */
  readonly sensitive?: boolean;
  /** DENY_LOADING_CONFIG: refused while a dataset loads (protolab loads before it serves, so never). */
  readonly denyLoading?: boolean;
  /** DEBUG_CONFIG: only DEBUG CONFIG-REWRITE-FORCE-ALL-style tooling reads it; kept for the record. */
  readonly debug?: boolean;
  /** How CONFIG REWRITE writes it: rewriteConfigBytesOption, rewriteConfigStringOption, …; default plain. */
  readonly rewriteKind?: 'memory' | 'string' | 'plain';
  /**
   * A row of the full 7.0 table (config-params.ts) that another unit may register again with its
   * own apply logic: a later register() of the same name replaces it instead of failing.
   */
  readonly fallback?: boolean;
  /** Why the parameter changes nothing in protolab (it is stored, shown and rewritten only). */
  readonly noEffect?: string;
  /** Check a value and give its canonical form (what CONFIG GET shows), or Redis's error text. */
  parse(value: string): ParseResult;
}

/** Reacts to a new value (config.c's apply functions); a string refuses it with that text. */
export type ConfigListener = (value: string, old: string) => string | undefined;

const MEM_UNITS = new Map<string, bigint>([['', 1n], ['b', 1n], ['k', 1000n], ['kb', 1024n], ['m', 1000n ** 2n], ['mb', 1024n ** 2n], ['g', 1000n ** 3n], ['gb', 1024n ** 3n]]);

/**
 * util.c memtoull as config.c numericParseString reads it into a long long: digits (none reads 0,
 * strtoull saturates) and a unit; a sign or an unknown unit is an error; the product wraps to 64
 * bits and is read signed (so a value past LLONG_MAX is negative and fails a signed range).
 */
export function memtollBig(text: string): bigint | undefined {
  const m = /^([0-9]*)(.*)$/s.exec(text);
  const digits = m?.[1] ?? '';
  const mul = MEM_UNITS.get((m?.[2] ?? '').toLowerCase());
  if (mul === undefined || digits.length >= 128) return undefined;
  const big = digits === '' ? 0n : BigInt(digits);
  const val = big > 2n ** 64n - 1n ? 2n ** 64n - 1n : big;
  return BigInt.asIntN(64, val * mul);
}

/** `max` given as Number.MAX_SAFE_INTEGER stands for LONG_MAX (2^63 - 1). */
const bound = (n: number): bigint => (n === Number.MAX_SAFE_INTEGER ? 9223372036854775807n : BigInt(n));

/** config.c createIntConfig / createUIntConfig / createLongLongConfig / createSizeTConfig (string2ll or memtoull, then bounds). */
export function intParam(name: string, min: number, max: number, defaultValue: number, opts: { immutable?: boolean; memory?: boolean; clamp?: [number, number] } = {}): ConfigParam {
  const [lo, hi] = [bound(min), bound(max)];
  return {
    name,
    defaultValue: String(defaultValue),
    immutable: opts.immutable ?? false,
    ...(opts.memory === true ? { rewriteKind: 'memory' as const } : {}),
    parse(v) {
      const n = opts.memory === true ? memtollBig(v) : string2ll(v);
      if (n === undefined) return { error: opts.memory === true ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
      if (n < lo || n > hi) return { error: `argument must be between ${lo} and ${hi} inclusive` };
      // updateHZ and friends clamp after the range check (CONFIG_MIN_HZ..CONFIG_MAX_HZ).
      const c = opts.clamp === undefined ? n : n < BigInt(opts.clamp[0]) ? BigInt(opts.clamp[0]) : n > BigInt(opts.clamp[1]) ? BigInt(opts.clamp[1]) : n;
      return { value: String(c) };
    },
  };
}

/** config.c createULongLongConfig with MEMORY_CONFIG (maxmemory): any memtoull value, shown unsigned. */
export function memoryParam(name: string, defaultValue: number): ConfigParam {
  return {
    name,
    defaultValue: String(defaultValue),
    rewriteKind: 'memory',
    parse(v) {
      const n = memtollBig(v);
      return n === undefined ? { error: 'argument must be a memory value' } : { value: String(BigInt.asUintN(64, n)) };
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
    if (this.params.get(name)?.fallback === true && p.fallback !== true) {
      this.params.set(name, p);
      this.values.set(name, p.defaultValue);
      return;
    }
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
    if (this.aliases.get(a) === name.toLowerCase()) return; // the full table named it already
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
  entries(): { readonly name: string; readonly value: string; readonly defaultValue: string; readonly param: ConfigParam }[] {
    return [...this.params.values()].map((p) => ({ name: p.name.toLowerCase(), value: this.get(p.name), defaultValue: p.defaultValue, param: p }));
  }

  /** The registered parameter a name or alias stands for. */
  param(name: string): ConfigParam | undefined {
    return this.params.get(this.canonical(name));
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

  /**
   * config.c configSetCommand: `CONFIG SET name value [name value …]`. `isLocal`: the client came
   * over loopback or a unix socket (islocalClient), for enable-protected-configs `local`.
   */
  configSet(argv: readonly string[], isLocal = false): RespValue {
    if (argv.length < 2 || argv.length % 2 !== 0) return { type: 'error', value: "ERR wrong number of arguments for 'config|set' command" };
    const pairs: [string, string][] = [];
    for (let i = 0; i < argv.length; i += 2) pairs.push([argv[i] ?? '', argv[i + 1] ?? '']);
    const e = this.setPairs(pairs, false, isLocal);
    return e === undefined ? { type: 'simple', value: 'OK' } : { type: 'error', value: e };
  }

  private setPairs(pairs: readonly (readonly [string, string])[], atStart: boolean, isLocal = false): string | undefined {
    // config.c allowProtectedAction: enable-protected-configs yes, or local for a local client.
    const protectedMode = this.values.get('enable-protected-configs') ?? 'no';
    const protectedOk = protectedMode === 'yes' || (protectedMode === 'local' && isLocal);
    const fail = (name: string, why: string): string => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
    const parsed: [string, string][] = [];
    const seen = new Set<string>();
    for (const [rawName, raw] of pairs) {
      const name = this.canonical(rawName);
      const p = this.params.get(name);
      if (p === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${rawName}'`;
      if (!atStart && p.immutable === true) return fail(rawName, "can't set immutable config");
      if (!atStart && p.protected === true && !protectedOk) return fail(rawName, "can't set protected config");
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
        // HIDDEN_CONFIG rows answer only to their exact name (configGetCommand skips them under a glob).
        if (!exact && this.params.get(this.canonical(name))?.hidden === true) continue;
        seen.add(name);
        // An exact name answers as it was asked (CONFIG GET REPL-TIMEOUT → REPL-TIMEOUT), as 7.0.15.
        out.push([exact ? pat : name, this.get(name)]);
      }
    }
    return out;
  }
}
