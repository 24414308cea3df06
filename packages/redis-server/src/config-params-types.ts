/**
 * The value types of config.c 7.0's standardConfig table, as builders of ConfigParam rows
 * (config.ts): createBoolConfig, createStringConfig / createSDSConfig, createEnumConfig and the
 * numeric family (createIntConfig, createUIntConfig, createULongConfig, createLongLongConfig,
 * createULongLongConfig, createSizeTConfig, createSSizeTConfig, createTimeTConfig,
 * createOffTConfig) with their INTEGER / MEMORY / PERCENT / OCTAL flags, each with the error
 * text config.c gives for a bad value (numericParseString, numericBoundaryCheck, enumConfigSet,
 * boolConfigSet). Numbers are checked in 64 bits as config.c does (string2ll, memtoull).
 */
import type { ConfigParam, ParseResult } from './config.js';
import { string2ll } from '@protolab/redis-common';
import { memtollBig as memtoll } from './config.js';

/** The flags every row may carry (config.c's *_CONFIG flags, plus the alias column). */
export interface RowFlags extends Pick<ConfigParam, 'immutable' | 'protected' | 'hidden' | 'sensitive' | 'denyLoading' | 'debug'> {
  readonly alias?: string;
  /** Why the parameter has no effect in protolab (README "Parameters accepted without effect"). */
  readonly noEffect?: string;
}

/** A row of the table: the parameter and its alias. */
export interface ConfigRow {
  readonly param: ConfigParam;
  readonly alias?: string;
}

function row(param: Omit<ConfigParam, 'immutable' | 'protected' | 'hidden' | 'sensitive' | 'denyLoading' | 'debug' | 'noEffect' | 'fallback'>, f: RowFlags): ConfigRow {
  const p: ConfigParam = {
    ...param,
    fallback: true,
    ...(f.immutable === true ? { immutable: true } : {}),
    ...(f.protected === true ? { protected: true } : {}),
    ...(f.hidden === true ? { hidden: true } : {}),
    ...(f.sensitive === true ? { sensitive: true } : {}),
    ...(f.denyLoading === true ? { denyLoading: true } : {}),
    ...(f.debug === true ? { debug: true } : {}),
    ...(f.noEffect !== undefined ? { noEffect: f.noEffect } : {}),
  };
  return f.alias !== undefined ? { param: p, alias: f.alias } : { param: p };
}

/** config.c createBoolConfig (yesnotoi), with an optional is_valid_fn. */
export function boolRow(name: string, def: boolean, f: RowFlags = {}, isValid?: (yes: boolean) => string | undefined): ConfigRow {
  return row({
    name,
    defaultValue: def ? 'yes' : 'no',
    parse(v): ParseResult {
      const l = v.toLowerCase();
      if (l !== 'yes' && l !== 'no') return { error: "argument must be 'yes' or 'no'" };
      const bad = isValid?.(l === 'yes');
      return bad !== undefined ? { error: bad } : { value: l };
    },
  }, f);
}

/**
 * config.c createEnumConfig: names matched without case; CONFIG GET shows the first name with
 * the same value (configEnumGetName), so `values` maps each accepted name to the one shown.
 */
export function enumRow(name: string, values: readonly (string | readonly [string, string])[], def: string, f: RowFlags = {}): ConfigRow {
  const shown = new Map<string, string>(values.map((v) => (typeof v === 'string' ? [v, v] : [v[0], v[1]])));
  const list = [...shown.keys()].join(', ');
  return row({
    name,
    defaultValue: def,
    parse(v): ParseResult {
      const s = shown.get(v.toLowerCase());
      // 7.0.15's text (newer sources say "argument must be …").
      return s === undefined ? { error: `argument(s) must be one of the following: ${list}` } : { value: s };
    },
  }, f);
}

/** config.c createStringConfig / createSDSConfig with an optional is_valid_fn. */
export function stringRow(name: string, def: string, f: RowFlags = {}, isValid?: (v: string) => string | undefined): ConfigRow {
  return row({
    name,
    defaultValue: def,
    rewriteKind: 'string',
    parse(v): ParseResult {
      const bad = isValid?.(v);
      return bad !== undefined ? { error: bad } : { value: v };
    },
  }, f);
}

/** A row whose set / get config.c writes by hand (createSpecialConfig). */
export function specialRow(name: string, def: string, parse: (v: string) => ParseResult, f: RowFlags = {}): ConfigRow {
  return row({ name, defaultValue: def, parse }, f);
}

/** numericType: which C type holds the value (unsigned ones print and compare their bounds unsigned). */
export type NumericType = 'int' | 'uint' | 'long' | 'ulong' | 'longlong' | 'ulonglong' | 'size_t' | 'ssize_t' | 'time_t' | 'off_t';
const UNSIGNED: ReadonlySet<NumericType> = new Set<NumericType>(['ulonglong', 'uint', 'size_t']);

export const INT_MIN = -2147483648n;
export const INT_MAX = 2147483647n;
export const UINT_MAX = 4294967295n;
export const LONG_MAX = 9223372036854775807n;
export const LLONG_MAX = LONG_MAX;
export const ULLONG_MAX = 18446744073709551615n;

/** The numeric rows' extra flags (numericConfigData.flags). */
export interface NumericFlags extends RowFlags {
  readonly memory?: boolean;
  readonly percent?: boolean;
  readonly octal?: boolean;
}

/** C strtoll(s, &end, 8) with *end == '\0' and no overflow: optional spaces and sign, octal digits. */
function octal(v: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(v);
  if (m === null) return undefined;
  const n = BigInt(`0o${m[2] ?? '0'}`) * (m[1] === '-' ? -1n : 1n);
  return n === BigInt.asIntN(64, n) ? n : undefined;
}

/** config.c numericParseString: the value as a long long, or the error text. */
function numericParse(v: string, f: NumericFlags): bigint | string {
  if (f.memory === true) {
    const n = memtoll(v);
    if (n !== undefined) return n;
  }
  if (f.percent === true && v.length > 1 && v.endsWith('%')) {
    const n = string2ll(v.slice(0, -1));
    if (n !== undefined && n >= 0n) return -n; // a percentage is held negative
  }
  if (f.octal === true) {
    const n = octal(v);
    if (n !== undefined) return n;
  }
  if (f.memory !== true && f.percent !== true && f.octal !== true) {
    const n = string2ll(v);
    if (n !== undefined) return n;
  }
  if (f.memory === true && f.percent === true) return 'argument must be a memory or percent value';
  if (f.memory === true) return 'argument must be a memory value';
  if (f.octal === true) return "argument couldn't be parsed as an octal number";
  return "argument couldn't be parsed into an integer";
}

/** config.c numericBoundaryCheck. */
function boundaryError(type: NumericType, n: bigint, min: bigint, max: bigint, f: NumericFlags): string | undefined {
  if (UNSIGNED.has(type)) {
    const u = BigInt.asUintN(64, n);
    const [lo, hi] = [BigInt.asUintN(64, min), BigInt.asUintN(64, max)];
    if (u > hi || u < lo) return f.octal === true ? `argument must be between ${lo.toString(8)} and ${hi.toString(8)} inclusive` : `argument must be between ${lo} and ${hi} inclusive`;
    return undefined;
  }
  if (f.percent === true && n < 0n) return n < min ? `percentage argument must be less or equal to ${-min}` : undefined;
  if (n > max || n < min) return `argument must be between ${min} and ${max} inclusive`;
  return undefined;
}

/** config.c numericConfigGet: `N%` for a percentage, unsigned for a memory value, octal, or decimal. */
function numericShow(n: bigint, f: NumericFlags): string {
  if (f.percent === true && n < 0n) return `${-n}%`;
  if (f.memory === true) return String(BigInt.asUintN(64, n));
  if (f.octal === true) return BigInt.asUintN(64, n).toString(8);
  return String(n);
}

/** The numeric family: bounds in the C type's terms, the default as config.c writes it. */
export function numRow(name: string, type: NumericType, min: bigint, max: bigint, def: bigint, f: NumericFlags = {}): ConfigRow {
  return row({
    name,
    defaultValue: numericShow(def, f),
    ...(f.memory === true && f.percent !== true ? { rewriteKind: 'memory' as const } : {}),
    parse(v): ParseResult {
      const n = numericParse(v, f);
      if (typeof n === 'string') return { error: n };
      const bad = boundaryError(type, n, min, max, f);
      return bad !== undefined ? { error: bad } : { value: numericShow(n, f) };
    },
  }, f);
}
