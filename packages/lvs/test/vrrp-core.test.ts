import { describe, expect, it } from 'vitest';
import { masterDownIntervalMs, skewTimeMs, VrrpCore } from '../src/index.js';

describe('keepalived vrrp.c as a pure core (no simulator)', () => {
  it('a BACKUP arms master-down = 3 × advert_int + skew; when it fires the node becomes MASTER, adverts at once and every advert_int', () => {
    const c = new VrrpCore({ vrid: 51, priority: 90, ip: '10.0.0.3', advertIntMs: 1000, initialState: 'BACKUP' });
    expect(c.start('b')).toEqual([
      { type: 'note', text: 'b BACKUP' },
      { type: 'disarm', timer: 'advert' },
      { type: 'arm', timer: 'master-down', afterMs: 3000 + Math.trunc((256 - 90) * 1000 / 256) },
    ]);
    expect(c.step('b', { type: 'master-down-timer' }).map((o) => o.type)).toEqual(['note', 'disarm', 'send-advert', 'arm']);
    expect(c.state).toBe('MASTER');
    expect(c.step('b', { type: 'advert-timer' })).toEqual([{ type: 'send-advert' }, { type: 'arm', timer: 'advert', afterMs: 1000 }]);
  });
  it('vrrp_state_master_rx: a MASTER yields to a higher priority; vrrp_state_backup: priority 0 arms the skew timer, a better advert restarts master-down, a worse one is ignored', () => {
    const m = new VrrpCore({ vrid: 51, priority: 100, ip: '10.0.0.2', advertIntMs: 1000, initialState: 'MASTER' });
    m.start('m');
    expect(m.step('m', { type: 'advert', vrid: 51, priority: 90, ip: '10.0.0.3' })).toEqual([]);
    expect(m.step('m', { type: 'advert', vrid: 52, priority: 200, ip: '10.0.0.3' })).toEqual([]); // another router id
    m.step('m', { type: 'advert', vrid: 51, priority: 150, ip: '10.0.0.4' });
    expect(m.state).toBe('BACKUP');
    expect(m.step('m', { type: 'advert', vrid: 51, priority: 0, ip: '10.0.0.4' })).toEqual([{ type: 'arm', timer: 'master-down', afterMs: skewTimeMs(100, 1000) }]);
    expect(m.step('m', { type: 'advert', vrid: 51, priority: 150, ip: '10.0.0.4' })).toEqual([{ type: 'arm', timer: 'master-down', afterMs: masterDownIntervalMs(100, 1000) }]);
    expect(m.step('m', { type: 'advert', vrid: 51, priority: 50, ip: '10.0.0.4' })).toEqual([]);
  });
});
