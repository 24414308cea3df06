import { RedisServer } from '../src/index.js';
import type { ServerOutput } from '../src/index.js';

/** A server on a virtual clock, and a way to send text and read back what each connection got. */
export function harness(options: { maxclients?: number } = {}) {
  let now = 1_700_000_000_000;
  const srv = new RedisServer({ now: () => now, ...options });
  const text = (out: ServerOutput[], id: number): string =>
    out.map((o) => (o.type === 'write' && o.id === id ? Buffer.from(o.bytes).toString('latin1') : o.type === 'close' && o.id === id ? '<close>' : '')).join('');
  return {
    srv,
    advance(ms: number) {
      now += ms;
    },
    connect(id: number): string {
      return text(srv.connect(id), id);
    },
    send(id: number, request: string): string {
      return text(srv.data(id, Buffer.from(request, 'latin1')), id);
    },
  };
}
