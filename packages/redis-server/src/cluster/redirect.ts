/**
 * The cluster checks of server.c processCommand and the connection commands around them:
 *
 * - `clusterRouteFilter`: processCommand's cluster redirection — getNodeByQuery (from
 *   @protolab/redis-cluster: MOVED / ASK / TRYAGAIN / CROSSSLOT / CLUSTERDOWN) and
 *   clusterRedirectClient's texts. Inside MULTI a redirected command flags the transaction
 *   (flagTransaction → EXECABORT at EXEC); a redirected EXEC discards it (discardTransaction).
 *   Then resetClient's rule for CLIENT_ASKING: it lasts one command, or until EXEC/DISCARD when
 *   given inside MULTI.
 * - ASKING, READONLY, READWRITE (cluster.c askingCommand / readonlyCommand / readwriteCommand).
 * - SELECT: db.c selectCommand refuses a non-zero db in cluster mode (also at EXEC).
 * - INFO: adds the `# Cluster` section (cluster_enabled:1) that redis-cli --cluster looks for.
 */
import type { RespValue } from '@protolab/resp';
import { reply } from '@protolab/resp';
import { ClusterError, clusterRedirectClient, getNodeByQuery } from '@protolab/redis-cluster';
import type { Client } from '../client.js';
import type { CommandFilter, RedisServer, ServerCommandProc } from '../server.js';
import type { ClusterNodeState } from './state.js';

/** Commands after which a client in MULTI is no longer in it. */
const ENDS_MULTI = new Set(['exec', 'discard', 'reset', 'quit']);

/** resetClient: does CLIENT_ASKING survive this command? */
function askingSurvives(c: Client, name: string): boolean {
  return name === 'asking' || name === 'multi' || (c.inMulti && !ENDS_MULTI.has(name));
}

export function clusterRouteFilter(node: ClusterNodeState): CommandFilter {
  return (srv, c, name, argv) => {
    const flags = node.clientFlags(c);
    const asking = flags.asking;
    if (!askingSurvives(c, name)) flags.asking = false;
    let route;
    try {
      route = getNodeByQuery(node.view(), { asking, readonly: flags.readonly, multi: c.inMulti ? c.queue : undefined }, argv);
    } catch (e) {
      // An unknown command or a wrong arity: processCommand answers it before any routing.
      if (e instanceof ClusterError) return undefined;
      throw e;
    }
    if (route.kind === 'serve') return undefined;
    if (name === 'exec') srv.discard(c);
    else if (c.inMulti) c.dirtyExec = true;
    const text = clusterRedirectClient(route, (id) => {
      const n = node.lookup(id);
      return n === undefined ? undefined : { host: n.ip, port: n.port };
    });
    if (text === undefined) return undefined;
    const kind = text.slice(0, text.indexOf(' ')).toLowerCase();
    node.redirects.set(kind, (node.redirects.get(kind) ?? 0) + 1);
    node.onRedirect?.({ text, argv: argv.map((a) => Buffer.from(a).toString('latin1')) });
    return reply.error(text);
  };
}

const wrongArgs = (name: string): RespValue => reply.error(`ERR wrong number of arguments for '${name}' command`);

export function askingCommand(node: ClusterNodeState): ServerCommandProc {
  return (_srv, c, argv) => {
    if (argv.length !== 1) return wrongArgs('asking');
    node.clientFlags(c).asking = true;
    return reply.ok;
  };
}

export function readonlyCommand(node: ClusterNodeState, on: boolean): ServerCommandProc {
  return (_srv, c, argv) => {
    if (argv.length !== 1) return wrongArgs(on ? 'readonly' : 'readwrite');
    node.clientFlags(c).readonly = on;
    return reply.ok;
  };
}

/** selectCommand: after the index parses, a non-zero one is refused in cluster mode. */
export const selectCommand: ServerCommandProc = (srv, c, argv) => {
  const id = argv.length === 2 ? Number(Buffer.from(argv[1] ?? new Uint8Array()).toString('latin1')) : 0;
  if (Number.isInteger(id) && id !== 0) return reply.error('ERR SELECT is not allowed in cluster mode');
  return srv.runOnKeyspace(c, argv);
};

const CLUSTER_SECTION = '# Cluster\r\ncluster_enabled:1\r\n';
/** The sections INFO prints the cluster section for (genRedisInfoString: default, all, everything). */
const WITH_CLUSTER = new Set(['default', 'all', 'everything', 'cluster']);

/** INFO with the cluster section, placed where genRedisInfoString puts it (before # Keyspace). */
export function infoCommand(previous: ServerCommandProc | undefined): ServerCommandProc {
  return (srv: RedisServer, c, argv) => {
    const sections = argv.slice(1).map((a) => Buffer.from(a).toString('latin1').toLowerCase());
    const wanted = sections.length === 0 || sections.some((s) => WITH_CLUSTER.has(s));
    if (sections.length === 1 && sections[0] === 'cluster') return reply.bulk(CLUSTER_SECTION);
    const r = previous !== undefined ? previous(srv, c, argv) : srv.runOnKeyspace(c, argv);
    if (r === undefined || !wanted || (r.type !== 'bulk' && r.type !== 'verbatim')) return r;
    const body = Buffer.from(r.value).toString('latin1');
    const at = body.indexOf('# Keyspace');
    const out = at === -1 ? (body === '' ? CLUSTER_SECTION : `${body}\r\n${CLUSTER_SECTION}`) : `${body.slice(0, at)}${CLUSTER_SECTION}\r\n${body.slice(at)}`;
    const bytes = new Uint8Array(Buffer.from(out, 'latin1'));
    return r.type === 'bulk' ? { type: 'bulk', value: bytes } : { type: 'verbatim', format: r.format, value: bytes };
  };
}
