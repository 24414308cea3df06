import { formatIPv4, parseIPv4 } from '../addr.js';
import { LvsError } from '../errors.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/index.js';
import type { ServiceFlag } from '../service.js';

/** One real server line of an `ipvsadm -Sn` dump (`-a … -r ADDR:PORT -g|-m|-i -w W [-x U] [-y L]`). */
export interface IpvsadmDest {
  addr: string;
  port: number;
  method: 'DR' | 'NAT' | 'TUN';
  weight: number;
  uThreshold: number;
  lThreshold: number;
}

/** One virtual service (`-A -t|-u|-f VIP:PORT -s SCHED [-b FLAGS] [-p TIMEOUT]`) with its dests. */
export interface IpvsadmService {
  proto: 'tcp' | 'udp' | 'fwmark';
  vip: string;
  scheduler: SchedulerName;
  flags: ServiceFlag[];
  persistentSec: number | undefined;
  /** In dump order, which is the kernel's list order (front first). */
  dests: IpvsadmDest[];
  line: number;
}

const FLAGS: ReadonlySet<string> = new Set(['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port']);

function fail(line: number, msg: string): LvsError {
  return new LvsError('CONFIG_VALUE', `ipvsadm dump line ${String(line)}: ${msg}`);
}

function endpoint(v: string | undefined, line: number): { addr: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(v ?? '');
  if (m === null) throw fail(line, `expected ADDR:PORT (numeric, as -n prints), found "${v ?? ''}"`);
  const port = Number(m[2]);
  if (port > 65535) throw fail(line, `port ${String(port)} is above 65535`);
  try {
    return { addr: formatIPv4(parseIPv4(m[1] ?? '')), port };
  } catch {
    throw fail(line, `bad address "${m[1] ?? ''}"`);
  }
}

function intOpt(v: string | undefined, line: number, what: string, hi: number): number {
  if (v === undefined || !/^\d{1,10}$/.test(v) || Number(v) > hi) throw fail(line, `${what}: expected an integer in [0, ${String(hi)}], found "${v ?? ''}"`);
  return Number(v);
}

/**
 * Reads `ipvsadm -Sn` output (ipvsadm.c's `-S`/`--save` with `-n`): one `-A` line per virtual
 * service, then its `-a` lines. Blank lines and `#` comments are skipped; anything else is an
 * LvsError naming the line. The dump lists real servers in the kernel's list order.
 */
export function parseIpvsadmSave(text: string): IpvsadmService[] {
  const out: IpvsadmService[] = [];
  const byVip = new Map<string, IpvsadmService>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const w = raw.trim().split(/\s+/).filter((x) => x !== '');
    if (w.length === 0 || (w[0] ?? '').startsWith('#')) return;
    const opt = (name: string): string | undefined => {
      const k = w.indexOf(name);
      return k < 0 ? undefined : w[k + 1];
    };
    const protoFlag = w.find((x) => x === '-t' || x === '-u' || x === '-f');
    if (protoFlag === undefined) throw fail(line, 'expected -t, -u or -f with the virtual service');
    const proto = protoFlag === '-t' ? 'tcp' : protoFlag === '-u' ? 'udp' : 'fwmark';
    const vipText = opt(protoFlag) ?? '';
    const vip = proto === 'fwmark' ? `fwmark ${vipText}` : `${endpoint(vipText, line).addr}:${String(endpoint(vipText, line).port)}`;
    const key = `${proto} ${vip}`;
    if (w[0] === '-A') {
      const sched = opt('-s') ?? 'wlc';
      if (!(SCHEDULER_NAMES as readonly string[]).includes(sched)) throw fail(line, `unknown scheduler "${sched}"`);
      const flags = (opt('-b') ?? '').split(',').filter((f) => f !== '');
      for (const f of flags) if (!FLAGS.has(f)) throw fail(line, `unknown scheduler flag "${f}"`);
      const p = opt('-p');
      const svc: IpvsadmService = { proto, vip, scheduler: sched as SchedulerName, flags: flags as ServiceFlag[], persistentSec: p === undefined ? undefined : intOpt(p, line, '-p', 0x7fffffff), dests: [], line };
      if (byVip.has(key)) throw fail(line, `service ${key} defined twice`);
      byVip.set(key, svc);
      out.push(svc);
    } else if (w[0] === '-a') {
      const svc = byVip.get(key);
      if (svc === undefined) throw fail(line, `real server for ${key} before its -A line`);
      const rs = endpoint(opt('-r'), line);
      const method = w.includes('-m') ? 'NAT' : w.includes('-i') ? 'TUN' : 'DR';
      const weight = opt('-w') === undefined ? 1 : intOpt(opt('-w'), line, '-w', 65535);
      svc.dests.push({ ...rs, method, weight, uThreshold: opt('-x') === undefined ? 0 : intOpt(opt('-x'), line, '-x', 0x7fffffff), lThreshold: opt('-y') === undefined ? 0 : intOpt(opt('-y'), line, '-y', 0x7fffffff) });
    } else {
      throw fail(line, `expected a line starting -A or -a, found "${w[0] ?? ''}"`);
    }
  });
  return out;
}
