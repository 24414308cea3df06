// LVS forwarding methods hop by hop: NAT (-m), DR (-g) and TUN (-i) as packet rewrites, and what breaks each
//
//   npx tsx examples/61-lvs-forwarding.ts
import { describeFrame, forward, type Director, type ForwardingMethod, type RealServer } from '@protolab/lvs';

const client = { name: 'client', ip: '198.51.100.7', mac: 'c0:00:00:00:00:07', port: 40000 };
const director: Director = { name: 'director', ip: '192.168.0.1', mac: 'd0:00:00:00:00:01', vip: '203.0.113.10', vport: 80 };
const rs = (over: Partial<RealServer> = {}): RealServer => ({
  name: 'rs1', ip: '192.168.0.11', mac: 'a0:00:00:00:00:11', port: 80, gateway: '192.168.0.1',
  vipOnLoopback: true, ipipTunnel: true, sameLink: true, ...over,
});

function show(title: string, method: ForwardingMethod, server: RealServer): void {
  console.log(`\n${title}`);
  const r = forward(method, client, director, server);
  r.hops.forEach((h, i) => {
    console.log(`  ${i + 1}. ${h.from.padEnd(8)} → ${h.to.padEnd(8)} ${h.note}`);
    console.log(`       ${describeFrame(h.frame)}`);
  });
  // (not ✓/✗: the tour prints those for examples that passed or failed; this is the packet's fate)
  console.log(r.ok ? '  → works: the client accepts the reply (source VIP:vport)' : `  → breaks: ${r.problem}`);
}

show('NAT (masquerading): the director rewrites the destination in and the source out; the RS may listen on another port', 'nat', rs({ port: 8080 }));
show('DR (gatewaying, ipvsadm default): only the destination MAC changes; the RS answers the client directly', 'dr', rs());
show('TUN (IP-in-IP): the original packet rides inside a new header to the RS, which answers directly', 'tun', rs({ sameLink: false }));

console.log('\n— and what each one needs —');
show('NAT without the director as the RS default gateway', 'nat', rs({ gateway: '192.168.0.254' }));
show('DR without the VIP on the RS loopback (arp_ignore=1, arp_announce=2)', 'dr', rs({ vipOnLoopback: false }));
show('DR with the RS behind a router', 'dr', rs({ sameLink: false }));
show('TUN to a RS without tunl0', 'tun', rs({ ipipTunnel: false }));
