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
 */
import type { RespValue } from '@protolab/resp';
import { reply } from '@protolab/resp';
import { ClusterError, clusterRedirectClient, getNodeByQuery } from '@protolab/redis-cluster';
import type { Client } from '../client.js';
import type { CommandFilter, ServerCommandProc } from '../server.js';
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
