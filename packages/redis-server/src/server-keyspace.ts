/**
 * The server's Keyspace: server.c propagate() with nobody listening costs nothing in Redis
 * (no AOF, no replicas: propagateNow returns early), but the keyspace converts every propagated
 * argv to bytes for its `onPropagate`. This subclass installs the keyspace's hook only while
 * someone listens: a unit that chained itself on `onPropagate` (AOF, replication, cluster slot
 * keys, `RedisServerOptions.onPropagate`), or the server's own tracking of written keys, which
 * is on only while a client WATCHes keys or is blocked on one (signalModifiedKey's readers).
 *
 * `onPropagate` reads and writes the units' chain; the server's own hook runs first, as before.
 */
import { Keyspace } from '@protolab/redis-keyspace';
import type { KeyspaceOptions, PropagateFn } from '@protolab/redis-keyspace';

export class ServerKeyspace extends Keyspace {
  /** The hooks other units chained (each calls the one it replaced first). */
  private chain: PropagateFn | undefined;
  /** Whether the server's own hook (written keys for WATCH / blocked clients) wants the writes. */
  private tracking = false;
  private readonly own: PropagateFn;
  private readonly both: PropagateFn = (db, argv) => {
    if (this.tracking) this.own(db, argv);
    this.chain?.(db, argv);
  };

  constructor(options: KeyspaceOptions, own: PropagateFn) {
    const { onPropagate, ...rest } = options;
    super(rest);
    this.own = own;
    this.chain = onPropagate;
    this.install();
  }

  override get onPropagate(): PropagateFn | undefined {
    return this.chain;
  }

  override set onPropagate(fn: PropagateFn | undefined) {
    this.chain = fn;
    this.install();
  }

  /** Turn the server's own hook on or off (WATCHers or blocked clients exist, or not). */
  setTracking(on: boolean): void {
    if (on === this.tracking) return;
    this.tracking = on;
    this.install();
  }

  private install(): void {
    super.onPropagate = this.chain !== undefined || this.tracking ? this.both : undefined;
  }
}
