import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drInbound, forward, natInbound, tunInbound, type Director, type Frame, type RealServer } from '../src/index.js';

const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const port = fc.integer({ min: 1, max: 65535 });
const director: Director = { name: 'director', ip: '192.168.0.1', mac: 'd0:d0', vip: '203.0.113.10', vport: 80 };
const rs = (over: Partial<RealServer> = {}): RealServer => ({ name: 'rs1', ip: '192.168.0.11', mac: 'r1:r1', port: 80, gateway: '192.168.0.1', vipOnLoopback: true, ipipTunnel: true, sameLink: true, ...over });
const client = { name: 'client', ip: '198.51.100.7', mac: 'c0:c0', port: 40000 };

const frameArb = fc.record({ src: ip, sport: port, ttl: fc.integer({ min: 2, max: 255 }), tos: fc.nat(255), df: fc.boolean() }).map(
  (r): Frame => ({ eth: { src: 'c0:c0', dst: 'd0:d0' }, ip: { src: r.src, dst: director.vip, ttl: r.ttl, proto: 'tcp', id: 9, tos: r.tos, df: r.df }, l4: { sport: r.sport, dport: 80 }, payload: 'x' }),
);

describe('ip_vs_xmit.c packet rewrites', () => {
  it('NAT (ip_vs_nat_xmit): only dst IP/port change (and TTL); the client address reaches the RS unchanged', () => {
    fc.assert(fc.property(frameArb, port, (f, rport) => {
      const g = natInbound(f, director, rs({ port: rport }));
      expect(g.ip).toEqual({ ...f.ip, dst: '192.168.0.11', ttl: f.ip.ttl - 1 });
      expect(g.l4).toEqual({ sport: f.l4!.sport, dport: rport });
    }));
  });
  it('DR (ip_vs_dr_xmit): the IP packet is untouched except TTL; only the destination MAC changes', () => {
    fc.assert(fc.property(frameArb, (f) => {
      const g = drInbound(f, director, rs());
      expect(g.ip).toEqual({ ...f.ip, ttl: f.ip.ttl - 1 });
      expect(g.l4).toEqual(f.l4);
      expect(g.eth.dst).toBe('r1:r1');
    }));
  });
  it('TUN (ip_vs_tunnel_xmit): outer header director → RIP, protocol 4, TOS/TTL/DF copied; the inner packet is the original', () => {
    fc.assert(fc.property(frameArb, (f) => {
      const g = tunInbound(f, director, rs(), 77);
      expect(g.ip).toMatchObject({ src: director.ip, dst: '192.168.0.11', proto: 'ipip', tos: f.ip.tos, df: f.ip.df, ttl: f.ip.ttl - 1 });
      expect(g.inner!.ip).toEqual({ ...f.ip, ttl: f.ip.ttl - 1 });
      expect(g.inner!.l4).toEqual(f.l4);
    }));
  });
});

describe('what each method needs to work, end to end', () => {
  it('all three work when configured as LVS documents; NAT crosses the director both ways, DR/TUN reply directly', () => {
    expect(forward('nat', client, director, rs({ port: 8080 })).hops.length).toBe(4);
    expect(forward('dr', client, director, rs()).hops.length).toBe(3);
    expect(forward('tun', client, director, rs()).hops.length).toBe(3);
    for (const m of ['nat', 'dr', 'tun'] as const) expect(forward(m, client, director, rs({ port: m === 'nat' ? 8080 : 80 })).ok).toBe(true);
  });
  it('NAT fails when the RS default gateway is not the director: the client sees a reply from RIP:rport', () => {
    const r = forward('nat', client, director, rs({ gateway: '192.168.0.254' }));
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/comes from 192\.168\.0\.11:80/);
  });
  it('DR fails without the VIP on a non-ARPing interface, or across an L3 hop; DR and TUN cannot map ports', () => {
    expect(forward('dr', client, director, rs({ vipOnLoopback: false })).ok).toBe(false);
    expect(forward('dr', client, director, rs({ sameLink: false })).ok).toBe(false);
    expect(() => forward('dr', client, director, rs({ port: 8080 }))).toThrow(/cannot map ports/);
    expect(() => forward('tun', client, director, rs({ port: 8080 }))).toThrow(/cannot map ports/);
  });
  it('TUN fails without a tunnel on the RS, and when the 20-byte outer header pushes a DF packet over the MTU', () => {
    expect(forward('tun', client, director, rs({ ipipTunnel: false })).ok).toBe(false);
    expect(forward('tun', client, director, rs({ mtu: 1500 }), 1440).ok).toBe(true);
    expect(forward('tun', client, director, rs({ mtu: 1500 }), 1441).ok).toBe(false);
    expect(forward('tun', client, director, rs({ sameLink: false })).ok).toBe(true); // the RS may be anywhere routable
  });
});
