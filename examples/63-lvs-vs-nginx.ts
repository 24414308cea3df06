// LVS vs nginx: the same weights, different orders (wrr vs smooth WRR), and "IP_HASH" is sh in LVS but ip_hash in nginx
//
//   npx tsx examples/63-lvs-vs-nginx.ts
import { VirtualService } from '@protolab/lvs';
import { NginxUpstream } from '@protolab/nginx';

function lvs(scheduler: 'wrr' | 'sh', weights: number[]): VirtualService {
  const svc = new VirtualService({ scheduler });
  for (let i = weights.length - 1; i >= 0; i--) svc.addDest({ name: String.fromCharCode(65 + i), weight: weights[i]! });
  svc.setScheduler(scheduler); // ipvsadm -E: a fresh period over the whole list
  return svc;
}
function nginx(method: 'round_robin' | 'ip_hash', weights: number[]): NginxUpstream {
  return new NginxUpstream({ method, servers: weights.map((w, i) => ({ name: String.fromCharCode(65 + i), address: `10.0.0.${i + 1}:80`, weight: w })) });
}

for (const ws of [[5, 1, 1], [4, 3, 2]]) {
  const a = lvs('wrr', ws);
  const b = nginx('round_robin', ws);
  const sum = ws.reduce((x, y) => x + y, 0);
  const s1 = Array.from({ length: 2 * sum }, () => a.schedule({ srcAddr: 1 })!.name).join('');
  const s2 = Array.from({ length: 2 * sum }, () => b.request() ?? '-').join('');
  console.log(`weights ${ws.join(',')}:  IPVS wrr ${s1}   nginx smooth ${s2}`);
}

console.log('\nclient          LVS sh (hash_32 of the whole address)   nginx ip_hash (first three octets)');
const sh = lvs('sh', [1, 1, 1]);
const ih = nginx('ip_hash', [1, 1, 1]);
for (const c of ['10.0.0.5', '10.0.0.6', '10.0.0.200', '192.168.1.5', '192.168.1.77']) {
  console.log(`${c.padEnd(15)} ${sh.schedule({ srcAddr: c })!.name.padEnd(40)} ${ih.request({ clientAddr: c }) ?? '-'}`);
}
console.log(`
nginx keeps a whole /24 on one server; IPVS sh spreads it. (On kernels before sh/dh moved to
hash_32, the bucket was (addr·2654435761) & 255: only the LAST octet mattered, so 10.0.0.5 and
192.168.1.5 always collided — pass { tableHash: 'multiplicative' } to see that.)`);
const old = new VirtualService({ scheduler: 'sh', tableHash: 'multiplicative' });
for (const n of ['C', 'B', 'A']) old.addDest({ name: n, weight: 1 });
console.log(`multiplicative: 10.0.0.5 → ${old.schedule({ srcAddr: '10.0.0.5' })!.name}, 192.168.1.5 → ${old.schedule({ srcAddr: '192.168.1.5' })!.name}`);
