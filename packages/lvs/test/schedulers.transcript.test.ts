import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { LvsError, VirtualService, WeightedRoundRobin, type SchedulerName } from '../src/index.js';
import { schedAs } from './helpers.js';

/**
 * Runner of test/transcripts/*.txt for IPVS schedulers. Commands:
 *   service SCHED name=w …       a virtual service whose list reads in the order given
 *                                (added back to front, then `ipvsadm -E -s SCHED`: a fresh period)
 *   pick N [src=ADDR] [dst=ADDR] N new connections; one line each: the chosen server, then the
 *                                scheduler's state (wrr: its mark cw/mw/di) or the counters it read
 *   add NAME w=W                 ipvsadm -a (linked at the FRONT of the list)
 *   remove NAME                  ipvsadm -d
 *   edit NAME w=W                ipvsadm -e
 *   overload NAME [off]          set (or clear) IP_VS_DEST_F_OVERLOAD
 *   conns NAME a=N i=N           set activeconns / inactconns
 *   list                         the list, front first, with weights, counters and flags
 * With `pick … +connect`, each picked server also gains an active connection (a server that
 * stays busy), so the least-connection schedulers move on.
 */
function runner(): (cmd: TranscriptCommand) => string {
  let svc: VirtualService | undefined;
  const need = (): VirtualService => {
    if (svc === undefined) throw new Error('service first');
    return svc;
  };
  const kv = (args: readonly string[], key: string): string | undefined => args.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1);
  const num = (args: readonly string[], key: string, dflt?: number): number => {
    const v = kv(args, key);
    if (v === undefined) {
      if (dflt === undefined) throw new Error(`missing ${key}=`);
      return dflt;
    }
    return Number(v);
  };
  const state = (s: VirtualService): string => {
    const sched: unknown = s.scheduler;
    if (sched instanceof WeightedRoundRobin) return `at cw=${String(sched.cw)}  (mw=${String(sched.mw)} di=${String(sched.di)})`;
    return s.dests.map((d) => `${d.name}:${String(d.activeConns)}/${String(d.inactConns)}`).join(' ');
  };
  const list = (s: VirtualService): string =>
    s.dests.map((d) => `${d.name} w=${String(d.weight)} active=${String(d.activeConns)} inactive=${String(d.inactConns)}${d.overloaded ? ' OVERLOAD' : ''}`).join('\n');
  return (cmd) => {
    const [first, ...rest] = cmd.args;
    switch (cmd.name) {
      case 'service': {
        const sched = first as SchedulerName;
        const specs = rest.map((a) => a.split('='));
        const s = new VirtualService({ scheduler: 'rr', random: { nextU32: () => 0 } });
        for (let i = specs.length - 1; i >= 0; i--) s.addDest({ name: specs[i]?.[0] ?? '', weight: Number(specs[i]?.[1]) });
        s.setScheduler(sched);
        svc = s;
        return `${sched}: ${list(s).split('\n').map((l) => l.split(' active')[0] ?? '').join(', ')}  (${state(s).replace(/^at /, 'start ')})`;
      }
      case 'pick': {
        const s = need();
        const n = Number(first);
        const out: string[] = [];
        for (let i = 0; i < n; i++) {
          const d = s.schedule({ srcAddr: kv(rest, 'src') ?? '192.0.2.1', dstAddr: kv(rest, 'dst') ?? '198.51.100.1' });
          if (d !== null && rest.includes('+connect')) d.activeConns++;
          out.push(`${d?.name ?? '(none)'}  ${state(s)}`);
        }
        return out.join('\n');
      }
      case 'add':
        need().addDest({ name: first ?? '', weight: num(rest, 'w') });
        return list(need());
      case 'remove':
        need().delDest(first ?? '');
        return list(need());
      case 'edit':
        need().editDest(first ?? '', { weight: num(rest, 'w') });
        return list(need());
      case 'overload':
        need().dest(first ?? '').overloaded = rest[0] !== 'off';
        return list(need());
      case 'conns': {
        const d = need().dest(first ?? '');
        d.activeConns = num(rest, 'a', d.activeConns);
        d.inactConns = num(rest, 'i', d.inactConns);
        return list(need());
      }
      case 'list':
        return list(need());
      default:
        throw new Error(`unknown command ${cmd.name}`);
    }
  };
}

describe('IPVS scheduler transcripts', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/wrr.txt', import.meta.url)), runner);
  describeTranscript(fileURLToPath(new URL('./transcripts/schedulers.txt', import.meta.url)), runner);
});

describe('ip_vs_wrr.c mark invariants are asserted in the core', () => {
  it('a mark whose cw left 1..mw, or whose cl is no longer linked, is a typed INVARIANT error, not a wrong pick', () => {
    const s = new VirtualService({ scheduler: 'rr' });
    s.addDest({ name: 'B', weight: 1 });
    s.addDest({ name: 'A', weight: 3 });
    s.setScheduler('wrr');
    const wrr = schedAs(s, WeightedRoundRobin);
    wrr.cw = 99;
    expect(() => s.schedule({ srcAddr: 1 })).toThrow(LvsError);
    wrr.cw = 1;
    const ghost = s.dest('A');
    s.schedule({ srcAddr: 1 });
    wrr.cl = ghost;
    s.delDest('A'); // del_dest resets the mark …
    wrr.cl = ghost; // … a mark still pointing at it is broken
    let code = '';
    try {
      s.schedule({ srcAddr: 1 });
    } catch (e) {
      code = (e as LvsError).code;
    }
    expect(code).toBe('INVARIANT');
  });
});
