/**
 * A cluster node on @protolab/sim: the sans-I/O ClusterNode core (node.ts) behind a thin adapter
 * that turns its outcomes into sim messages and timers. MIGRATE blocks the node as in Redis.
 */
import type { NodeFactory, NodeHandlers } from '@protolab/sim';
import type { RespValue } from '@protolab/resp';
import type { ClusterMsg } from '../messages.js';
import { type ClusterNode, type Connection, type MigrateJob, newConnection } from '../node.js';

export interface NodeActor {
  readonly core: ClusterNode;
}

/**
 * A cluster node. MIGRATE blocks the node (Redis runs it synchronously): requests that arrive
 * meanwhile wait in a queue, as they would in the socket buffers.
 */
export function clusterNodeActor(core: ClusterNode, nameOfNode: (id: string) => string): NodeFactory<ClusterMsg, unknown, unknown, NodeActor & NodeHandlers<ClusterMsg>> {
  return (ctx) => {
    const conns = new Map<string, Connection>();
    const queue: { from: string; msg: Extract<ClusterMsg, { type: 'req' }> }[] = [];
    let nextId = 0;
    let blocked:
      | { from: string; msg: Extract<ClusterMsg, { type: 'req' }>; index: number; replies: RespValue[]; job: MigrateJob; reqId: number; timer: number }
      | undefined;

    const run = (from: string, msg: Extract<ClusterMsg, { type: 'req' }>, start: number, replies: RespValue[]): void => {
      let conn = conns.get(from);
      if (conn === undefined) conns.set(from, (conn = newConnection()));
      for (let i = start; i < msg.cmds.length; i++) {
        const argv = msg.cmds[i];
        if (argv === undefined) break;
        const out = core.execute(conn, argv);
        if ('reply' in out) {
          replies.push(out.reply);
          continue;
        }
        const reqId = ++nextId;
        ctx.send(nameOfNode(out.migrate.target), { type: 'req', id: reqId, cmds: out.migrate.restores });
        const timer = ctx.setTimer(out.migrate.timeoutMs, 'migrate-timeout', reqId);
        blocked = { from, msg, index: i, replies, job: out.migrate, reqId, timer };
        return;
      }
      ctx.send(from, { type: 'rep', id: msg.id, replies });
    };
    const idle = (): boolean => blocked === undefined;
    const resume = (targetReplies: RespValue[] | undefined): void => {
      const b = blocked;
      if (b === undefined) return;
      blocked = undefined;
      b.replies.push(core.finishMigrate(b.job, targetReplies));
      run(b.from, b.msg, b.index + 1, b.replies);
      // run() may block again on another MIGRATE; re-read the state through a call.
      for (let next = idle() ? queue.shift() : undefined; next !== undefined; next = idle() ? queue.shift() : undefined) {
        run(next.from, next.msg, 0, []);
      }
    };
    return {
      core,
      onMessage(from: string, msg: ClusterMsg): void {
        if (msg.type === 'rep') {
          // A late reply of a MIGRATE that already timed out is ignored (its socket was closed).
          if (blocked?.reqId === msg.id) {
            ctx.cancelTimer(blocked.timer);
            resume(msg.replies);
          }
          return;
        }
        if (blocked !== undefined) queue.push({ from, msg });
        else run(from, msg, 0, []);
      },
      onTimer(name: string, data: unknown): void {
        if (name === 'migrate-timeout' && blocked?.reqId === data) resume(undefined);
      },
    } satisfies NodeActor & Record<string, unknown>; // map-ok: a type check of this literal's own members
  };
}
