/**
 * Real nginx 1.22 (Debian nginx-light) on 127.0.0.1: one worker process proxies to small
 * `return 200 <name>` servers in the same nginx. Every upstream decision nginx makes is compared
 * with NginxUpstream's for the same requests, in the same order.
 */
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePeer, freePort, startServer, type PeerServer } from '@protolab/testkit';
import { NginxUpstream, type NginxMethod } from '../src/index.js';

interface UpstreamDef {
  id: string;
  method: NginxMethod;
  weights: number[];
  down?: number[];
  backup?: number[];
  /** Servers whose port has no listener: connect() is refused, nginx counts a failure and tries the next peer. */
  dead?: number[];
}

const UPSTREAMS: UpstreamDef[] = [
  { id: 'rr511', method: 'round_robin', weights: [5, 1, 1] },
  { id: 'rr432', method: 'round_robin', weights: [4, 3, 2] },
  { id: 'rr1_2_3_5', method: 'round_robin', weights: [1, 2, 3, 5] },
  { id: 'rr_down', method: 'round_robin', weights: [3, 2, 1, 4], down: [1] },
  { id: 'lc511', method: 'least_conn', weights: [5, 1, 1] },
  { id: 'ip3', method: 'ip_hash', weights: [1, 1, 1] },
  { id: 'ip_w', method: 'ip_hash', weights: [1, 2, 3, 1] },
  { id: 'ip_down', method: 'ip_hash', weights: [1, 1, 1, 1], down: [1] },
  { id: 'hash4', method: 'hash', weights: [1, 2, 1, 1] },
  { id: 'chash3', method: 'hash_consistent', weights: [1, 1, 1] },
  { id: 'chash_w', method: 'hash_consistent', weights: [2, 1, 3, 1] },
  { id: 'rr_backup', method: 'round_robin', weights: [2, 1, 3, 1], down: [0, 1], backup: [2, 3] },
  { id: 'rr_dead', method: 'round_robin', weights: [2, 3, 1, 2], dead: [1] },
  { id: 'ip_dead', method: 'ip_hash', weights: [1, 1, 1, 1], dead: [2] },
  { id: 'chash_dead', method: 'hash_consistent', weights: [1, 1, 1, 1], dead: [0] },
];

const NAMES = 'ABCDEFGH';

function get(port: number, path: string, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, ...(localAddress ? { localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve(`${res.statusCode}:${body}`);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describePeer('nginx', 'real nginx 1.22 upstream decisions', (nginxPath) => {
  let nginx: PeerServer;
  let mainPort = 0;
  const backendPorts = new Map<string, number[]>();

  beforeAll(async () => {
    mainPort = await freePort();
    const servers: string[] = [];
    const upstreams: string[] = [];
    const locations: string[] = [];
    const used = new Set<number>([mainPort]);
    for (const u of UPSTREAMS) {
      const ports: number[] = [];
      for (let i = 0; i < u.weights.length; i++) {
        let p = await freePort();
        while (used.has(p)) p = await freePort();
        used.add(p);
        ports.push(p);
        if (!u.dead?.includes(i)) servers.push(`  server { listen 127.0.0.1:${p}; location / { return 200 "${NAMES[i]}"; } }`);
      }
      backendPorts.set(u.id, ports);
      const directive = u.method === 'ip_hash' ? 'ip_hash;' : u.method === 'least_conn' ? 'least_conn;' : u.method === 'hash' ? 'hash $arg_key;' : u.method === 'hash_consistent' ? 'hash $arg_key consistent;' : '';
      const lines = u.weights.map((w, i) => `    server 127.0.0.1:${ports[i]} weight=${w} max_fails=1 fail_timeout=60s${u.down?.includes(i) ? ' down' : ''}${u.backup?.includes(i) ? ' backup' : ''};`);
      upstreams.push(`  upstream ${u.id} {\n    ${directive}\n${lines.join('\n')}\n  }`);
      locations.push(`    location /${u.id} { proxy_pass http://${u.id}; }`);
    }
    nginx = await startServer({
      name: 'nginx',
      command: nginxPath,
      port: mainPort,
      args: ({ dir }) => {
        const conf = [
          process.getuid?.() === 0 ? 'user root;' : '',
          'worker_processes 1;',
          `error_log ${join(dir, 'error.log')} warn;`,
          `pid ${join(dir, 'nginx.pid')};`,
          'events { worker_connections 1024; }',
          'http {',
          '  access_log off;',
          `  client_body_temp_path ${join(dir, 'body')};`,
          `  proxy_temp_path ${join(dir, 'proxy')};`,
          `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
          `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
          `  scgi_temp_path ${join(dir, 'scgi')};`,
          ...upstreams,
          ...servers,
          `  server { listen 127.0.0.1:${mainPort};`,
          ...locations,
          '  }',
          '}',
        ].join('\n');
        writeFileSync(join(dir, 'nginx.conf'), conf);
        return ['-e', join(dir, 'stderr.log'), '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'];
      },
    });
  });

  afterAll(async () => {
    await nginx.stop();
  });

  function model(id: string): NginxUpstream {
    const u = UPSTREAMS.find((x) => x.id === id)!;
    const ports = backendPorts.get(id)!;
    return new NginxUpstream({
      method: u.method,
      servers: u.weights.map((w, i) => ({ name: NAMES[i]!, address: `127.0.0.1:${ports[i]}`, weight: w, maxFails: 1, failTimeoutSec: 60, down: u.down?.includes(i) ?? false, backup: u.backup?.includes(i) ?? false })),
    });
  }

  async function compare(id: string, n: number, req: (i: number) => { path: string; local?: string; clientAddr?: string; key?: string }): Promise<number> {
    const m = model(id);
    const ours: string[] = [];
    const theirs: string[] = [];
    const strip = (x: string): string => (x.startsWith('502:') ? '502:' : x);
    for (let i = 0; i < n; i++) {
      const r = req(i);
      theirs.push(strip(await get(mainPort, `/${id}${r.path}`, r.local)));
      const u = UPSTREAMS.find((x) => x.id === id)!;
      const dead = new Set((u.dead ?? []).map((i) => NAMES[i]!));
      const pr = { ...(r.clientAddr !== undefined ? { clientAddr: r.clientAddr } : {}), ...(r.key !== undefined ? { key: r.key } : {}) };
      const res = m.requestWithRetries(pr, (p) => !dead.has(p.name));
      ours.push(res.answered === null ? '502:' : `200:${res.answered.name}`);
    }
    expect(theirs).toEqual(ours);
    return n;
  }

  let decisions = 0;
  for (const id of ['rr511', 'rr432', 'rr1_2_3_5', 'rr_down', 'lc511', 'rr_backup', 'rr_dead']) {
    it(`ngx_http_upstream_get_peer smooth WRR: ${id} — 120 sequential requests, every pick equal`, async () => {
      decisions += await compare(id, 120, () => ({ path: '' }));
    });
  }
  for (const id of ['ip3', 'ip_w', 'ip_down', 'ip_dead']) {
    it(`ngx_http_upstream_get_ip_hash_peer: ${id} — 300 clients from distinct 127.a.b.c addresses`, async () => {
      decisions += await compare(id, 300, (i) => {
        const a = 1 + (i % 20);
        const b = Math.floor(i / 20) * 17 % 256;
        const c = 1 + ((i * 37) % 250);
        const addr = `127.${a}.${b}.${c}`;
        return { path: '', local: addr, clientAddr: addr };
      });
    });
  }
  for (const id of ['hash4', 'chash3', 'chash_w', 'chash_dead']) {
    it(`ngx_http_upstream_get_${id.startsWith('c') ? 'chash' : 'hash'}_peer: ${id} — 300 keys`, async () => {
      decisions += await compare(id, 300, (i) => {
        const key = `user-${i * 7919}-${i % 13}`;
        return { path: `?key=${key}`, key };
      });
    });
  }
  it('reports the number of decisions compared', () => {
    // 7 × 120 + 4 × 300 + 4 × 300
    expect(decisions).toBe(3240);
    console.log(`nginx peer: ${decisions} upstream decisions compared, all equal`);
  });
});
