import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ReplBacklog, ReplicationError, commandLength, type StreamEntry } from '../src/index.js';

describe('ReplBacklog (replication.c feedReplicationBacklog / masterTryPartialResynchronization)', () => {
  test('replication.c masterTryPartialResynchronization: an offset inside [repl_backlog->offset, offset + histlen] continues with exactly the commands after it; outside it needs a full resync', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 60 }), fc.nat(), (size, values, pick) => {
        const backlog = new ReplBacklog(size, 0);
        const all: StreamEntry[] = [];
        let offset = 0;
        for (const v of values) {
          const argv = ['SET', 'k', v];
          const e = { start: offset + 1, len: commandLength(argv), argv };
          offset += e.len;
          all.push(e);
          backlog.feed(e);
        }
        // The model: every command boundary; the backlog holds a suffix of at most `size` bytes
        // (or the last command alone when it is bigger).
        const boundaries = [1, ...all.map((e) => e.start + e.len)];
        const ask = boundaries[pick % boundaries.length] ?? 1;
        const tail = all.filter((e) => e.start >= ask);
        const held = all.filter((e) => e.start >= backlog.offset);
        const heldBytes = held.reduce((n, e) => n + e.len, 0);
        expect(heldBytes).toBe(backlog.histlen);
        expect(held.length <= 1 || heldBytes <= size).toBe(true);
        const got = backlog.from(ask);
        if (ask >= backlog.offset && ask <= backlog.offset + backlog.histlen) expect(got).toEqual(tail);
        else expect(got).toBeUndefined();
      }),
    );
  });

  test('repl-backlog-size below 1 is a typed BAD_CONFIG error', () => {
    expect(() => new ReplBacklog(0, 0)).toThrow(ReplicationError);
  });
});
