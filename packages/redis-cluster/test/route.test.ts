// getNodeByQuery and clusterRedirectClient (redis/src/cluster.c, 7.0), docs/redis-cluster.md §3.
// The texts are the ones captured from redis-server 7.0.15 (and re-checked by the peer test).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Arg,
  ClusterError,
  clusterRedirectClient,
  commandKeys,
  getNodeByQuery,
  keyHashSlot,
  type NodeView,
  parseRedirect,
  type Route,
} from '@protolab/redis-cluster';

interface FakeView {
  myself: string;
  owners?: Record<number, string>;
  defaultOwner?: string | undefined;
  migrating?: Record<number, string>;
  importing?: Record<number, string>;
  keys?: string[];
  clusterOk?: boolean;
  allowReadsWhenDown?: boolean;
  myMaster?: string;
}
function view(v: FakeView): NodeView {
  const keys = new Set(v.keys ?? []);
  return {
    myself: v.myself,
    owner: (s) => v.owners?.[s] ?? v.defaultOwner,
    migratingTo: (s) => v.migrating?.[s],
    importingFrom: (s) => v.importing?.[s],
    keyExists: (k) => keys.has(typeof k === 'string' ? k : Buffer.from(k).toString()),
    clusterOk: v.clusterOk ?? true,
    allowReadsWhenDown: v.allowReadsWhenDown ?? false,
    myMaster: v.myMaster,
  };
}
const plain = { asking: false, readonly: false };
const asking = { asking: true, readonly: false };
const endpoints: Record<string, { host: string; port: number }> = {
  me: { host: '127.0.0.1', port: 30001 },
  other: { host: '127.0.0.1', port: 30002 },
  target: { host: '127.0.0.1', port: 30003 },
};
const text = (r: Route): string | undefined => clusterRedirectClient(r, (n) => endpoints[n]);

const S_FOO = keyHashSlot('foo'); // 12182
const S_T = keyHashSlot('{t}'); // slot of tag t

describe('getNodeByQuery: stable slots', () => {
  it('serves a key whose slot this node owns', () => {
    expect(getNodeByQuery(view({ myself: 'me', defaultOwner: 'me' }), plain, ['GET', 'foo'])).toEqual({ kind: 'serve' });
  });

  it('answers "MOVED <slot> <ip>:<port>" for a slot owned elsewhere (captured: -MOVED 12182 127.0.0.1:…)', () => {
    const r = getNodeByQuery(view({ myself: 'me', defaultOwner: 'other' }), plain, ['GET', 'foo']);
    expect(r).toEqual({ kind: 'moved', slot: 12182, node: 'other' });
    expect(text(r)).toBe('MOVED 12182 127.0.0.1:30002');
  });

  it('answers CROSSSLOT before any MOVED, even on a node owning none of the keys (captured: MGET {t}a zzz)', () => {
    const r = getNodeByQuery(view({ myself: 'me', defaultOwner: 'other' }), plain, ['MGET', '{t}a', 'zzz']);
    expect(text(r)).toBe("CROSSSLOT Keys in request don't hash to the same slot");
  });

  it('the same key repeated is not cross-slot (MGET foo foo, RPOPLPUSH l l)', () => {
    expect(getNodeByQuery(view({ myself: 'me', defaultOwner: 'me' }), plain, ['MGET', 'foo', 'foo'])).toEqual({ kind: 'serve' });
    expect(getNodeByQuery(view({ myself: 'me', defaultOwner: 'me' }), plain, ['RPOPLPUSH', 'l', 'l'])).toEqual({ kind: 'serve' });
  });

  it('an unassigned slot answers "CLUSTERDOWN Hash slot not served"', () => {
    const r = getNodeByQuery(view({ myself: 'me', defaultOwner: undefined }), plain, ['GET', 'foo']);
    expect(text(r)).toBe('CLUSTERDOWN Hash slot not served');
  });

  it('keyless commands are served anywhere, whatever the map says', () => {
    expect(getNodeByQuery(view({ myself: 'me', defaultOwner: undefined }), plain, ['PING'])).toEqual({ kind: 'serve' });
    expect(getNodeByQuery(view({ myself: 'me', defaultOwner: 'other' }), plain, ['EVAL', 'return 1', '0'])).toEqual({ kind: 'serve' });
  });

  it('a cluster in fail state answers "CLUSTERDOWN The cluster is down"; with allow-reads-when-down, writes get the read-only text', () => {
    expect(text(getNodeByQuery(view({ myself: 'me', defaultOwner: 'me', clusterOk: false }), plain, ['GET', 'foo']))).toBe('CLUSTERDOWN The cluster is down');
    const ro = view({ myself: 'me', defaultOwner: 'me', clusterOk: false, allowReadsWhenDown: true });
    expect(getNodeByQuery(ro, plain, ['GET', 'foo'])).toEqual({ kind: 'serve' });
    expect(text(getNodeByQuery(ro, plain, ['SET', 'foo', '1']))).toBe('CLUSTERDOWN The cluster is down and only accepts read commands');
  });

  it('a replica serves reads of its master slots to READONLY clients, and redirects writes', () => {
    const replica = view({ myself: 'me', defaultOwner: 'other', myMaster: 'other' });
    expect(getNodeByQuery(replica, plain, ['GET', 'foo']).kind).toBe('moved');
    expect(getNodeByQuery(replica, { asking: false, readonly: true }, ['GET', 'foo'])).toEqual({ kind: 'serve' });
    expect(getNodeByQuery(replica, { asking: false, readonly: true }, ['SET', 'foo', '1']).kind).toBe('moved');
  });

  it('property: with no migration, the verdict is serve iff this node owns the first key slot, else MOVED to the owner', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('me', 'other'), (key, owner) => {
        const r = getNodeByQuery(view({ myself: 'me', defaultOwner: owner }), plain, ['SET', key, 'v']);
        expect(r).toEqual(owner === 'me' ? { kind: 'serve' } : { kind: 'moved', slot: keyHashSlot(key), node: owner });
      }),
    );
  });

  it('property: keys in two different slots are CROSSSLOT wherever the slots live', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom('me', 'other', undefined), (a, b, owner) => {
        fc.pre(keyHashSlot(a) !== keyHashSlot(b));
        const r = getNodeByQuery(view({ myself: 'me', owners: { [keyHashSlot(a)]: owner ?? 'me' }, defaultOwner: owner }), plain, ['MGET', a, b]);
        expect(r.kind).toBe('crossslot');
      }),
    );
  });
});

describe('getNodeByQuery: a slot being migrated (source side, MIGRATING)', () => {
  const source = (keys: string[]): NodeView => view({ myself: 'me', defaultOwner: 'me', migrating: { [S_FOO]: 'target', [S_T]: 'target' }, keys });

  it('serves a key it still has', () => {
    expect(getNodeByQuery(source(['foo']), plain, ['GET', 'foo'])).toEqual({ kind: 'serve' });
  });
  it('answers "ASK <slot> <target>" for a key it lacks', () => {
    const r = getNodeByQuery(source([]), plain, ['GET', 'foo']);
    expect(text(r)).toBe(`ASK ${S_FOO} 127.0.0.1:30003`);
  });
  it('answers TRYAGAIN when some keys are here and some are gone', () => {
    expect(text(getNodeByQuery(source(['{t}a']), plain, ['MGET', '{t}a', '{t}b']))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
  });
  it('ASKs when all keys of a multi-key command are gone', () => {
    expect(getNodeByQuery(source([]), plain, ['MGET', '{t}a', '{t}b']).kind).toBe('ask');
  });
  it('runs MIGRATE locally while the slot is open', () => {
    expect(getNodeByQuery(source([]), plain, ['MIGRATE', '127.0.0.1', '30003', 'foo', '0', '1000'])).toEqual({ kind: 'serve' });
  });
  it('shard channels are never "missing": SPUBLISH is served by the source until SETSLOT NODE', () => {
    expect(getNodeByQuery(source([]), plain, ['SPUBLISH', 'foo', 'hi'])).toEqual({ kind: 'serve' });
  });
});

describe('getNodeByQuery: a slot being imported (target side, IMPORTING)', () => {
  const target = (keys: string[]): NodeView => view({ myself: 'me', defaultOwner: 'other', importing: { [S_FOO]: 'other', [S_T]: 'other' }, keys });

  it('answers MOVED to the owner when the client did not send ASKING', () => {
    expect(text(getNodeByQuery(target(['foo']), plain, ['GET', 'foo']))).toBe(`MOVED ${S_FOO} 127.0.0.1:30002`);
  });
  it('serves an ASKING client, key present or not', () => {
    expect(getNodeByQuery(target([]), asking, ['GET', 'foo'])).toEqual({ kind: 'serve' });
    expect(getNodeByQuery(target(['foo']), asking, ['GET', 'foo'])).toEqual({ kind: 'serve' });
  });
  it('answers TRYAGAIN to an ASKING multi-key request with a key not yet imported', () => {
    expect(text(getNodeByQuery(target(['{t}a']), asking, ['MGET', '{t}a', '{t}b']))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
    expect(getNodeByQuery(target(['{t}a', '{t}b']), asking, ['MGET', '{t}a', '{t}b'])).toEqual({ kind: 'serve' });
  });
  it('serves RESTORE-ASKING without a prior ASKING (the command has the CMD_ASKING flag)', () => {
    expect(getNodeByQuery(target([]), plain, ['RESTORE-ASKING', 'foo', '0', 'payload'])).toEqual({ kind: 'serve' });
    expect(getNodeByQuery(target([]), plain, ['RESTORE', 'foo', '0', 'payload']).kind).toBe('moved');
  });
});

describe('getNodeByQuery: MULTI/EXEC', () => {
  it('EXEC checks every queued key together: CROSSSLOT across the transaction', () => {
    const v = view({ myself: 'me', defaultOwner: 'me' });
    const multi: Arg[][] = [['SET', 'a', '1'], ['SET', 'b', '1']];
    expect(keyHashSlot('a')).not.toBe(keyHashSlot('b'));
    expect(getNodeByQuery(v, { ...plain, multi }, ['EXEC']).kind).toBe('crossslot');
    expect(getNodeByQuery(v, { ...plain, multi: [['SET', '{x}a', '1'], ['GET', '{x}b']] }, ['EXEC'])).toEqual({ kind: 'serve' });
  });
  it('EXEC outside MULTI is not routed (it errors by itself)', () => {
    expect(getNodeByQuery(view({ myself: 'me', defaultOwner: undefined }), plain, ['EXEC'])).toEqual({ kind: 'serve' });
  });
});

describe('key specs', () => {
  it('finds keys by position: MSET every other argument, EVAL after numkeys, MIGRATE KEYS', () => {
    expect(commandKeys(['MSET', 'a', '1', 'b', '2'])).toEqual(['a', 'b']);
    expect(commandKeys(['EVAL', 's', '2', 'k1', 'k2', 'arg'])).toEqual(['k1', 'k2']);
    expect(commandKeys(['MIGRATE', 'h', '1', '', '0', '5000', 'REPLACE', 'KEYS', 'x', 'y'])).toEqual(['x', 'y']);
    expect(commandKeys(['MIGRATE', 'h', '1', 'k', '0', '5000'])).toEqual(['k']);
    expect(commandKeys(['BITOP', 'AND', 'dest', 's1', 's2'])).toEqual(['dest', 's1', 's2']);
    expect(commandKeys(['get', 'x'])).toEqual(['x']);
  });
  it('an unknown command is a typed UNKNOWN_COMMAND error with the text Redis 7.0 sends', () => {
    let err: unknown;
    try {
      getNodeByQuery(view({ myself: 'me', defaultOwner: 'me' }), plain, ['foo', 'a', 'b']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).code).toBe('UNKNOWN_COMMAND');
    expect((err as ClusterError).message).toBe("ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  });
  it('names of Object.prototype members (constructor, __proto__, toString) are unknown commands, like in Redis 7.0 (server.c lookupCommand)', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'CONSTRUCTOR']) {
      let err: unknown;
      try {
        commandKeys([name, 'k']);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as ClusterError).code).toBe('UNKNOWN_COMMAND');
      expect((err as ClusterError).message).toBe(`ERR unknown command '${name}', with args beginning with: 'k' `);
    }
  });
  it('a wrong arity is a typed ARITY error with the text Redis 7.0 sends', () => {
    expect(() => commandKeys(['GET'])).toThrow("ERR wrong number of arguments for 'get' command");
    expect(() => commandKeys(['GET', 'a', 'b'])).toThrow(ClusterError);
  });
});

describe('parseRedirect (the client side of the texts)', () => {
  it('parses MOVED/ASK including IPv6 hosts, and recognises TRYAGAIN/CLUSTERDOWN/CROSSSLOT', () => {
    expect(parseRedirect('MOVED 12182 127.0.0.1:7001')).toEqual({ kind: 'moved', slot: 12182, host: '127.0.0.1', port: 7001 });
    expect(parseRedirect('ASK 1 ::1:7002')).toEqual({ kind: 'ask', slot: 1, host: '::1', port: 7002 });
    expect(parseRedirect('TRYAGAIN Multiple keys request during rehashing of slot')).toEqual({ kind: 'tryagain' });
    expect(parseRedirect('CLUSTERDOWN Hash slot not served')).toEqual({ kind: 'clusterdown' });
    expect(parseRedirect('ERR syntax error')).toBeUndefined();
    expect(parseRedirect('MOVED x y')).toBeUndefined();
  });
  it('round-trips every MOVED/ASK text clusterRedirectClient writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16383 }), fc.constantFrom('moved' as const, 'ask' as const), fc.integer({ min: 1, max: 65535 }), (slot, kind, port) => {
        const t = clusterRedirectClient({ kind, slot, node: 'n' }, () => ({ host: '10.0.0.1', port }));
        expect(parseRedirect(t!)).toEqual({ kind, slot, host: '10.0.0.1', port });
      }),
    );
  });
});
