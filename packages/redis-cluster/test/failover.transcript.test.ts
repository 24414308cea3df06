import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { clusterFailoverDeployment, type BusEvent, type ClusterFailoverDeployment, type FailoverSimNode } from '@protolab/redis-cluster';

/**
 * Runner of test/transcripts/failover.txt (cluster.c replica fail-over, step by step). Commands:
 *   cluster seed=N replicas=R timeout=MS   3 masters m1 m2 m3 with R replicas each (r1a, r1b…)
 *   run MS                                 run MS of virtual time; print every new bus event with
 *                                          the time it was seen (100 ms resolution)
 *   crash NODE, restart NODE, heal, partition A,B|C,D
 *   failover NODE [force|takeover]         CLUSTER FAILOVER on NODE: the reply
 *   views                                  each live node: role, epochs, who owns each shard
 */
function runner(): (cmd: TranscriptCommand) => string {
  let d: ClusterFailoverDeployment | undefined;
  const seen = new Map<string, number>();
  const need = (): ClusterFailoverDeployment => {
    if (d === undefined) throw new Error('cluster first');
    return d;
  };
  const nm = (id: string | undefined): string => (id === undefined ? '-' : (need().nameOf.get(id) ?? id.slice(0, 8)));
  const show = (who: string, e: BusEvent): string => {
    switch (e.type) {
      case 'pfail': return `${who} flags ${nm(e.node)} PFAIL`;
      case 'fail': return e.by === 'quorum' ? `${who} marks ${nm(e.node)} FAIL (${String(e.reports)} of ${String(e.needed)} needed reports) and broadcasts FAIL` : `${who} learns ${nm(e.node)} is FAIL`;
      case 'fail-cleared': return `${who} clears FAIL of ${nm(e.node)}`;
      case 'auth-request': return `${who} asks for votes: epoch ${String(e.epoch)}, rank ${String(e.rank)}${e.manual ? ', manual (FORCEACK)' : ''}`;
      case 'vote': return `${who} votes for ${nm(e.for)} in epoch ${String(e.epoch)}`;
      case 'promoted': return `${who} is promoted: replaces ${nm(e.replaced)}, configEpoch ${String(e.configEpoch)}${e.takeover ? ', TAKEOVER (no votes)' : `, ${String(e.votes)} votes`}`;
      case 'epoch-collision': return `${who} resolves a configEpoch collision: now ${String(e.configEpoch)}`;
      case 'lost-slots': return `${who} sees its slots claimed by ${nm(e.to)} with a newer configEpoch`;
      case 'set-master': return `${who} now replicates ${nm(e.master)}`;
    }
  };
  const collect = (c: ClusterFailoverDeployment): string[] => {
    const out: string[] = [];
    for (const name of c.idOf.keys()) {
      if (!c.sim.isUp(name)) continue;
      const ev = c.sim.node<FailoverSimNode>(name).bus.events;
      for (let i = seen.get(name) ?? 0; i < ev.length; i++) {
        const e = ev[i];
        // Learned-by-message FAILs and PFAIL clears are many; the story keeps the decisions.
        if (e !== undefined && !(e.type === 'fail' && e.by === 'message') && e.type !== 'fail-cleared') out.push(`t=${(c.sim.now() / 1000).toFixed(2)}s ${show(name, e)}`);
      }
      seen.set(name, ev.length);
    }
    return out;
  };
  return (cmd) => {
    const [a = '', b = ''] = cmd.args;
    switch (cmd.name) {
      case 'cluster': {
        const opt = new Map(cmd.args.map((x) => x.split('=') as [string, string]));
        d = clusterFailoverDeployment({ seed: Number(opt.get('seed') ?? 1), replicasPerMaster: Number(opt.get('replicas') ?? 1), nodeTimeoutMs: Number(opt.get('timeout') ?? 2000), link: { minDelayMs: 1, maxExtraDelayMs: 0 } });
        return [...d.shardSlots].map(([m, [x, y]]) => `${m} slots ${String(x)}-${String(y)} configEpoch ${String((d?.masters.indexOf(m) ?? 0) + 1)}`).join('\n');
      }
      case 'run': {
        const c = need();
        const out: string[] = [];
        for (let t = 0; t < Number(a); t += 10) {
          c.sim.runFor(10);
          out.push(...collect(c));
        }
        return out.length === 0 ? '(no events)' : out.join('\n');
      }
      case 'crash': need().sim.crash(a); return `${a} crashed`;
      case 'restart': need().sim.restart(a); return `${a} restarted (nodes.conf kept)`;
      case 'heal': need().sim.heal(); return 'healed';
      case 'partition': {
        const [x = '', y = ''] = a.split('|');
        need().sim.partition(x.split(','), y.split(','));
        return `partitioned ${x} from ${y}`;
      }
      case 'failover': return need().sim.node<FailoverSimNode>(a).clusterFailover(b === 'force' || b === 'takeover' ? b : 'default');
      case 'views': {
        const c = need();
        return [...c.idOf.keys()].filter((n) => c.sim.isUp(n)).map((n) => {
          const bus = c.sim.node<FailoverSimNode>(n).bus;
          const owners = [...c.shardSlots.values()].map(([first]) => nm(bus.slots.ownerOf(first))).join(' ');
          return `${n}: ${bus.myself.role === 'master' ? 'master' : `replica of ${nm(bus.myself.slaveof)}`}, currentEpoch ${String(bus.currentEpoch)}, configEpoch ${String(bus.myself.configEpoch)}, shard owners ${owners}`;
        }).join('\n');
      }
      default: throw new Error(`unknown command ${cmd.name}`);
    }
  };
}

describe('cluster.c replica fail-over, as a golden transcript', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/failover.txt', import.meta.url)), runner);
});
