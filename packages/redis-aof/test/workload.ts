/** Random client commands for @protolab/redis-keyspace, covering every type the AOF rewrites. */
import fc from 'fast-check';

const key = fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6');
const val = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }).map(String));
const member = fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5', '7', '42');

export const writeCommand: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(key, val).map(([k, v]) => ['SET', k, v]),
  fc.tuple(key, val, fc.integer({ min: 1, max: 100_000 })).map(([k, v, s]) => ['SET', k, v, 'EX', String(s)]),
  fc.tuple(key, fc.integer({ min: 1, max: 100_000 })).map(([k, s]) => ['EXPIRE', k, String(s)]),
  fc.tuple(key, fc.integer({ min: 1, max: 100_000 })).map(([k, ms]) => ['PEXPIRE', k, String(ms)]),
  key.map((k) => ['PERSIST', k]),
  key.map((k) => ['INCR', k]),
  fc.tuple(key, fc.array(val, { minLength: 1, maxLength: 70 })).map(([k, vs]) => ['RPUSH', k, ...vs]),
  fc.tuple(key, val).map(([k, v]) => ['LPUSH', k, v]),
  fc.tuple(key, fc.array(member, { minLength: 1, maxLength: 5 })).map(([k, ms]) => ['SADD', k, ...ms]),
  fc.tuple(key, member).map(([k, m]) => ['SREM', k, m]),
  fc.tuple(key, fc.double({ noNaN: true, min: -1e6, max: 1e6 }), member).map(([k, sc, m]) => ['ZADD', k, String(sc), m]),
  fc.tuple(key, member, val).map(([k, f, v]) => ['HSET', k, f, v]),
  fc.tuple(key, member).map(([k, f]) => ['HDEL', k, f]),
  key.map((k) => ['DEL', k]),
  fc.integer({ min: 0, max: 3 }).map((db) => ['SELECT', String(db)]),
);

export type Request = { tx: false; argv: string[] } | { tx: true; cmds: string[][] };

export const request: fc.Arbitrary<Request> = fc.oneof(
  { weight: 5, arbitrary: writeCommand.map((argv) => ({ tx: false as const, argv })) },
  { weight: 1, arbitrary: fc.array(writeCommand.filter((c) => c[0] !== 'SELECT'), { minLength: 1, maxLength: 4 }).map((cmds) => ({ tx: true as const, cmds })) },
);

export function send(ks: { execute(argv: readonly string[]): unknown }, r: Request): void {
  if (!r.tx) {
    ks.execute(r.argv);
    return;
  }
  ks.execute(['MULTI']);
  for (const c of r.cmds) ks.execute(c);
  ks.execute(['EXEC']);
}
