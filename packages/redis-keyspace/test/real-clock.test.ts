// The real-clock adapter runs the same core on timers: untouched keys do disappear on their own.
import { describe, expect, it } from 'vitest';
import { RealClockKeyspace } from '../src/index.js';

describe('adapters/real-clock: serverCron on a timer', () => {
  it('reclaims untouched expired keys without any access (activeExpireCycle on setTimeout at hz 100)', async () => {
    const r = new RealClockKeyspace({ hz: 100 });
    try {
      for (let i = 0; i < 1000; i++) r.execute(['SET', `k${i}`, 'v', 'PX', '20']);
      r.execute(['SET', 'keep', 'v']);
      expect(r.keyspace.dbsize()).toBe(1001);
      const deadline = Date.now() + 20_000; // generous: timers run late on a loaded machine
      while (r.keyspace.dbsize() > 1 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(r.keyspace.dbsize()).toBe(1);
      expect(r.keyspace.stats.activeExpiredKeys).toBe(1000);
    } finally {
      r.close();
    }
  });
});
