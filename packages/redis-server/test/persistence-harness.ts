import { SimDisk, Prng } from '@protolab/sim';
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import { Persistence, RedisServer } from '../src/index.js';
import type { PersistenceConfig, ServerOutput } from '../src/index.js';

/** A RedisServer with persistence on a SimDisk and a virtual clock; `restart` = a new process on the same disk. */
export function persistentHarness(config: Partial<PersistenceConfig> = {}, opts: { disk?: SimDisk; clock?: { now: number } } = {}) {
  const clock = opts.clock ?? { now: 1_700_000_000_000 };
  const disk = opts.disk ?? new SimDisk(() => clock.now, { osFlushDelayMs: 30_000, tornWrites: true });
  const log: string[] = [];
  const exits: number[] = [];
  const p = new Persistence({ disk, now: () => clock.now, config, log: (l) => log.push(l), exit: (c) => exits.push(c) });
  const srv = new RedisServer({ now: () => clock.now, onPropagate: p.onPropagate, payloadCodec: rdbPayloadCodec });
  p.attach(srv);
  const text = (out: ServerOutput[], id: number): string =>
    out.map((o) => (o.type === 'write' && o.id === id ? Buffer.from(o.bytes).toString('latin1') : o.type === 'close' && o.id === id ? '<close>' : '')).join('');
  const connected = new Set<number>();
  const h = {
    srv, p, disk, clock, log, exits,
    advance(ms: number) {
      clock.now += ms;
    },
    /** One command (inline form) on connection `id`; the raw reply bytes. */
    cmd(line: string, id = 1): string {
      if (!connected.has(id)) {
        srv.connect(id);
        connected.add(id);
      }
      return text(srv.data(id, Buffer.from(`${line}\r\n`, 'latin1')), id);
    },
    /** A multibulk command (binary-safe arguments). */
    argv(args: readonly string[], id = 1): string {
      if (!connected.has(id)) {
        srv.connect(id);
        connected.add(id);
      }
      const req = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
      return text(srv.data(id, Buffer.from(req, 'latin1')), id);
    },
    tick(): void {
      srv.tick();
    },
    /** Power loss: the disk keeps what was fsynced (plus OS write-back), then a new server starts on it. */
    crashAndRestart(seed: number, cfg: Partial<PersistenceConfig> = config) {
      disk.crash(new Prng(seed));
      return persistentHarness(cfg, { disk, clock });
    },
    /** A clean process restart on the same disk (no crash). */
    restart(cfg: Partial<PersistenceConfig> = config) {
      return persistentHarness(cfg, { disk, clock });
    },
  };
  return h;
}

export const bulk = (s: string): string => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
