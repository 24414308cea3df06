/**
 * pubsub.c for channels: SUBSCRIBE / UNSUBSCRIBE / PUBLISH / PUBSUB CHANNELS|NUMSUB|NUMPAT, the
 * RESP2 subscribed-mode restriction, and RESP3 push messages. Pattern subscriptions
 * (PSUBSCRIBE) are not modelled yet (they need the keyspace's stringmatchlen, not exported).
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';

const bulk = (b: Uint8Array): RespValue => ({ type: 'bulk', value: b });
const text = (s: string): RespValue => bulk(new TextEncoder().encode(s));
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });

/** Commands a RESP2 client may send while subscribed (server.c processCommand). */
export const SUBSCRIBED_MODE_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** Deliver encoded bytes to a connection (the server's output buffers). */
export type Deliver = (c: Client, bytes: Uint8Array) => void;

export class PubSub {
  /** server.pubsub_channels: channel → subscribers, in subscription order. */
  private readonly channels = new Map<string, Set<Client>>();
  /** c->pubsub_channels */
  private readonly byClient = new Map<Client, Map<string, Uint8Array>>();

  constructor(private readonly deliver: Deliver) {}

  /** clientSubscriptionsCount */
  count(c: Client): number {
    return this.byClient.get(c)?.size ?? 0;
  }

  /** A RESP2 array or a RESP3 push, as addReplyPubsub* choose by c->resp. */
  private push(c: Client, items: RespValue[]): void {
    const v: RespValue = c.resp === 3 ? { type: 'push', value: items } : { type: 'array', value: items };
    this.deliver(c, encode(v, { protocol: c.resp }));
  }

  /** pubsub.c subscribeCommand → pubsubSubscribeChannel, one confirmation per channel. */
  subscribe(c: Client, names: readonly Uint8Array[]): void {
    let mine = this.byClient.get(c);
    if (mine === undefined) this.byClient.set(c, (mine = new Map<string, Uint8Array>()));
    for (const name of names) {
      const k = keyOf(name);
      if (!mine.has(k)) {
        mine.set(k, name);
        let subs = this.channels.get(k);
        if (subs === undefined) this.channels.set(k, (subs = new Set()));
        subs.add(c);
      }
      this.push(c, [text('subscribe'), bulk(name), int(mine.size)]);
    }
  }

  /** pubsub.c unsubscribeCommand; without names, every channel (one null confirmation if none). */
  unsubscribe(c: Client, names: readonly Uint8Array[], notify = true): void {
    const mine = this.byClient.get(c) ?? new Map<string, Uint8Array>();
    const targets = names.length > 0 ? names : [...mine.values()];
    if (targets.length === 0 && notify) this.push(c, [text('unsubscribe'), { type: 'null' }, int(0)]);
    for (const name of targets) {
      const k = keyOf(name);
      if (mine.delete(k)) {
        const subs = this.channels.get(k);
        subs?.delete(c);
        if (subs?.size === 0) this.channels.delete(k);
      }
      if (notify) this.push(c, [text('unsubscribe'), bulk(name), int(mine.size)]);
    }
    if (mine.size === 0) this.byClient.delete(c);
  }

  /** pubsub.c pubsubPublishMessage: deliver to each subscriber, answer how many got it. */
  publish(channel: Uint8Array, message: Uint8Array): number {
    const subs = this.channels.get(keyOf(channel));
    if (subs === undefined) return 0;
    for (const c of subs) this.push(c, [text('message'), bulk(channel), bulk(message)]);
    return subs.size;
  }

  /** pubsub.c pubsubCommand: CHANNELS (without a pattern), NUMSUB, NUMPAT. */
  pubsubCommand(argv: readonly Uint8Array[]): RespValue {
    if (argv.length < 2) return { type: 'error', value: "ERR wrong number of arguments for 'pubsub' command" };
    const sub = keyOf(argv[1] ?? new Uint8Array()).toLowerCase();
    if (sub === 'channels' && argv.length <= 3) {
      // Only '*' and literal patterns: glob matching waits for the keyspace's stringmatchlen.
      const pattern = argv.length === 3 ? keyOf(argv[2] ?? new Uint8Array()) : '*';
      if (pattern !== '*' && /[*?[\\]/.test(pattern)) return { type: 'error', value: 'ERR PUBSUB CHANNELS with a glob pattern is not implemented by protolab-redis' };
      const names = [...this.channels.keys()].filter((k) => pattern === '*' || k === pattern);
      return { type: 'array', value: names.map((k) => bulk(Uint8Array.from(k, (ch) => ch.charCodeAt(0)))) };
    }
    if (sub === 'numsub') {
      const out: RespValue[] = [];
      for (const name of argv.slice(2)) out.push(bulk(name), int(this.channels.get(keyOf(name))?.size ?? 0));
      return { type: 'array', value: out };
    }
    if (sub === 'numpat' && argv.length === 2) return int(0);
    if (sub === 'channels' || sub === 'numpat') return { type: 'error', value: `ERR wrong number of arguments for 'pubsub|${sub}' command` };
    return { type: 'error', value: `ERR unknown subcommand '${keyOf(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try PUBSUB HELP.` };
  }
}
