/**
 * The shareable URL: `#/<scenario>?seed=S&<param>=V…&log=<entries>&at=<position>`.
 * The log is run-length encoded: `s40` = forty simulator steps, `w<ms>` = the clock moved to <ms>
 * with nothing happening, `a:<action>` = one user action, in
 * order, joined by `,` (a character encodeURIComponent always escapes inside an entry). Opening the URL rebuilds the same run and goes to the same position.
 */
import type { LogEntry } from './timeline.js';

export interface PageState {
  readonly scenario: string;
  readonly seed: number;
  readonly params: ReadonlyMap<string, number>;
  readonly log: readonly string[];
  readonly at: number | undefined;
}

/** A URL that cannot describe a run (bad number, unknown entry): the page says so and starts fresh. */
export class UrlStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlStateError';
  }
}

const MAX_LOG_ENTRIES = 1_000_000;

export function encodeLog<A>(entries: readonly LogEntry<A>[], encodeAction: (a: A) => string): string {
  const out: string[] = [];
  let steps = 0;
  for (const e of entries) {
    if (e.kind === 'step') { steps++; continue; }
    if (steps > 0) { out.push(`s${String(steps)}`); steps = 0; }
    out.push(e.kind === 'advance' ? `w${String(e.toMs)}` : `a:${encodeURIComponent(encodeAction(e.action))}`);
  }
  if (steps > 0) out.push(`s${String(steps)}`);
  return out.join(',');
}

export function decodeLog<A>(text: string, decodeAction: (s: string) => A): LogEntry<A>[] {
  const entries: LogEntry<A>[] = [];
  if (text === '') return entries;
  for (const part of text.split(',')) {
    if (part.startsWith('a:')) {
      entries.push({ kind: 'action', action: decodeAction(decodeURIComponent(part.slice(2))) });
    } else if (/^w\d{1,16}(\.\d+)?$/.test(part)) {
      entries.push({ kind: 'advance', toMs: Number(part.slice(1)) });
    } else if (/^s\d{1,7}$/.test(part)) {
      const n = Number(part.slice(1));
      if (entries.length + n > MAX_LOG_ENTRIES) throw new UrlStateError(`the log is longer than ${String(MAX_LOG_ENTRIES)} entries`);
      for (let i = 0; i < n; i++) entries.push({ kind: 'step' });
    } else {
      throw new UrlStateError(`unknown log entry '${part.slice(0, 40)}'`);
    }
  }
  return entries;
}

export function parseHash(hash: string): { scenario: string; query: URLSearchParams } {
  const m = /^#\/([a-z-]+)(?:\?(.*))?$/.exec(hash);
  if (m === null) return { scenario: '', query: new URLSearchParams() };
  return { scenario: m[1] ?? '', query: new URLSearchParams(m[2] ?? '') };
}

export function formatHash(scenario: string, seed: number, params: ReadonlyMap<string, number>, log: string, at: number): string {
  const q = new URLSearchParams();
  q.set('seed', String(seed));
  for (const [k, v] of params) q.set(k, String(v));
  if (log !== '') q.set('log', log);
  q.set('at', String(at));
  return `#/${scenario}?${q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
}
