/**
 * A sentinel's Pub/Sub for its clients (Redis 7.0 pubsub.c, as sentinel mode keeps it: SUBSCRIBE,
 * PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, and the events sentinelEvent publishes). Sans-I/O: each
 * function takes a client's subscriptions and returns the replies to write.
 */
import { reply, type RespValue } from '@protolab/resp';

export interface PubSubState {
  /** The protocol the client speaks (HELLO 3 makes replies and messages RESP3 pushes). */
  resp: 2 | 3;
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
}

function subscriptionCount(c: PubSubState): number {
  return c.channels.size + c.patterns.size;
}

/** addReplyPubsub*: an array in RESP2, a push in RESP3. */
function pubsubReply(c: PubSubState, items: RespValue[]): RespValue {
  return c.resp === 3 ? reply.push(items) : reply.array(items);
}

/** pubsubSubscribeChannel / pubsubSubscribePattern for each argument. */
export function subscribe(c: PubSubState, kind: 'subscribe' | 'psubscribe', names: readonly string[]): RespValue[] {
  const set = kind === 'subscribe' ? c.channels : c.patterns;
  return names.map((name) => {
    set.add(name);
    return pubsubReply(c, [reply.bulk(kind), reply.bulk(name), reply.integer(subscriptionCount(c))]);
  });
}

/** pubsubUnsubscribe(All)Channels / Patterns: with no names, all; with none at all, one reply with a null name. */
export function unsubscribe(c: PubSubState, kind: 'unsubscribe' | 'punsubscribe', names: readonly string[]): RespValue[] {
  const set = kind === 'unsubscribe' ? c.channels : c.patterns;
  const which = names.length > 0 ? names : [...set];
  if (which.length === 0) return [pubsubReply(c, [reply.bulk(kind), reply.null, reply.integer(subscriptionCount(c))])];
  return which.map((name) => {
    set.delete(name);
    return pubsubReply(c, [reply.bulk(kind), reply.bulk(name), reply.integer(subscriptionCount(c))]);
  });
}

/** pubsubPublishMessage for one client: a `message` per matching channel, a `pmessage` per matching pattern. */
export function deliver(c: PubSubState, channel: string, message: string): RespValue[] {
  const out: RespValue[] = [];
  if (c.channels.has(channel)) out.push(pubsubReply(c, [reply.bulk('message'), reply.bulk(channel), reply.bulk(message)]));
  for (const p of c.patterns) {
    if (stringmatch(p, channel)) out.push(pubsubReply(c, [reply.bulk('pmessage'), reply.bulk(p), reply.bulk(channel), reply.bulk(message)]));
  }
  return out;
}

/**
 * util.c stringmatchlen (case-sensitive): `*`, `?`, `[abc]`, `[^a]`, `[a-z]` and `\` escapes.
 * Iterative with one backtrack point for `*`, so a long pattern costs O(pattern × string).
 */
export function stringmatch(pattern: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const step = p < pattern.length ? matchOne(pattern, p, s.charAt(i)) : undefined;
    if (pattern.charAt(p) === '*') {
      starP = p++;
      starI = i;
    } else if (step !== undefined) {
      p = step;
      i++;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else return false;
  }
  while (pattern.charAt(p) === '*') p++;
  return p === pattern.length;
}

/** Matches one character at pattern[p] (not `*`); the next pattern position, or undefined. */
function matchOne(pattern: string, p: number, ch: string): number | undefined {
  const c = pattern.charAt(p);
  if (c === '?') return p + 1;
  if (c === '\\' && p + 1 < pattern.length) return pattern.charAt(p + 1) === ch ? p + 2 : undefined;
  if (c !== '[') return c === ch ? p + 1 : undefined;
  let q = p + 1;
  const not = pattern.charAt(q) === '^';
  if (not) q++;
  let hit = false;
  while (q < pattern.length && pattern.charAt(q) !== ']') {
    if (pattern.charAt(q) === '\\' && q + 1 < pattern.length) {
      if (pattern.charAt(q + 1) === ch) hit = true;
      q += 2;
    } else if (pattern.charAt(q + 1) === '-' && q + 2 < pattern.length && pattern.charAt(q + 2) !== ']') {
      let lo = pattern.charAt(q);
      let hi = pattern.charAt(q + 2);
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) hit = true;
      q += 3;
    } else {
      if (pattern.charAt(q) === ch) hit = true;
      q++;
    }
  }
  // stringmatchlen: an unterminated class ends at the pattern's end.
  return hit !== not ? Math.min(q + 1, pattern.length) : undefined;
}
