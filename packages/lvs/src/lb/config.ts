import { NGINX_METHODS, parseUpstreamBlock, type NginxMethod } from '@protolab/nginx';
import { LvsError } from '../errors.js';
import { parseKeepalivedConf } from '../keepalived/config.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/index.js';
import type { ServiceFlag } from '../service.js';
import { parseIpvsadmSave } from './ipvsadm.js';

/** Which balancer decides: an IPVS scheduler (with its flags) or an nginx balancing method. */
export type Balancer = { kind: 'ipvs'; scheduler: SchedulerName; flags: ServiceFlag[] } | { kind: 'nginx'; method: NginxMethod };

export interface LbServer {
  /** `ADDR:PORT` as the configuration writes it. */
  name: string;
  weight: number;
  down: boolean;
  backup: boolean;
}

/** Servers in configuration order (for IPVS: the kernel list order, front first) and the balancer the file configures. */
export interface LbConfig {
  source: string;
  balancer: Balancer;
  servers: LbServer[];
}

export type ConfigFormat = 'ipvsadm' | 'keepalived' | 'nginx';

/** `wlc`, `ipvs:wlc`, `nginx:ip_hash` (nginx's `hash consistent` is `hash_consistent`, `random two` is `random_two`). */
export function parseBalancer(spec: string): Balancer {
  const [a = '', b] = spec.split(':');
  const kind = b === undefined ? ((SCHEDULER_NAMES as readonly string[]).includes(a) ? 'ipvs' : 'nginx') : a;
  const name = b ?? a;
  if (kind === 'ipvs' && (SCHEDULER_NAMES as readonly string[]).includes(name)) return { kind: 'ipvs', scheduler: name as SchedulerName, flags: [] };
  if (kind === 'nginx' && (NGINX_METHODS as readonly string[]).includes(name)) return { kind: 'nginx', method: name as NginxMethod };
  throw new LvsError('UNKNOWN_SCHEDULER', `balancer: expected an IPVS scheduler (${SCHEDULER_NAMES.join(', ')}) or nginx:<${NGINX_METHODS.join('|')}>, found "${spec}"`);
}

export function balancerName(b: Balancer): string {
  return b.kind === 'ipvs' ? `ipvs ${b.scheduler}${b.flags.length > 0 ? ` (${b.flags.join(',')})` : ''}` : `nginx ${b.method}`;
}

/**
 * The `upstream NAME { … }` block to read from nginx configuration text: the text itself when it is
 * one upstream block, otherwise the block named `name` (or the first) found in a whole nginx.conf.
 * Comments (`#` to the end of the line) and quoted strings are skipped while matching braces, as
 * nginx's ngx_conf_read_token does.
 */
export function upstreamText(text: string, name?: string): string {
  const blocks: { name: string; text: string }[] = [];
  const re = /(^|[\s;{}])upstream\s+([^\s{;]+)\s*\{/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index + (m[1] ?? '').length;
    let depth = 0;
    let i = text.indexOf('{', start);
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '#') { const nl = text.indexOf('\n', i); i = nl === -1 ? text.length : nl; continue; }
      if (c === '"' || c === "'") { let j = i + 1; while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1; i = j; continue; }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    if (depth !== 0) break; // unterminated: let parseUpstreamBlock report it on the whole text
    blocks.push({ name: m[2] ?? '', text: text.slice(start, i + 1) });
    re.lastIndex = i + 1;
  }
  if (blocks.length === 0) return text;
  if (blocks.length === 1 && blocks[0]?.text.trim() === text.trim()) return text;
  const chosen = name === undefined ? blocks[0] : blocks.find((b) => b.name === name);
  if (chosen === undefined) throw new LvsError('CONFIG_VALUE', `nginx configuration: no upstream named ${String(name)} (found ${blocks.map((b) => b.name).join(', ')})`);
  return chosen.text;
}

/**
 * Servers and balancer from an `ipvsadm -Sn` dump, a keepalived.conf (`virtual_server` /
 * `real_server` / `lb_algo`) or an nginx `upstream` block (alone, or inside a whole nginx.conf).
 * `service` picks a virtual service by its `VIP:PORT` (ipvsadm, keepalived) or an upstream by its
 * name (nginx) when the file has several (default: the first).
 */
export function loadConfig(format: ConfigFormat, text: string, service?: string): LbConfig {
  if (format === 'nginx') {
    const u = parseUpstreamBlock(upstreamText(text, service));
    return {
      source: `nginx upstream${u.name === undefined ? '' : ` ${u.name}`}`,
      balancer: { kind: 'nginx', method: u.method },
      servers: u.servers.map((s) => ({ name: s.address, weight: s.weight ?? 1, down: s.down ?? false, backup: s.backup ?? false })),
    };
  }
  if (format === 'ipvsadm') {
    const all = parseIpvsadmSave(text);
    const svc = service === undefined ? all[0] : all.find((s) => s.vip === service);
    if (svc === undefined) throw new LvsError('CONFIG_VALUE', service === undefined ? 'ipvsadm dump: no virtual service (-A line)' : `ipvsadm dump: no virtual service ${service}`);
    return {
      source: `ipvsadm dump, ${svc.proto} ${svc.vip}`,
      balancer: { kind: 'ipvs', scheduler: svc.scheduler, flags: svc.flags },
      servers: svc.dests.map((d) => ({ name: `${d.addr}:${String(d.port)}`, weight: d.weight, down: false, backup: false })),
    };
  }
  const conf = parseKeepalivedConf(text);
  const vs = service === undefined ? conf.virtualServers[0] : conf.virtualServers.find((v) => `${v.address}:${String(v.port)}` === service);
  if (vs === undefined) throw new LvsError('CONFIG_VALUE', service === undefined ? 'keepalived.conf: no virtual_server' : `keepalived.conf: no virtual_server ${service}`);
  return {
    source: `keepalived.conf, virtual_server ${vs.address}:${String(vs.port)}`,
    balancer: { kind: 'ipvs', scheduler: vs.lbAlgo, flags: [] },
    // keepalived adds real servers in file order, each linked at the front: the list reads backwards
    servers: [...vs.realServers].reverse().map((r) => ({ name: `${r.address}:${String(r.port)}`, weight: r.weight, down: false, backup: false })),
  };
}
