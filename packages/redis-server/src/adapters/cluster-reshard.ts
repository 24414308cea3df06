/**
 * `reshard`: move slots between the masters of a running cluster the way
 * `redis-cli --cluster reshard` does, over real sockets (one RespClient per master), so it works
 * against protolab nodes in this process, in another process, or real redis-server nodes.
 * redis-cli.c 7.0 clusterManagerCommandReshard: load CLUSTER NODES, refuse open slots, compute
 * the reshard table, then clusterManagerMoveSlot per slot — driven here by
 * @protolab/redis-cluster's Resharder core (SETSLOT IMPORTING on the target, MIGRATING on the
 * source, GETKEYSINSLOT + MIGRATE … KEYS batches, SETSLOT NODE on target, source, then the others).
 *
 *   await reshard({ host: '127.0.0.1', port: 7000 }, { from: srcId, to: dstId, slots: 100 });
 */
import { RespClient } from '@protolab/resp';
import type { RespValue } from '@protolab/resp';
import type { ReshardDone, ReshardOutput } from '@protolab/redis-cluster';
import { Resharder } from '@protolab/redis-cluster';
import type { PlanNode } from '../cluster/reshard-plan.js';
import { parseClusterNodes, planReshard, ReshardPlanError } from '../cluster/reshard-plan.js';

export interface ReshardOptions {
  /** Source master ids (or unique id prefixes of 4+ chars), or 'all' (every master but `to`). */
  readonly from: string | readonly string[];
  /** Target master id (or a unique prefix). */
  readonly to: string;
  /** Number of slots to move. */
  readonly slots: number;
  /** Keys per GETKEYSINSLOT / MIGRATE (redis-cli --cluster-pipeline, default 10). */
  readonly pipeline?: number | undefined;
  /** MIGRATE timeout in ms (redis-cli --cluster-timeout, default 60000). */
  readonly timeoutMs?: number | undefined;
  /** Each finished slot move. */
  readonly onMove?: (done: ReshardDone) => void;
  /** Each command sent (for traces): node id and argv as text. */
  readonly onCommand?: (node: string, argv: readonly string[]) => void;
}

export interface ReshardResult {
  readonly moved: readonly ReshardDone[];
  readonly keysMoved: number;
}

const show = (a: string | Uint8Array): string => (typeof a === 'string' ? a : Buffer.from(a).toString('latin1'));

export async function reshard(entry: { readonly host?: string; readonly port: number }, options: ReshardOptions): Promise<ReshardResult> {
  const first = await RespClient.connect(entry.port, entry.host ?? '127.0.0.1');
  let nodes: PlanNode[];
  try {
    const r = await first.call('CLUSTER', 'NODES');
    if (r.type !== 'bulk') throw new ReshardPlanError('BAD_NODES_REPLY', `CLUSTER NODES answered ${r.type === 'error' ? r.value : r.type}`);
    nodes = parseClusterNodes(Buffer.from(r.value).toString('utf8'));
  } finally {
    await first.close();
  }
  const { target, moves } = planReshard(nodes, options.from, options.to, options.slots);
  const masters = nodes.filter((n) => n.master);
  const byId = new Map(masters.map((n) => [n.id, n]));
  const owner = new Map<number, string>();
  for (const n of masters) for (const s of n.slots) owner.set(s, n.id);
  const clients = new Map<string, RespClient>();
  try {
    for (const n of masters) clients.set(n.id, await RespClient.connect(n.port, n.host));
    const core = new Resharder({
      masters: masters.map((n) => n.id),
      idOf: (id) => id,
      addrOf: (id) => {
        const n = byId.get(id);
        if (n === undefined) throw new ReshardPlanError('UNKNOWN_NODE', `reshard: no address for ${id}`);
        return { host: n.host, port: n.port };
      },
      ownerAt: (slot) => owner.get(slot) ?? '',
      pipeline: options.pipeline ?? 10,
      migrateTimeoutMs: options.timeoutMs ?? 60000,
    });
    let out: ReshardOutput[] = [];
    for (const m of moves) out.push(...core.enqueue({ slot: m.slot, to: target.id }));
    let seen = 0;
    while (core.busy()) {
      const send = out.find((o): o is Extract<ReshardOutput, { kind: 'send' }> => o.kind === 'send');
      if (send === undefined) throw new ReshardPlanError('BAD_NODES_REPLY', 'reshard: the core is busy but asked for nothing');
      const client = clients.get(send.node);
      if (client === undefined) throw new ReshardPlanError('UNKNOWN_NODE', `reshard: no connection to ${send.node}`);
      options.onCommand?.(send.node, send.argv.map(show));
      const reply: RespValue = await client.call(...send.argv);
      out = core.onReply(reply);
      for (; seen < core.done.length; seen++) {
        const d = core.done[seen];
        if (d !== undefined) options.onMove?.(d);
      }
    }
    return { moved: core.done, keysMoved: core.done.reduce((n, d) => n + d.keysMoved, 0) };
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
}
