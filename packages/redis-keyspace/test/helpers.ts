import type { RespValue } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import type { KeyspaceOptions } from '../src/index.js';

/** A keyspace on a hand-driven clock. */
export function clocked(startMs = 1_700_000_000_000, opts: Partial<KeyspaceOptions> = {}): {
  ks: Keyspace;
  clock: { now: number };
  log: { db: number; argv: string[] }[];
  run: (...argv: string[]) => RespValue;
} {
  const clock = { now: startMs };
  const log: { db: number; argv: string[] }[] = [];
  const ks = new Keyspace({
    now: () => clock.now,
    onPropagate: (db, argv) => log.push({ db, argv: argv.map((a) => Buffer.from(a).toString('latin1')) }),
    ...opts,
  });
  return { ks, clock, log, run: (...argv: string[]) => ks.execute(argv) };
}

/** A compact text form of a reply, for readable expectations: "+OK", ":1", "$v", "(nil)", "-ERR …", "[a, b]". */
export function show(r: RespValue): string {
  switch (r.type) {
    case 'simple':
      return `+${r.value}`;
    case 'error':
      return `-${r.value}`;
    case 'integer':
      return `:${r.value}`;
    case 'bulk':
      return `$${Buffer.from(r.value).toString('latin1')}`;
    case 'null':
      return '(nil)';
    case 'array':
      return `[${r.value.map(show).join(', ')}]`;
    default:
      return `?${r.type}`;
  }
}
