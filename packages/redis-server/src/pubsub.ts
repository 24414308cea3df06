/**
 * pubsub.c: SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE / PUBLISH / PUBSUB
 * CHANNELS|NUMSUB|NUMPAT, the RESP2 subscribed-mode restriction, and RESP3 push messages.
 * Patterns match with util.c stringmatchlen (the keyspace's, shared with KEYS).
 *
 * Differences from 7.0's dict orders (kept in insertion order here): UNSUBSCRIBE without
 * arguments confirms channels in subscription order, and a message matching several patterns
 * is delivered pattern by pattern in the order the patterns were first subscribed.
 */
import { helpReply, PUBSUB_HELP } from './help.js';
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import { stringmatchlen } from '@protolab/redis-keyspace';
import type { Client } from './client.js';
import { keyOf } from './client.js';

const bulk = (b: Uint8Array): RespValue => ({ type: 'bulk', value: b });
const text = (s: string): RespValue => bulk(new TextEncoder().encode(s));
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });
const bytesOf = (k: string): Uint8Array => Uint8Array.from(k, (ch) => ch.charCodeAt(0));

/** Commands a RESP2 client may send while subscribed (server.c processCommand). */
export const SUBSCRIBED_MODE_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** Deliver encoded bytes to a connection (the server's output buffers). */
export type Deliver = (c: Client, bytes: Uint8Array) => void;

interface Kind {
  /** server.pubsub_channels / server.pubsub_patterns: name → subscribers, in subscription order. */
  readonly all: Map<string, Set<Client>>;
  /** c->pubsub_channels / c->pubsub_patterns */
  readonly byClient: Map<Client, Map<string, Uint8Array>>;
  readonly sub: string;
  readonly unsub: string;
}

export class PubSub {
  private readonly channels: Kind = { all: new Map(), byClient: new Map(), sub: 'subscribe', unsub: 'unsubscribe' };
  private readonly patterns: Kind = { all: new Map(), byClient: new Map(), sub: 'psubscribe', unsub: 'punsubscribe' };

  constructor(private readonly deliver: Deliver) {}

  /** True when no client subscribes to anything (the per-command checks skip count then). */
  get empty(): boolean {
    return this.channels.byClient.size === 0 && this.patterns.byClient.size === 0;
  }

  /** clientSubscriptionsCount (7.0: channels plus patterns). */
  count(c: Client): number {
    return this.channelCount(c) + this.patternCount(c);
  }

  channelCount(c: Client): number {
    return this.channels.byClient.get(c)?.size ?? 0;
  }

  patternCount(c: Client): number {
    return this.patterns.byClient.get(c)?.size ?? 0;
  }

  /** INFO stats pubsub_channels */
  numChannels(): number {
    return this.channels.all.size;
  }

  /** INFO stats pubsub_patterns, PUBSUB NUMPAT (7.0: distinct patterns). */
  numPatterns(): number {
    return this.patterns.all.size;
  }

  /** A RESP2 array or a RESP3 push, as addReplyPubsub* choose by c->resp. */
  private push(c: Client, items: RespValue[]): void {
    const v: RespValue = c.resp === 3 ? { type: 'push', value: items } : { type: 'array', value: items };
    this.deliver(c, encode(v, { protocol: c.resp }));
  }

  /** pubsubSubscribeChannel / pubsubSubscribePattern, one confirmation per name. */
  private add(k: Kind, c: Client, names: readonly Uint8Array[]): void {
    let mine = k.byClient.get(c);
    if (mine === undefined) k.byClient.set(c, (mine = new Map<string, Uint8Array>()));
    for (const name of names) {
      const key = keyOf(name);
      if (!mine.has(key)) {
        mine.set(key, name);
        let subs = k.all.get(key);
        if (subs === undefined) k.all.set(key, (subs = new Set()));
        subs.add(c);
      }
      this.push(c, [text(k.sub), bulk(name), int(this.count(c))]);
    }
  }

  /** pubsubUnsubscribe{Channel,Pattern} / …AllChannels: without names every one (a null confirmation if none). */
  private remove(k: Kind, c: Client, names: readonly Uint8Array[], notify: boolean): void {
    const mine = k.byClient.get(c) ?? new Map<string, Uint8Array>();
    const targets = names.length > 0 ? names : [...mine.values()];
    if (targets.length === 0 && notify) this.push(c, [text(k.unsub), { type: 'null' }, int(this.count(c))]);
    for (const name of targets) {
      const key = keyOf(name);
      if (mine.delete(key)) {
        const subs = k.all.get(key);
        subs?.delete(c);
        if (subs?.size === 0) k.all.delete(key);
      }
      if (mine.size === 0) k.byClient.delete(c);
      if (notify) this.push(c, [text(k.unsub), bulk(name), int(this.count(c))]);
    }
    if (mine.size === 0) k.byClient.delete(c);
  }

  subscribe(c: Client, names: readonly Uint8Array[]): void {
    this.add(this.channels, c, names);
  }

  unsubscribe(c: Client, names: readonly Uint8Array[], notify = true): void {
    this.remove(this.channels, c, names, notify);
  }

  psubscribe(c: Client, patterns: readonly Uint8Array[]): void {
    this.add(this.patterns, c, patterns);
  }

  punsubscribe(c: Client, patterns: readonly Uint8Array[], notify = true): void {
    this.remove(this.patterns, c, patterns, notify);
  }

  /** Forget every subscription of a client (freeClient, RESET), without confirmations. */
  forget(c: Client): void {
    this.remove(this.channels, c, [], false);
    this.remove(this.patterns, c, [], false);
  }

  /** pubsub.c pubsubPublishMessage: channel subscribers, then every matching pattern's; the receiver count. */
  publish(channel: Uint8Array, message: Uint8Array): number {
    let receivers = 0;
    const name = keyOf(channel);
    const subs = this.channels.all.get(name);
    if (subs !== undefined) {
      for (const c of subs) this.push(c, [text('message'), bulk(channel), bulk(message)]);
      receivers += subs.size;
    }
    for (const [pattern, clients] of this.patterns.all) {
      if (!stringmatchlen(pattern, name)) continue;
      for (const c of clients) this.push(c, [text('pmessage'), bulk(bytesOf(pattern)), bulk(channel), bulk(message)]);
      receivers += clients.size;
    }
    return receivers;
  }

  /** pubsub.c pubsubCommand: CHANNELS [pattern], NUMSUB [channel …], NUMPAT. */
  pubsubCommand(argv: readonly Uint8Array[]): RespValue {
    if (argv.length < 2) return { type: 'error', value: "ERR wrong number of arguments for 'pubsub' command" };
    const sub = keyOf(argv[1] ?? new Uint8Array()).toLowerCase();
    if (sub === 'channels' && argv.length <= 3) {
      const pattern = argv.length === 3 ? keyOf(argv[2] ?? new Uint8Array()) : undefined;
      const names = [...this.channels.all.keys()].filter((k) => pattern === undefined || stringmatchlen(pattern, k));
      return { type: 'array', value: names.map((k) => bulk(bytesOf(k))) };
    }
    if (sub === 'numsub') {
      const out: RespValue[] = [];
      for (const name of argv.slice(2)) out.push(bulk(name), int(this.channels.all.get(keyOf(name))?.size ?? 0));
      return { type: 'array', value: out };
    }
    if (sub === 'numpat' && argv.length === 2) return int(this.patterns.all.size);
    // Sharded Pub/Sub (SSUBSCRIBE) is not implemented, so no shard channel has subscribers.
    if (sub === 'shardchannels' && argv.length <= 3) return { type: 'array', value: [] };
    if (sub === 'shardnumsub') return { type: 'array', value: argv.slice(2).flatMap((name) => [bulk(name), int(0)]) };
    if (sub === 'help' && argv.length === 2) return helpReply('PUBSUB', PUBSUB_HELP);
    // CHANNELS / SHARDCHANNELS take at most a pattern: pubsubCommand's own check, then addReplySubcommandSyntaxError.
    if (sub === 'channels' || sub === 'shardchannels') return { type: 'error', value: `ERR unknown subcommand or wrong number of arguments for '${keyOf(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try PUBSUB HELP.` };
    if (sub === 'numpat' || sub === 'help') return { type: 'error', value: `ERR wrong number of arguments for 'pubsub|${sub}' command` };
    return { type: 'error', value: `ERR unknown subcommand '${keyOf(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try PUBSUB HELP.` };
  }
}
