/** A test harness: a server on a virtual µs clock that tests move, and commands made slow on purpose. */
import { RedisServer } from '../src/index.js';
import type { ServerOutput } from '../src/index.js';

/** A server whose µs clock only moves when a test says so (or a wrapped command runs). */
export function clockHarness() {
  let us = 1_700_000_000_000_000;
  const srv = new RedisServer({ now: () => Math.floor(us / 1000), ustime: () => us });
  const text = (out: ServerOutput[], id: number): string => out.map((o) => (o.type === 'write' && o.id === id ? Buffer.from(o.bytes).toString('latin1') : '')).join('');
  return {
    srv,
    advanceUs(n: number) {
      us += n;
    },
    /** `name` (a command this package runs, or a keyspace one) now takes `durUs` more µs. */
    slow(name: string, durUs: number) {
      const inner = srv.serverCommands.get(name) ?? ((s: RedisServer, c: Parameters<NonNullable<ReturnType<typeof srv.serverCommands.get>>>[1], argv: Uint8Array[]) => s.runOnKeyspace(c, argv));
      srv.serverCommands.set(name, (s, c, argv) => {
        us += durUs;
        return inner(s, c, argv);
      });
    },
    connect(id: number) {
      srv.connect(id);
    },
    send(id: number, request: string): string {
      return text(srv.data(id, Buffer.from(request, 'latin1')), id);
    },
    info(id: number, section: string): Map<string, string> {
      const raw = text(srv.data(id, Buffer.from(`INFO ${section}\r\n`, 'latin1')), id);
      const m = new Map<string, string>();
      for (const line of raw.split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0 && !line.startsWith('$')) m.set(line.slice(0, i), line.slice(i + 1));
      }
      return m;
    },
  };
}

