/**
 * What `redis-cli --cluster reshard` decides before it moves anything (redis-cli.c 7.0):
 * the masters and their slots from a CLUSTER NODES reply (clusterManagerNodeLoadInfo), the
 * open-slot check of clusterManagerCheckCluster, and which slots to take from which source
 * (clusterManagerComputeReshardTable). Pure functions over text.
 */

export interface PlanNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly master: boolean;
  /** Owned slots, ascending. */
  readonly slots: number[];
  /** Open slots shown in the node's own line ([s->-id] / [s-<-id]). */
  readonly open: number[];
}

export class ReshardPlanError extends Error {
  override readonly name = 'ReshardPlanError';
  constructor(
    readonly code: 'BAD_NODES_REPLY' | 'UNKNOWN_NODE' | 'OPEN_SLOTS' | 'BAD_SLOTS' | 'NOT_ENOUGH_SLOTS',
    message: string,
  ) {
    super(message);
  }
}

/** Parse a CLUSTER NODES reply. */
export function parseClusterNodes(text: string): PlanNode[] {
  const out: PlanNode[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split(' ');
    const [id = '', addr = '', flags = ''] = f;
    const m = /^(.*):(\d+)(@\d+)?(,.*)?$/.exec(addr);
    if (f.length < 8 || m === null) throw new ReshardPlanError('BAD_NODES_REPLY', `CLUSTER NODES: expected '<id> <ip:port@cport> <flags> …', found '${line.slice(0, 120)}'`);
    const slots: number[] = [];
    const open: number[] = [];
    for (const s of f.slice(8)) {
      if (s.startsWith('[')) open.push(Number(s.slice(1, s.indexOf('-'))));
      else {
        const [a, b] = s.split('-').map(Number);
        if (a === undefined || !Number.isInteger(a)) throw new ReshardPlanError('BAD_NODES_REPLY', `CLUSTER NODES: bad slot range '${s}' for ${id}`);
        for (let x = a; x <= (b ?? a); x++) slots.push(x);
      }
    }
    out.push({ id, host: m[1] ?? '', port: Number(m[2]), master: flags.split(',').includes('master'), slots, open });
  }
  return out;
}

/**
 * clusterManagerComputeReshardTable: sources sorted by slot count (most first); each gives its
 * share of `count` (the first rounded up, the others down), lowest slots first.
 */
export function computeReshardTable(sources: readonly PlanNode[], count: number): { slot: number; from: string }[] {
  const total = sources.reduce((n, s) => n + s.slots.length, 0);
  if (!Number.isInteger(count) || count < 1) throw new ReshardPlanError('BAD_SLOTS', `slots must be a positive integer, found ${String(count)}`);
  if (count > total) throw new ReshardPlanError('NOT_ENOUGH_SLOTS', `the sources hold ${total} slots, fewer than the ${count} asked for`);
  const sorted = [...sources].sort((a, b) => b.slots.length - a.slots.length);
  const table: { slot: number; from: string }[] = [];
  sorted.forEach((src, i) => {
    const share = (count / total) * src.slots.length;
    const n = i === 0 ? Math.ceil(share) : Math.floor(share);
    for (const slot of src.slots.slice(0, n)) {
      if (table.length === count) break;
      table.push({ slot, from: src.id });
    }
  });
  return table;
}

/** Resolve `from` ('all', or node ids / id prefixes) and `to` against the masters; refuse open slots. */
export function planReshard(nodes: readonly PlanNode[], from: string | readonly string[], to: string, count: number): { target: PlanNode; moves: { slot: number; from: string }[] } {
  const masters = nodes.filter((n) => n.master);
  const find = (id: string): PlanNode => {
    const hits = masters.filter((n) => n.id === id || (id.length >= 4 && n.id.startsWith(id)));
    const hit = hits[0];
    if (hits.length !== 1 || hit === undefined) throw new ReshardPlanError('UNKNOWN_NODE', `*** The specified node (${id}) is not known or not a master, please retry.`);
    return hit;
  };
  const open = masters.filter((n) => n.open.length > 0);
  if (open.length > 0) throw new ReshardPlanError('OPEN_SLOTS', `[ERR] Nodes don't agree about configuration: open slots ${open.map((n) => `${n.open.join(',')} on ${n.id}`).join('; ')}. Please fix your cluster problems before resharding`);
  const target = find(to);
  const sources = from === 'all' ? masters.filter((n) => n.id !== target.id) : (typeof from === 'string' ? [from] : from).map(find);
  if (sources.some((s) => s.id === target.id)) throw new ReshardPlanError('UNKNOWN_NODE', '*** It is not possible to use the target node as source node.');
  return { target, moves: computeReshardTable(sources, count) };
}
