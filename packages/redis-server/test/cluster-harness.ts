/**
 * A sans-I/O cluster for tests: N RedisServer cores on one virtual clock, cluster mode installed
 * (installCluster), slots spread as redis-cli --cluster create spreads them, and connections
 * that send one command and return its reply as text in redis-cli's terms (errors as the bare
 * text, bulk strings as strings, arrays as arrays).
 */
import { decodeAll, encodeCommand } from '@protolab/resp';
import type { RespValue } from '@protolab/resp';
import { SlotMap } from '@protolab/redis-cluster';
import { Resharder } from '@protolab/redis-cluster';
import type { ReshardOutput } from '@protolab/redis-cluster';
import { ClusterBus, installCluster, RedisServer } from '../src/index.js';
import type { ClusterNodeState } from '../src/index.js';

export type Plain = string | number | null | Plain[];

export function plain(v: RespValue): Plain {
  switch (v.type) {
    case 'simple':
    case 'error':
      return v.value;
    case 'integer':
      return Number(v.value);
    case 'bulk':
    case 'verbatim':
      return Buffer.from(v.value).toString('latin1');
    case 'null':
      return null;
    case 'array':
    case 'set':
    case 'push':
      return v.value.map(plain);
    case 'map':
      return v.value.flatMap(([k, x]) => [plain(k), plain(x)]);
    default:
      return JSON.stringify(v);
  }
}

export interface TestNode {
  readonly srv: RedisServer;
  readonly state: ClusterNodeState;
  readonly id: string;
  readonly port: number;
}

export interface TestCluster {
  readonly nodes: readonly TestNode[];
  advance(ms: number): void;
  /** A new connection to node i: send(argv) → the reply. */
  connect(i: number): (...argv: (string | Uint8Array)[]) => RespValue;
  /** One command on a fresh connection to node i, as plain data. */
  run(i: number, ...argv: (string | Uint8Array)[]): Plain;
  /** Move slots with @protolab/redis-cluster's Resharder, sending its commands to the cores. */
  reshard(moves: readonly { slot: number; to: number }[], pipeline?: number): number;
}

export function testCluster(masters = 3): TestCluster {
  let now = 1_700_000_000_000;
  const bus = new ClusterBus();
  const nodes: TestNode[] = [];
  for (let i = 0; i < masters; i++) {
    const srv = new RedisServer({ now: () => now });
    const id = (i + 1).toString(16).padStart(2, '0').repeat(20);
    const port = 30001 + i;
    const state = installCluster(srv, bus, { id, ip: '127.0.0.1', port, configEpoch: i + 1 }, () => now);
    nodes.push({ srv, state, id, port });
  }
  const slots = SlotMap.evenly(nodes.map((n) => n.id));
  for (const n of nodes) for (const r of slots.ranges()) for (let s = r.start; s <= r.end; s++) n.state.assign(s, r.node);
  let nextConn = 1;
  const connect = (i: number): ((...argv: (string | Uint8Array)[]) => RespValue) => {
    const node = nodes[i];
    if (node === undefined) throw new Error(`no node ${i}`);
    const conn = nextConn++;
    node.srv.connect(conn);
    return (...argv) => {
      const out = node.srv.data(conn, encodeCommand(argv));
      const bytes = Buffer.concat(out.filter((o) => o.type === 'write' && o.id === conn).map((o) => (o.type === 'write' ? o.bytes : new Uint8Array())));
      const [r] = decodeAll(bytes);
      if (r === undefined) throw new Error(`no reply to ${argv.map(String).join(' ')}`);
      return r;
    };
  };
  const byId = new Map(nodes.map((n, i) => [n.id, i]));
  const reshard = (moves: readonly { slot: number; to: number }[], pipeline = 3): number => {
    const conns = nodes.map((_n, i) => connect(i));
    const core = new Resharder({
      masters: nodes.map((n) => n.id),
      idOf: (id) => id,
      addrOf: (id) => ({ host: '127.0.0.1', port: nodes[byId.get(id) ?? -1]?.port ?? 0 }),
      ownerAt: (slot) => nodes[0]?.state.owner(slot) ?? '',
      pipeline,
    });
    let out: ReshardOutput[] = [];
    for (const m of moves) out.push(...core.enqueue({ slot: m.slot, to: nodes[m.to]?.id ?? '' }));
    while (core.busy()) {
      const send = out.find((o) => o.kind === 'send');
      if (send?.kind !== 'send') throw new Error('resharder asked for nothing');
      const conn = conns[byId.get(send.node) ?? -1];
      if (conn === undefined) throw new Error(`unknown node ${send.node}`);
      out = core.onReply(conn(...send.argv));
    }
    return core.done.reduce((n, d) => n + d.keysMoved, 0);
  };
  return {
    nodes,
    advance: (ms) => {
      now += ms;
    },
    connect,
    run: (i, ...argv) => plain(connect(i)(...argv)),
    reshard,
  };
}
