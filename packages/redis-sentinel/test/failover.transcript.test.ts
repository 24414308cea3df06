import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { sentinelDeployment, type InstanceNode, type SentinelSimNode } from '../src/index.js';

/**
 * Runner of test/transcripts/failover.txt (sentinel.c fail-over, step by step). Commands:
 *   deployment seed=N replicas=R parallel-syncs=P down-after=MS
 *                              master m, replicas r1…, sentinels s1 s2 s3 (quorum 2), links 1 ms
 *   run MS                     run MS of virtual time; print every new sentinel event with its time
 *                              (10 ms resolution), leaving out discovery (+sentinel, +slave)
 *   write N                    N client writes on the master: SET k<i> v<i>, the next N keys (its
 *                              replication offset grows by each command's length in the stream)
 *   crash NODE, restart NODE, heal, partition A,B|C,D
 *   failover SENTINEL          SENTINEL FAILOVER mymaster, sent to that sentinel: the reply
 *   roles                      each live instance: role, master (and link), offset, keys, priority,
 *                              the full / partial resyncs it served as a master; each sentinel's master
 */
function runner(): (cmd: TranscriptCommand) => string {
  let dep: ReturnType<typeof sentinelDeployment> | undefined;
  const seen = new Map<string, number>();
  let written = 0;
  const need = (): ReturnType<typeof sentinelDeployment> => {
    if (dep === undefined) throw new Error('deployment first');
    return dep;
  };
  const collect = (): string[] => {
    const { sim, sentinels } = need();
    const out: string[] = [];
    for (const s of sentinels) {
      if (!sim.isUp(s)) continue;
      const ev = sim.node<SentinelSimNode>(s).core.events;
      for (let i = seen.get(s) ?? 0; i < ev.length; i++) {
        const e = ev[i] ?? '';
        if (!e.startsWith('+sentinel ') && !e.startsWith('+slave slave')) out.push(`t=${(sim.now() / 1000).toFixed(2)}s ${s} ${e}`);
      }
      seen.set(s, ev.length);
    }
    return out;
  };
  return (cmd) => {
    const [a = ''] = cmd.args;
    switch (cmd.name) {
      case 'deployment': {
        const opt = new Map(cmd.args.map((x) => x.split('=') as [string, string]));
        dep = sentinelDeployment({ seed: Number(opt.get('seed') ?? 1), replicas: Number(opt.get('replicas') ?? 2), parallelSyncs: Number(opt.get('parallel-syncs') ?? 1), downAfterMs: Number(opt.get('down-after') ?? 5000), failoverTimeoutMs: 60_000, link: { minDelayMs: 1, maxExtraDelayMs: 0 } });
        return `master m, replicas ${dep.instances.slice(1).join(' ')}, sentinels ${dep.sentinels.join(' ')} (quorum 2)`;
      }
      case 'run': {
        const { sim } = need();
        const out: string[] = [];
        for (let t = 0; t < Number(a); t += 10) {
          sim.runFor(10);
          out.push(...collect());
        }
        return out.length === 0 ? '(no events)' : out.join('\n');
      }
      case 'write': {
        const m = need().sim.node<InstanceNode>('m');
        for (let i = 0; i < Number(a); i++) {
          written++;
          m.write(['SET', `k${String(written)}`, `v${String(written)}`]);
        }
        return `m offset ${String(m.state.offset)}, keys ${String(m.core.data.size)}`;
      }
      case 'crash': need().sim.crash(a); return `${a} crashed`;
      case 'restart': need().sim.restart(a); return `${a} restarted`;
      case 'heal': need().sim.heal(); return 'healed';
      case 'partition': {
        const [x = '', y = ''] = a.split('|');
        need().sim.partition(x.split(','), y.split(','));
        return `partitioned ${x} from ${y}`;
      }
      case 'failover': {
        const { sim } = need();
        return sim.node<SentinelSimNode>(a).core.failover(sim.now());
      }
      case 'roles': {
        const { sim, sentinels, instances } = need();
        const lines = instances.filter((n) => sim.isUp(n)).map((n) => {
          const st = sim.node<InstanceNode>(n).state;
          const core = sim.node<InstanceNode>(n).core;
          const link = st.role === 'slave' ? ` (link ${core.repl_state === 'REPL_STATE_CONNECTED' ? 'up' : 'down'})` : '';
          return `${n}: ${st.role === 'master' ? 'master' : `replica of ${st.master ?? '-'}${link}`}, offset ${String(st.offset)}, keys ${String(core.data.size)}, priority ${String(st.priority)}, full/partial resyncs served ${String(core.stats.fullResyncs)}/${String(core.stats.partialResyncs)}`;
        });
        for (const s of sentinels) if (sim.isUp(s)) lines.push(`${s}: get-master-addr-by-name mymaster → ${sim.node<SentinelSimNode>(s).core.getMasterAddrByName('mymaster')}`);
        return lines.join('\n');
      }
      default: throw new Error(`unknown command ${cmd.name}`);
    }
  };
}

describe('sentinel.c fail-over, as a golden transcript', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/failover.txt', import.meta.url)), runner);
});
