import { describe, expect, it } from 'vitest';
import { NginxError, NginxUpstream } from '@protolab/nginx';
import { LvsError, VirtualService } from '../src/index.js';

function codeOf(f: () => unknown, cls: typeof LvsError | typeof NginxError = LvsError): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return (e as LvsError | NginxError).code;
  }
  return 'no error';
}

describe('bad input gets a typed LvsError naming the problem', () => {
  it('negative, fractional or non-numeric weights', () => {
    const svc = new VirtualService({ scheduler: 'wlc' });
    expect(codeOf(() => svc.addDest({ name: 'a', weight: -1 }))).toBe('BAD_WEIGHT');
    expect(codeOf(() => svc.addDest({ name: 'a', weight: 1.5 }))).toBe('BAD_WEIGHT');
    expect(codeOf(() => svc.addDest({ name: 'a', weight: Number.NaN }))).toBe('BAD_WEIGHT');
    svc.addDest({ name: 'a', weight: 1 });
    expect(codeOf(() => svc.editDest('a', { weight: -3 }))).toBe('BAD_WEIGHT');
    expect(() => svc.addDest({ name: 'b', weight: -1 })).toThrow(/weight of b: expected an integer in \[0, 2147483647\], found -1/);
  });
  it('duplicate destinations, unknown destinations, bad counters', () => {
    const svc = new VirtualService({ scheduler: 'rr' });
    svc.addDest({ name: 'a', weight: 1 });
    expect(codeOf(() => svc.addDest({ name: 'a', weight: 2 }))).toBe('DUPLICATE_DEST');
    expect(codeOf(() => svc.delDest('zz'))).toBe('NO_SUCH_DEST');
    expect(codeOf(() => (svc.dest('a').activeConns = -1))).toBe('BAD_COUNT');
  });
  it('unknown scheduler, a flag of another scheduler, twos without randomness, bad addresses', () => {
    expect(codeOf(() => new VirtualService({ scheduler: 'least' as 'lc' }))).toBe('UNKNOWN_SCHEDULER');
    expect(codeOf(() => new VirtualService({ scheduler: 'wrr', flags: ['sh-port'] }))).toBe('BAD_FLAG');
    const t = new VirtualService({ scheduler: 'twos' });
    t.addDest({ name: 'a', weight: 1 });
    expect(codeOf(() => t.schedule({ srcAddr: 1 }))).toBe('NO_RANDOM');
    expect(codeOf(() => t.schedule({ srcAddr: '10.0.0.256' }))).toBe('BAD_ADDRESS');
    expect(codeOf(() => t.schedule({ srcAddr: 1, srcPort: 70000 }))).toBe('BAD_PORT');
  });
  it('an empty IPVS service schedules nothing (the kernel returns no destination); an empty nginx upstream is a config error', () => {
    expect(new VirtualService({ scheduler: 'wlc' }).schedule({ srcAddr: 1 })).toBeNull();
    expect(codeOf(() => new NginxUpstream({ method: 'round_robin', servers: [] }), NginxError)).toBe('EMPTY_UPSTREAM');
    expect(codeOf(() => new NginxUpstream({ method: 'round_robin', servers: [{ name: 'a', address: 'x:1', weight: 0 }] }), NginxError)).toBe('BAD_WEIGHT');
    expect(codeOf(() => new NginxUpstream({ method: 'ip_hash', servers: [{ name: 'a', address: 'x:1', backup: true }, { name: 'b', address: 'x:2' }] }), NginxError)).toBe('BAD_OPTION');
    expect(codeOf(() => new NginxUpstream({ method: 'hash', servers: [{ name: 'a', address: 'x:1' }, { name: 'a', address: 'x:2' }] }), NginxError)).toBe('DUPLICATE_SERVER');
  });
});
