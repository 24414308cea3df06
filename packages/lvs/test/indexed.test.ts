import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lcPick, nqPick, sedPick, VirtualService, wlcPick, type Dest } from '../src/index.js';

const linear: Record<'lc' | 'wlc' | 'sed' | 'nq', (l: readonly Dest[]) => Dest | null> = { lc: lcPick, wlc: wlcPick, sed: sedPick, nq: nqPick };

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('active' as const), i: fc.nat(40), v: fc.nat(20) }),
  fc.record({ kind: fc.constant('inact' as const), i: fc.nat(40), v: fc.nat(600) }),
  fc.record({ kind: fc.constant('weight' as const), i: fc.nat(40), v: fc.nat(6) }),
  fc.record({ kind: fc.constant('overload' as const), i: fc.nat(40), v: fc.nat(1) }),
  fc.record({ kind: fc.constant('add' as const), i: fc.nat(40), v: fc.nat(6) }),
  fc.record({ kind: fc.constant('del' as const), i: fc.nat(40), v: fc.nat(1) }),
  fc.record({ kind: fc.constant('pick' as const), i: fc.nat(40), v: fc.nat(1) }),
);

describe('IndexedLeastConn returns exactly the kernel scan\'s choice, ties included', () => {
  for (const kind of ['lc', 'wlc', 'sed', 'nq'] as const) {
    it(`${kind}: after any sequence of count/weight/flag changes, adds and deletes, indexed pick === linear scan`, () => {
      fc.assert(fc.property(fc.array(fc.nat(3), { minLength: 1, maxLength: 12 }), fc.array(opArb, { maxLength: 60 }), (ws, ops) => {
        const svc = new VirtualService({ scheduler: kind, indexed: true });
        let made = 0;
        for (const w of ws) svc.addDest({ name: `n${made++}`, weight: w });
        for (const op of ops) {
          const list = svc.dests;
          const d = list.length > 0 ? list[op.i % list.length]! : undefined;
          if (op.kind === 'add') svc.addDest({ name: `n${made++}`, weight: op.v });
          else if (op.kind === 'del' && d) svc.delDest(d.name);
          else if (op.kind === 'weight' && d) svc.editDest(d.name, { weight: op.v });
          else if (op.kind === 'active' && d) d.activeConns = op.v;
          else if (op.kind === 'inact' && d) d.inactConns = op.v;
          else if (op.kind === 'overload' && d) d.overloaded = op.v === 1;
          else if (op.kind === 'pick') {
            const got = svc.schedule({ srcAddr: 1 });
            if (got) got.activeConns++;
          }
          expect(svc.schedule({ srcAddr: 1 })).toBe(linear[kind](svc.dests));
        }
      }));
    });
  }
});

describe('lblc / lblcr with { indexed: true } decide exactly as the kernel scans (ip_vs_lblc.c, ip_vs_lblcr.c)', () => {
  for (const kind of ['lblc', 'lblcr'] as const) {
    it(`${kind}: the same ops on an indexed and a scanning service give the same picks and the same cache`, () => {
      fc.assert(fc.property(fc.array(fc.nat(3), { minLength: 1, maxLength: 12 }), fc.array(opArb, { maxLength: 60 }), (ws, ops) => {
        const both = [new VirtualService({ scheduler: kind, indexed: true }), new VirtualService({ scheduler: kind })];
        let made = 0;
        for (const w of ws) {
          for (const svc of both) svc.addDest({ name: `n${made}`, weight: w });
          made++;
        }
        for (const op of ops) {
          const picks = both.map((svc) => {
            const list = svc.dests;
            const d = list.length > 0 ? list[op.i % list.length] : undefined;
            if (op.kind === 'add') svc.addDest({ name: `n${made}`, weight: op.v });
            else if (op.kind === 'del' && d) svc.delDest(d.name);
            else if (op.kind === 'weight' && d) svc.editDest(d.name, { weight: op.v });
            else if (op.kind === 'active' && d) d.activeConns = op.v;
            else if (op.kind === 'inact' && d) d.inactConns = op.v;
            else if (op.kind === 'overload' && d) d.overloaded = op.v === 1;
            const got = svc.schedule({ srcAddr: 1, dstAddr: 1 + (op.i % 5) });
            if (op.kind === 'pick' && got) got.activeConns++;
            return got?.name ?? null;
          });
          if (op.kind === 'add') made++;
          expect(picks[0]).toBe(picks[1]);
        }
      }));
    });
  }
});

describe('an indexed scheduler refreshes changed servers lazily, at the next pick', () => {
  for (const kind of ['lc', 'wlc', 'sed', 'nq', 'lblc', 'lblcr'] as const) {
    it(`${kind}: after any batch of count, weight and flag changes between two picks (the same server changed several times included), the indexed pick equals the scanning one`, () => {
      fc.assert(fc.property(fc.array(fc.nat(4), { minLength: 1, maxLength: 24 }), fc.array(fc.array(opArb, { maxLength: 8 }), { maxLength: 12 }), (ws, batches) => {
        const both = [new VirtualService({ scheduler: kind, indexed: true }), new VirtualService({ scheduler: kind })];
        ws.forEach((w, i) => { for (const svc of both) svc.addDest({ name: `n${i}`, weight: w }); });
        for (const [b, batch] of batches.entries()) {
          const picks = both.map((svc) => {
            for (const op of batch) {
              const d = svc.dests[op.i % svc.dests.length]!;
              if (op.kind === 'active' || op.kind === 'pick') d.activeConns = op.v;
              else if (op.kind === 'inact') d.inactConns = op.v;
              else if (op.kind === 'weight' || op.kind === 'add') svc.editDest(d.name, { weight: op.v });
              else d.overloaded = op.v === 1;
            }
            const got = svc.schedule({ srcAddr: 1, dstAddr: 1 + (b % 3) });
            if (got) got.activeConns++;
            return got?.name ?? null;
          });
          expect(picks[0]).toBe(picks[1]);
        }
      }));
    });
  }
});
