// The smart client core (ClusterClient): what ioredis's Cluster / redis-py's RedisCluster do with
// each redirection (docs/redis-cluster.md §5), driven by hand with replies as a node would send them.
import type { RespValue } from '@protolab/resp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterClient, ClusterError, clusterSlotsReply, keyHashSlot, SlotMap, type ClusterNodeInfo } from '@protolab/redis-cluster';

const err = (value: string): RespValue => ({ type: 'error', value });
const ok: RespValue = { type: 'simple', value: 'OK' };
const nodes: ClusterNodeInfo[] = ['a', 'b', 'c'].map((id, i) => ({ id, ip: '10.0.0.1', port: 7000 + i, role: 'master', replicationOffset: 1, health: 'online' }));
const loaded = (): ClusterClient => {
  const c = new ClusterClient({ startupNodes: ['10.0.0.1:7000'] });
  c.applyClusterSlots(clusterSlotsReply({ nodes, slots: SlotMap.evenly(['a', 'b', 'c']) }));
  return c;
};
const SLOT = keyHashSlot('foo'); // 12182 → c (10923-16383)

describe('ClusterClient', () => {
  it('sends a command to the cached owner of its slot', () => {
    const { step } = loaded().begin(['GET', 'foo']);
    expect(step).toEqual({ kind: 'send', node: '10.0.0.1:7002', argv: ['GET', 'foo'], asking: false, delayMs: 0 });
  });

  it('MOVED: updates that slot at once, retries there, and asks for a full refresh', () => {
    const c = loaded();
    const { request } = c.begin(['GET', 'foo']);
    const next = c.onReply(request, err(`MOVED ${SLOT} 10.0.0.9:7009`));
    expect(next).toMatchObject({ kind: 'send', node: '10.0.0.9:7009', asking: false });
    expect(c.nodeForSlot(SLOT)).toBe('10.0.0.9:7009');
    expect(c.refreshWanted).toBe(true);
  });

  it('ASK: sends ASKING + the command to the target once, and leaves the map alone', () => {
    const c = loaded();
    const { request } = c.begin(['GET', 'foo']);
    expect(c.onReply(request, err(`ASK ${SLOT} 10.0.0.1:7000`))).toMatchObject({ kind: 'send', node: '10.0.0.1:7000', asking: true });
    expect(c.nodeForSlot(SLOT)).toBe('10.0.0.1:7002');
    expect(c.refreshWanted).toBe(false);
    expect(c.onReply(request, ok)).toEqual({ kind: 'done', reply: ok });
  });

  it('TRYAGAIN and CLUSTERDOWN retry at the owner after 100 ms (ioredis retryDelayOnTryAgain / OnClusterDown)', () => {
    const c = loaded();
    const { request } = c.begin(['MGET', '{x}a', '{x}b']);
    expect(c.onReply(request, err('TRYAGAIN Multiple keys request during rehashing of slot'))).toMatchObject({ kind: 'send', delayMs: 100 });
    expect(c.onReply(request, err('CLUSTERDOWN The cluster is down'))).toMatchObject({ kind: 'send', delayMs: 100 });
    expect(c.refreshWanted).toBe(true);
  });

  it('other errors (and CROSSSLOT from a server) are the reply, not a redirection', () => {
    const c = loaded();
    const { request } = c.begin(['GET', 'foo']);
    const wrong = err('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(c.onReply(request, wrong)).toEqual({ kind: 'done', reply: wrong });
  });

  it('keys known to hash to different slots fail with CROSSSLOT before anything is sent', () => {
    const { step } = loaded().begin(['MSET', 'a', '1', 'b', '2']);
    expect(step.kind).toBe('fail');
    expect(step.kind === 'fail' && step.error.code).toBe('CROSSSLOT');
    expect(loaded().begin(['MSET', '{t}a', '1', '{t}b', '2']).step.kind).toBe('send');
  });

  it('an unknown command is a typed UNKNOWN_COMMAND error at begin()', () => {
    expect(() => loaded().begin(['NOPE', 'x'])).toThrow(ClusterError);
  });

  it('property: whatever the redirections, a request ends within maxRedirections + 1 replies (no loop)', () => {
    const redirect = fc.oneof(
      fc.record({ kind: fc.constantFrom('MOVED', 'ASK'), slot: fc.integer({ min: 0, max: 16383 }), port: fc.integer({ min: 7000, max: 7005 }) }).map((r) => err(`${r.kind} ${r.slot} 10.0.0.1:${r.port}`)),
      fc.constantFrom(err('TRYAGAIN Multiple keys request during rehashing of slot'), err('CLUSTERDOWN Hash slot not served')),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.infiniteStream(redirect), (budget, replies) => {
        const c = new ClusterClient({ startupNodes: ['10.0.0.1:7000'], maxRedirections: budget });
        const { request } = c.begin(['GET', 'k']);
        let steps = 0;
        for (const r of replies) {
          steps++;
          const s = c.onReply(request, r);
          if (s.kind === 'fail') {
            expect(s.error.code).toBe('TOO_MANY_REDIRECTIONS');
            break;
          }
          expect(steps).toBeLessThanOrEqual(budget);
        }
        expect(steps).toBe(budget + 1);
      }),
    );
  });

  it('connection errors spend the same budget and end in a typed TIMEOUT error', () => {
    const c = new ClusterClient({ startupNodes: ['10.0.0.1:7000'], maxRedirections: 2 });
    const { request } = c.begin(['GET', 'k']);
    expect(c.onConnectionError(request, '10.0.0.1:7000').kind).toBe('send');
    expect(c.onConnectionError(request, '10.0.0.1:7000').kind).toBe('send');
    const last = c.onConnectionError(request, '10.0.0.1:7000');
    expect(last.kind === 'fail' && last.error.code).toBe('TIMEOUT');
  });
});
