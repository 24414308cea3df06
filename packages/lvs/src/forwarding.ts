import { defined, LvsError } from './errors.js';

/**
 * LVS forwarding methods as packet rewrites (net/netfilter/ipvs/ip_vs_xmit.c:
 * `ip_vs_nat_xmit`, `ip_vs_dr_xmit`, `ip_vs_tunnel_xmit`) on a small packet model, with the
 * conditions each method needs to work. Addresses are strings for readability.
 */
export type ForwardingMethod = 'nat' | 'dr' | 'tun';

export interface IpHeader {
  src: string;
  dst: string;
  ttl: number;
  /** 'tcp' | 'udp' for a plain packet, 'ipip' (protocol 4) for an encapsulating header. */
  proto: 'tcp' | 'udp' | 'ipip';
  id: number;
  tos: number;
  df: boolean;
}
export interface Segment {
  sport: number;
  dport: number;
}
export interface Frame {
  eth: { src: string; dst: string };
  ip: IpHeader;
  /** TCP/UDP ports (absent on the outer header of an IP-in-IP packet). */
  l4?: Segment;
  /** The encapsulated packet (TUN). */
  inner?: { ip: IpHeader; l4: Segment };
  payload: string;
}

export interface Host {
  name: string;
  ip: string;
  mac: string;
}
export interface RealServer extends Host {
  port: number;
  /** The RS's default gateway (NAT needs the director's inside address). */
  gateway: string;
  /** VIP configured on a non-ARPing interface (lo / dummy with arp_ignore=1, arp_announce=2) — DR. */
  vipOnLoopback: boolean;
  /** tunl0 up with the VIP — TUN. */
  ipipTunnel: boolean;
  /** Same L2 segment as the director (DR sends by MAC). */
  sameLink: boolean;
  mtu?: number;
}
export interface Director extends Host {
  vip: string;
  vport: number;
}

export interface Hop {
  from: string;
  to: string;
  frame: Frame;
  note: string;
}
export interface ForwardingResult {
  hops: Hop[];
  /** The reply the client finally accepted, or null with `problem` saying why the connection fails. */
  ok: boolean;
  problem?: string;
}

const clone = (f: Frame): Frame => structuredClone(f);

/** Director inbound for NAT (`ip_vs_nat_xmit`): dst VIP:vport → RIP:rport, TTL − 1, checksums redone. */
export function natInbound(f: Frame, d: Director, rs: RealServer): Frame {
  const g = clone(f);
  g.ip.dst = rs.ip;
  g.ip.ttl--;
  g.l4 = { sport: defined(f.l4, 'the L4 header').sport, dport: rs.port };
  g.eth = { src: d.mac, dst: rs.mac };
  return g;
}
/** Director outbound for NAT (`handle_response` → `ip_vs_nat_snat`): src RIP:rport → VIP:vport. */
export function natOutbound(f: Frame, d: Director, clientMac: string): Frame {
  const g = clone(f);
  g.ip.src = d.vip;
  g.ip.ttl--;
  g.l4 = { sport: d.vport, dport: defined(f.l4, 'the L4 header').dport };
  g.eth = { src: d.mac, dst: clientMac };
  return g;
}
/** Director inbound for DR (`ip_vs_dr_xmit`): IP packet untouched except TTL; only the MAC changes. */
export function drInbound(f: Frame, d: Director, rs: RealServer): Frame {
  const g = clone(f);
  g.ip.ttl--;
  g.eth = { src: d.mac, dst: rs.mac };
  return g;
}
/** Director inbound for TUN (`ip_vs_tunnel_xmit`): wrap in an outer IPv4 header, protocol 4. */
export function tunInbound(f: Frame, d: Director, rs: RealServer, ipId: number): Frame {
  const innerIp = { ...f.ip, ttl: f.ip.ttl - 1 };
  return {
    eth: { src: d.mac, dst: rs.mac },
    ip: { src: d.ip, dst: rs.ip, ttl: innerIp.ttl, proto: 'ipip', id: ipId, tos: innerIp.tos, df: innerIp.df },
    inner: { ip: innerIp, l4: { ...defined(f.l4, 'the L4 header') } },
    payload: f.payload,
  };
}

/** Bytes of headers we count for MTU purposes: outer IPv4 header of IP-in-IP. */
export const IPIP_OVERHEAD = 20;

/**
 * One request from `client` to the VIP and its reply, hop by hop, with the checks the real
 * network applies: the RS must accept the packet (its own address for NAT; the VIP on a
 * non-ARPing interface for DR; a tunnel for TUN) and the client accepts only a reply whose
 * source is the VIP:vport it talked to.
 */
export function forward(method: ForwardingMethod, client: Host & { port: number }, d: Director, rs: RealServer, payloadBytes = 100): ForwardingResult {
  const hops: Hop[] = [];
  const fail = (problem: string): ForwardingResult => ({ hops, ok: false, problem });
  const req: Frame = {
    eth: { src: client.mac, dst: d.mac },
    ip: { src: client.ip, dst: d.vip, ttl: 64, proto: 'tcp', id: 1, tos: 0, df: true },
    l4: { sport: client.port, dport: d.vport },
    payload: 'GET /',
  };
  hops.push({ from: client.name, to: d.name, frame: req, note: 'client → VIP' });
  let atRs: Frame;
  let seen: { ip: IpHeader; l4: Segment };
  switch (method) {
    case 'nat':
      atRs = natInbound(req, d, rs);
      hops.push({ from: d.name, to: rs.name, frame: atRs, note: 'DNAT: dst VIP:vport → RIP:rport' });
      if (atRs.ip.dst !== rs.ip) return fail('RS does not own the destination address');
      seen = { ip: atRs.ip, l4: defined(atRs.l4, 'the L4 header') };
      break;
    case 'dr':
      if (!rs.sameLink) return fail('DR needs the director and the real server on the same L2 link (it only rewrites the MAC)');
      if (d.vport !== rs.port) throw new LvsError('BAD_PORT', `DR cannot map ports: vport ${d.vport} must equal the real server port ${rs.port}`);
      atRs = drInbound(req, d, rs);
      hops.push({ from: d.name, to: rs.name, frame: atRs, note: 'same IP packet, new destination MAC' });
      if (!rs.vipOnLoopback) return fail(`RS drops the packet: destination ${d.vip} is not one of its addresses (configure the VIP on lo with arp_ignore/arp_announce)`);
      seen = { ip: atRs.ip, l4: defined(atRs.l4, 'the L4 header') };
      break;
    case 'tun': {
      if (d.vport !== rs.port) throw new LvsError('BAD_PORT', `TUN cannot map ports: vport ${d.vport} must equal the real server port ${rs.port}`);
      atRs = tunInbound(req, d, rs, 4242);
      hops.push({ from: d.name, to: rs.name, frame: atRs, note: 'IP-in-IP: outer director → RIP, inner CIP → VIP untouched' });
      if (!rs.ipipTunnel) return fail('RS cannot decapsulate protocol 4 (no tunl0 carrying the VIP)');
      const mtu = rs.mtu ?? 1500;
      if (payloadBytes + 40 + IPIP_OVERHEAD > mtu && atRs.ip.df) return fail(`packet exceeds the path MTU once encapsulated (${payloadBytes + 40 + IPIP_OVERHEAD} > ${mtu}) and DF is set`);
      seen = defined(atRs.inner, 'the inner packet');
      break;
    }
  }
  // The real server answers the connection it saw.
  const reply: Frame = {
    eth: { src: rs.mac, dst: '' },
    ip: { src: seen.ip.dst, dst: seen.ip.src, ttl: 64, proto: 'tcp', id: 7, tos: 0, df: true },
    l4: { sport: seen.l4.dport, dport: seen.l4.sport },
    payload: '200 OK',
  };
  let atClient: Frame;
  if (method === 'nat') {
    if (rs.gateway !== d.ip) {
      reply.eth.dst = 'gateway';
      hops.push({ from: rs.name, to: client.name, frame: reply, note: `reply leaves via ${rs.gateway}, bypassing the director` });
      atClient = reply;
    } else {
      reply.eth.dst = d.mac;
      hops.push({ from: rs.name, to: d.name, frame: reply, note: 'reply to the default gateway = director' });
      atClient = natOutbound(reply, d, client.mac);
      hops.push({ from: d.name, to: client.name, frame: atClient, note: 'SNAT: src RIP:rport → VIP:vport' });
    }
  } else {
    reply.eth.dst = 'gateway';
    atClient = reply;
    hops.push({ from: rs.name, to: client.name, frame: reply, note: 'direct reply from the VIP (director not on the return path)' });
  }
  const src = `${atClient.ip.src}:${String(defined(atClient.l4, 'the L4 header').sport)}`;
  if (src !== `${d.vip}:${d.vport}` || atClient.ip.dst !== client.ip) {
    return fail(`client drops the reply: it comes from ${src}, but the connection is to ${d.vip}:${d.vport}`);
  }
  return { hops, ok: true };
}

export function describeFrame(f: Frame): string {
  const l4 = f.l4 ? ` ${f.ip.proto} ${f.l4.sport}→${f.l4.dport}` : '';
  const inner = f.inner ? ` [inner ${f.inner.ip.src}→${f.inner.ip.dst} ttl ${f.inner.ip.ttl} ${f.inner.l4.sport}→${f.inner.l4.dport}]` : '';
  return `eth ${f.eth.src}→${f.eth.dst} | ip ${f.ip.src}→${f.ip.dst} ttl ${f.ip.ttl} proto ${f.ip.proto}${l4}${inner}`;
}
