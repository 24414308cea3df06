import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const cli = join(here, '..', 'src', 'adapters', 'cli.ts');
const fx = (f: string): string => join(here, 'cli', f);

/** Runs protolab-lb as a separate process (tsx from the sources, as `npx tsx` would). */
function lb(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@protolab/source', cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Json {
  balancer: string;
  clients: number;
  none: number;
  servers: { name: string; weight: number; picks: number }[];
  removal?: { server: string; seen: number; moved: number; fromRemoved: number; collateral: number };
}

describe('protolab-lb, spawned', () => {
  it('--help prints the usage and exits 0', () => {
    const r = lb('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: protolab-lb');
  });
  it('an ipvsadm -Sn dump with wlc 3:1 and 8 clients that each hold a connection: ip_vs_wlc.c fills 6 and 2', () => {
    const r = lb('--ipvsadm', fx('wlc.ipvsadm'), '--clients', fx('clients.txt'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    expect(j.balancer).toBe('ipvs wlc');
    expect(j.servers.map((s) => [s.name, s.picks])).toEqual([['192.168.1.11:80', 6], ['192.168.1.12:80', 2]]);
  });
  it('the same servers through nginx ip_hash (--balancer): clients of one /24 stay together; removing a server moves only its clients', () => {
    const r = lb('--ipvsadm', fx('wlc.ipvsadm'), '--clients', fx('clients.txt'), '--balancer', 'nginx:ip_hash', '--remove', '192.168.1.12:80', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    expect(j.servers.reduce((a, s) => a + s.picks, 0)).toBe(8);
    expect(j.servers.every((s) => s.picks % 2 === 0)).toBe(true); // 4 /24s of 2 clients each
    expect(j.removal?.collateral).toBe(0);
    expect(j.removal?.moved).toBe(j.removal?.fromRemoved);
  });
  it('an nginx upstream block, text output: a table with every server and a share column', () => {
    const r = lb('--nginx', fx('upstream.conf'), '--clients', fx('clients.txt'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('balancer: nginx ip_hash');
    for (const s of ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80']) expect(r.out).toContain(s);
    expect(r.out).toMatch(/share/);
  });
  it('a keepalived.conf and a seeded workload: same seed, same output; the removed server gets no new clients after it fails', () => {
    const conf = join(here, '..', 'fixtures', 'keepalived.conf');
    const a = lb('--keepalived', conf, '--workload', 'duration=20000,rate=20', '--remove', '192.168.1.12:80', '--json');
    const b = lb('--keepalived', conf, '--workload', 'duration=20000,rate=20', '--remove', '192.168.1.12:80', '--json');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const j = JSON.parse(a.out) as Json;
    expect(j.removal?.server).toBe('192.168.1.12:80');
    expect(j.removal?.collateral).toBe(0); // one server is left: every client that moved had been on the failed one
  });
  it('a refused configuration exits 1 and names the line; bad usage exits 2', () => {
    const r = lb('--keepalived', join(here, 'corpus', 'advert-int-zero.conf'), '--clients', fx('clients.txt'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 3/);
    expect(lb('--clients', fx('clients.txt')).code).toBe(2);
    expect(lb('--nginx', fx('upstream.conf'), '--clients', fx('clients.txt'), '--balancer', 'least').code).toBe(1);
    expect(lb('--nginx', fx('nope.conf'), '--clients', fx('clients.txt')).code).toBe(1);
  });
});
