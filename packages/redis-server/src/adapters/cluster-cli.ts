/**
 * The cluster forms of the protolab-redis CLI (called first by src/bin/protolab-redis.ts):
 *
 *   protolab-redis --cluster 3 --port 7000 [--bind 127.0.0.1] [--hz 10]
 *       N cluster-enabled masters in this process on ports 7000.. (startRedisCluster)
 *   protolab-redis --cluster-reshard 127.0.0.1:7000 --from <id>|all --to <id> --slots 100 [--pipeline 10]
 *       move slots as `redis-cli --cluster reshard` does (reshard), against any cluster
 *
 * Returns false when the arguments are not a cluster form, so the normal server starts.
 */
import { startRedisCluster } from './cluster.js';
import { reshard } from './cluster-reshard.js';
import { RedisClusterError } from '../cluster/errors.js';

const CLUSTER_FLAGS = new Set(['cluster', 'port', 'bind', 'hz', 'maxclients', 'proto-max-bulk-len']);
const RESHARD_FLAGS = new Set(['cluster-reshard', 'from', 'to', 'slots', 'pipeline', 'timeout']);

function flags(args: readonly string[], allowed: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = (args[i] ?? '').replace(/^--/, '').toLowerCase();
    if (!allowed.has(name)) throw new RedisClusterError('BAD_OPTION', `option '${args[i] ?? ''}' is not supported here (supported: ${[...allowed].map((f) => `--${f}`).join(', ')})`);
    const value = args[i + 1];
    if (value === undefined) throw new RedisClusterError('BAD_OPTION', `option '--${name}' needs a value`);
    out.set(name, value);
  }
  return out;
}

function int(m: Map<string, string>, name: string): number | undefined {
  const v = m.get(name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new RedisClusterError('BAD_OPTION', `argument of '--${name}' must be a non-negative integer, found '${v}'`);
  return Number(v);
}

async function startCluster(m: Map<string, string>): Promise<void> {
  const cluster = await startRedisCluster({
    masters: int(m, 'cluster'),
    port: int(m, 'port') ?? 7000,
    host: m.get('bind')?.split(' ')[0] ?? '127.0.0.1',
    hz: int(m, 'hz'),
    maxclients: int(m, 'maxclients'),
    protoMaxBulkLen: int(m, 'proto-max-bulk-len'),
  });
  for (const n of cluster.nodes) {
    const slots = n.cluster.rangesOf(n.id).map(([a, b]) => `${a}-${b}`).join(',');
    console.log(`protolab-redis: cluster node ${n.id} ready on ${n.host}:${n.port} (master, slots ${slots})`);
  }
  const stop = (): void => {
    void cluster.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function runReshard(m: Map<string, string>): Promise<void> {
  const entry = m.get('cluster-reshard') ?? '';
  const colon = entry.lastIndexOf(':');
  const port = Number(entry.slice(colon + 1));
  if (colon === -1 || !Number.isInteger(port)) throw new RedisClusterError('BAD_OPTION', `--cluster-reshard needs host:port, found '${entry}'`);
  const from = m.get('from');
  const to = m.get('to');
  const slots = int(m, 'slots');
  if (from === undefined || to === undefined || slots === undefined) throw new RedisClusterError('BAD_OPTION', '--cluster-reshard needs --from <id>|all, --to <id> and --slots <n>');
  const r = await reshard(
    { host: entry.slice(0, colon), port },
    {
      from: from === 'all' ? 'all' : from.split(','),
      to,
      slots,
      pipeline: int(m, 'pipeline'),
      timeoutMs: int(m, 'timeout'),
      onMove: (d) => {
        console.log(`Moving slot ${d.slot} from ${d.from} to ${d.to}: ${d.keysMoved} keys`);
      },
    },
  );
  console.log(`[OK] ${r.moved.length} slots moved, ${r.keysMoved} keys.`);
}

/** Run a cluster form of the CLI; false when `args` are not one. */
export async function clusterCli(args: readonly string[]): Promise<boolean> {
  if (args.includes('--cluster-reshard')) {
    await runReshard(flags(args, RESHARD_FLAGS));
    return true;
  }
  if (args.includes('--cluster')) {
    await startCluster(flags(args, CLUSTER_FLAGS));
    return true;
  }
  return false;
}
