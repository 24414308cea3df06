/**
 * A deterministic in-memory network for replication tests: RedisServer cores with
 * installReplication, a virtual clock, and a FIFO of deliveries (what adapters/replication.ts does
 * with sockets, without them). Nodes are named by a port number.
 */
import { decodeAll, encodeCommand, type RespValue } from '@protolab/resp';
import type { ReplIo, WireReplication, WireReplicationConfig } from '@protolab/redis-replication';
import { RedisServer, type ServerOutput } from '../src/server.js';
import { installReplication } from '../src/replication/replication.js';
import { replyToWaitersAndSleep } from '../src/replication/wait.js';

export interface PumpNode {
  readonly port: number;
  readonly srv: RedisServer;
  readonly repl: WireReplication;
  /** The connection to its master, when dialled: the master's port and our conn id there. */
  link: { id: number; masterPort: number; connId: number } | undefined;
}

export class ReplPump {
  nowMs = 1_700_000_000_000;
  readonly nodes = new Map<number, PumpNode>();
  private readonly queue: (() => void)[] = [];
  private nextConn = 100;
  private nextId = 1;
  /** Replies to test clients, by "port/connId". */
  readonly replies = new Map<string, RespValue[]>();
  /** Ports that refuse connections (a partition). */
  readonly down = new Set<number>();

  add(port: number, config: Partial<WireReplicationConfig> = {}): PumpNode {
    const srv = new RedisServer({ now: () => this.nowMs });
    const node: PumpNode = { port, srv, repl: undefined as unknown as WireReplication, link: undefined };
    const repl = installReplication(srv, {
      listeningPort: () => port,
      peerIp: () => '127.0.0.1',
      io: (outs) => {
        this.io(node, outs);
      },
      now: () => this.nowMs,
      newReplid: () => (this.nextId++).toString(16).padStart(40, '0'),
      config,
    });
    (node as { repl: WireReplication }).repl = repl;
    srv.infoSections.set('replication', () => `# Replication\r\n${repl.info().map((l) => `${l}\r\n`).join('')}`);
    this.nodes.set(port, node);
    return node;
  }

  private node(port: number): PumpNode {
    const n = this.nodes.get(port);
    if (n === undefined) throw new Error(`no node on port ${port}`);
    return n;
  }

  /** Deliver everything queued (FIFO), bounded. */
  drain(): void {
    for (let i = 0; i < 1_000_000 && this.queue.length > 0; i++) this.queue.shift()?.();
  }

  private io(node: PumpNode, outs: readonly ReplIo[]): void {
    for (const o of outs) {
      if (o.type === 'write') this.queue.push(() => { this.toReplicaOf(node, o.connId, o.bytes); });
      else if (o.type === 'reply') this.record(node.port, o.connId, [o.value]);
      else if (o.type === 'close') this.queue.push(() => { this.closeInbound(node, o.connId); });
      else if (o.type === 'connectMaster') this.queue.push(() => { this.dial(node, o.port, o.link); });
      else if (o.type === 'writeMaster') this.queue.push(() => { this.toMaster(node, o.link, o.bytes); });
      else this.queue.push(() => { this.dropLink(node, o.link); });
    }
  }

  private dial(node: PumpNode, masterPort: number, link: number): void {
    if (this.down.has(masterPort) || !this.nodes.has(masterPort)) {
      node.repl.masterClosed(link);
      return;
    }
    const connId = this.nextConn++;
    node.link = { id: link, masterPort, connId };
    this.apply(this.node(masterPort), this.node(masterPort).srv.connect(connId));
    this.io(node, node.repl.masterConnected(link));
  }

  private toMaster(node: PumpNode, link: number, bytes: Uint8Array): void {
    const l = node.link;
    if (l === undefined || l.id !== link) return;
    const m = this.node(l.masterPort);
    this.apply(m, m.srv.data(l.connId, bytes));
  }

  /** Bytes the master `m` writes on connection `connId`: to the replica whose link it is, or a test client. */
  private toReplicaOf(m: PumpNode, connId: number, bytes: Uint8Array): void {
    for (const r of this.nodes.values()) {
      if (r.link?.masterPort === m.port && r.link.connId === connId) {
        this.io(r, r.repl.masterData(r.link.id, bytes));
        return;
      }
    }
    this.record(m.port, connId, decodeAll(bytes));
  }

  private apply(m: PumpNode, outs: readonly ServerOutput[]): void {
    for (const o of outs) {
      if (o.type === 'write') this.queue.push(() => { this.toReplicaOf(m, o.id, o.bytes); });
      else this.queue.push(() => { this.closeInbound(m, o.id); });
    }
  }

  private closeInbound(m: PumpNode, connId: number): void {
    m.srv.close(connId);
    m.repl.clientClosed(connId);
    for (const r of this.nodes.values()) {
      if (r.link?.masterPort === m.port && r.link.connId === connId) this.dropLink(r, r.link.id);
    }
  }

  /** The TCP connection to the master breaks (both ends notice). */
  dropLink(node: PumpNode, link?: number): void {
    const l = node.link;
    if (l === undefined || (link !== undefined && l.id !== link)) return;
    node.link = undefined;
    const m = this.node(l.masterPort);
    m.srv.close(l.connId);
    m.repl.clientClosed(l.connId);
    this.io(node, node.repl.masterClosed(l.id));
  }

  private record(port: number, connId: number, values: RespValue[]): void {
    const key = `${port}/${connId}`;
    this.replies.set(key, [...(this.replies.get(key) ?? []), ...values]);
  }

  /** Run commands as a fresh client of `port`; returns their replies (after draining). */
  client(port: number): { connId: number; send: (...argv: (string | number)[]) => RespValue[]; pipeline: (...cmds: (string | number)[][]) => RespValue[] } {
    const n = this.node(port);
    const connId = this.nextConn++;
    n.srv.connect(connId);
    const pipeline = (...cmds: (string | number)[][]): RespValue[] => {
      const before = this.replies.get(`${port}/${connId}`)?.length ?? 0;
      const bytes = cmds.map((argv) => encodeCommand(argv));
      const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
      bytes.reduce((at, b) => (all.set(b, at), at + b.length), 0);
      this.apply(n, n.srv.data(connId, all));
      this.drain();
      return (this.replies.get(`${port}/${connId}`) ?? []).slice(before);
    };
    // `pipeline`: several commands in one read (what the client sent before any reply).
    return { connId, send: (...argv) => pipeline(argv), pipeline };
  }

  /** Advance the virtual clock in 100 ms steps, ticking every node's replication and serverCron. */
  advance(ms: number): void {
    for (let t = 0; t < ms; t += 100) {
      this.nowMs += 100;
      for (const n of this.nodes.values()) {
        // A WAIT its deadline answers: the server's reply, then the commands it held (replication/wait.ts).
        const t = replyToWaitersAndSleep(n.srv, n.repl.tick());
        this.io(n, t.io);
        this.apply(n, t.outputs);
        this.apply(n, n.srv.tick().outputs);
      }
      this.drain();
    }
  }
}

/** A reply as plain text / numbers. */
export function text(v: RespValue | undefined): string | number | null {
  if (v === undefined) return null;
  if (v.type === 'bulk') return new TextDecoder().decode(v.value);
  if (v.type === 'simple') return v.value;
  if (v.type === 'error') return `-${v.value}`;
  if (v.type === 'integer') return Number(v.value);
  if (v.type === 'null') return null;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x instanceof Uint8Array ? new TextDecoder().decode(x) : x));
}

/** INFO replication of a node as a Map. */
export function replInfo(n: PumpNode): Map<string, string> {
  return new Map(n.repl.info().map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}
