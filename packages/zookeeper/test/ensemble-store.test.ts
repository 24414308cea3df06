// How an Ensemble keeps a server's disk in its sim node's DurableStore (ensemble-store.ts).
import fc from 'fast-check';
import { DurableStore } from '@protolab/sim';
import { describe, expect, it } from 'vitest';
import { applyWrite, decodeTxn, encodeTxn, loadDurable, ZkError, type Txn } from '@protolab/zookeeper';

const zxidArb = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const txnArb = fc.record({ zxid: zxidArb, data: fc.string({ maxLength: 20 }) });

describe('the durable txn log in the store', () => {
  it('a txn written to the store reads back with the same zxid and data (spaces, empty data and negative zxids included)', () => {
    fc.assert(fc.property(fc.array(txnArb, { maxLength: 12 }), (txns: Txn[]) => {
      const st = new DurableStore();
      const len = applyWrite(st, { kind: 'persist', write: { op: 'append', txns, logFiles: [], newFile: false } }, 0);
      expect(len).toBe(txns.length);
      expect(loadDurable(st).log).toEqual(txns);
    }));
  });
  it('a Txn object planted in the store as it is (the old layout) still loads', () => {
    const st = new DurableStore();
    st.set('log.0', { zxid: 0x100000001n, data: 'h1' });
    st.set('log.1', encodeTxn({ zxid: 0x100000002n, data: 'h 2' }));
    expect(loadDurable(st).log).toEqual([{ zxid: 0x100000001n, data: 'h1' }, { zxid: 0x100000002n, data: 'h 2' }]);
  });
  it('a stored txn string without "<zxid> " is an INVARIANT error, not a silent bad zxid', () => {
    expect(() => decodeTxn('garbage')).toThrow(ZkError);
    expect(decodeTxn(undefined)).toBeUndefined();
  });
});
