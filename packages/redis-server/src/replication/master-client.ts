/**
 * The master client of a replica (replication.c 7.0): the link to our master is a client of ours
 * with CLIENT_MASTER (replicationCreateMasterClient after a full sync's load), kept aside when the
 * link drops (replicationCacheMaster: server.cached_master) and put back by a PSYNC +CONTINUE
 * (replicationResurrectCachedMaster: the same client — id, creation time, db and last command —
 * over the new socket, appended to server.clients again). CLIENT LIST shows it with flag `M`, type
 * `master`, `user=(superuser)` (c->user is NULL: networking.c catClientInfoString); CLIENT KILL of
 * it frees it (freeClient → replicationCacheMaster), which drops the link; the replica dials again
 * at once and continues with a PSYNC (replicationHandleMasterDisconnection).
 *
 * Here the link's socket is the replication adapter's, so this client is no connection of the
 * core: it has no connId of its own (MASTER_CLIENT_CONN_ID) and is not in `srv.clients`, and the
 * replication core tells its life through the host's `masterClient` events.
 */
import type { MasterClientEvent, WireReplication } from '@protolab/redis-replication';
import type { Client, ConnectInfo } from '../client.js';
import { createClient, keyOf } from '../client.js';
import { commandFullName } from '../call.js';
import type { RedisServer } from '../server.js';
import { RedisServerError } from '../errors.js';

/** The master client is no connection of the core: no connection id is negative. */
export const MASTER_CLIENT_CONN_ID = -1;

export class MasterClient {
  /** server.master: listed while the link is up. */
  private current: Client | undefined;
  /** server.cached_master: kept for a +CONTINUE. */
  private cached: Client | undefined;
  /** server.next_client_id when it was (re)linked: it is listed after the clients with a smaller id. */
  private linkedAtId = 0;

  constructor(
    private readonly srv: RedisServer,
    private readonly repl: () => WireReplication,
    /** The socket's addresses (CLIENT LIST addr = the master's, laddr = ours), read when the link comes up. */
    private readonly socketInfo: () => ConnectInfo,
  ) {}

  /** What the replication core tells (WireReplicationHost.masterClient). */
  onEvent(e: MasterClientEvent): void {
    switch (e.type) {
      case 'create':
        // A full sync: any cached master is discarded (replicationDiscardCachedMaster) and a new client made.
        this.cached = undefined;
        this.current = this.make(this.srv.nextClientId++, this.srv.nowMs(), undefined);
        break;
      case 'resurrect': {
        const old = this.cached;
        this.cached = undefined;
        this.current = old === undefined ? this.make(this.srv.nextClientId++, this.srv.nowMs(), undefined) : this.make(old.id, old.ctimeMs, old);
        break;
      }
      case 'free':
        this.cached = e.cached ? this.current : undefined;
        this.current = undefined;
        break;
      case 'command': {
        const c = this.current;
        const argv0 = e.argv[0];
        if (c === undefined || argv0 === undefined) return;
        c.lastCmd = commandFullName(keyOf(argv0).toLowerCase(), e.argv);
        break;
      }
    }
  }

  /** server.master as CLIENT LIST prints it now, and where it goes in the list; undefined when the link is down. */
  listed(): { client: Client; linkedAtId: number } | undefined {
    const c = this.current;
    if (c === undefined) return undefined;
    const st = this.repl().st;
    c.db = st.masterDb < 0 ? 0 : st.masterDb;
    c.lastInteractionMs = st.master_last_io_ms; // c->lastinteraction: the last read from the master
    return { client: c, linkedAtId: this.linkedAtId };
  }

  private make(id: number, ctimeMs: number, from: Client | undefined): Client {
    if (this.srv.clients.has(MASTER_CLIENT_CONN_ID)) throw new RedisServerError('DUPLICATE_CONNECTION', `connection id ${MASTER_CLIENT_CONN_ID} is the master client's`);
    const c = createClient(MASTER_CLIENT_CONN_ID, id, ctimeMs, 0, this.socketInfo());
    if (from !== undefined) c.lastCmd = from.lastCmd;
    this.linkedAtId = this.srv.nextClientId;
    return c;
  }
}
