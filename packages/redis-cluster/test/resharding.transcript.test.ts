import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { renderTrace } from '@protolab/sim';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { type Arg, keyHashSlot, type ReshardPhase, showReply, type SimCluster, simCluster } from '@protolab/redis-cluster';

/**
 * Runner of test/transcripts/*.txt (live resharding, step by step). Commands:
 *   cluster [pipeline=N]           3 masters n1 n2 n3 (slots split as redis-cli --cluster create),
 *                                  client c1 with an empty slot cache, the resharder admin;
 *                                  every link takes exactly 1 ms
 *   set K V, get K, mget K…, del K  one command on c1, run until it ends: the messages it caused,
 *                                  the reply, the hops, and c1's cache entry for the key's slot
 *   reshard SLOT FROM->TO [until=PHASE]
 *                                  start moving a slot (redis-cli's clusterManagerMoveSlot) and run
 *                                  until the resharder reaches PHASE (importing, migrating,
 *                                  getkeys, migrate, node) or is done (the default)
 *   continue [until=PHASE]         run the resharder on to PHASE or to the end
 *   slot SLOT                      each master's view: owner, MIGRATING/IMPORTING, keys it holds
 *   pause, resume                  hold / release every message between admin and the masters (a
 *                                  clogged link), so client commands run against a frozen step
 */
function runner(): (cmd: TranscriptCommand) => string {
  let cl: SimCluster | undefined;
  let seen = 0;
  const need = (): SimCluster => {
    if (cl === undefined) throw new Error('cluster first');
    return cl;
  };
  const messages = (c: SimCluster): string[] => {
    const lines = renderTrace(c.sim.trace.slice(seen), { legend: false, kinds: ['deliver', 'drop', 'note'] }).trimEnd().split('\n').slice(1);
    seen = c.sim.trace.length;
    return lines;
  };
  const untilPhase = (args: readonly string[]): ReshardPhase | 'done' => {
    const u = args.find((a) => a.startsWith('until='))?.slice('until='.length) ?? 'done';
    if (!['importing', 'migrating', 'getkeys', 'migrate', 'node', 'done'].includes(u)) throw new Error(`until=${u}: not a phase`);
    return u as ReshardPhase | 'done';
  };
  const runResharder = (c: SimCluster, until: ReshardPhase | 'done'): string[] => {
    const reached = (): boolean => (until === 'done' ? !c.resharder().busy() : c.resharder().current()?.phase === until);
    if (!c.sim.runUntil(reached, { maxSteps: 10_000 })) throw new Error(`the resharder never reached ${until}`);
    const cur = c.resharder().current();
    return [...messages(c), cur === undefined ? 'resharder: idle' : `resharder: slot ${cur.slot} ${cur.from}->${cur.to}, next step ${cur.phase}`];
  };
  const slotView = (c: SimCluster, slot: number): string[] => c.masters.map((m) => {
    const core = c.core(m);
    const mig = core.migrating.get(slot);
    const imp = core.importing.get(slot);
    const state = [mig !== undefined ? `MIGRATING to ${mig}` : '', imp !== undefined ? `IMPORTING from ${imp}` : ''].filter((x) => x !== '').join(', ');
    return `${m}: owner ${core.slots.owner(slot) ?? '-'}${state === '' ? '' : `, ${state}`}, ${core.countKeysInSlot(slot)} keys`;
  });
  const command = (c: SimCluster, argv: Arg[]): string[] => {
    const client = c.client('c1');
    const before = client.history.length;
    c.command('c1', ...argv);
    if (!c.sim.runUntil(() => client.history.length > before, { maxSteps: 10_000 })) throw new Error('the command never ended');
    const h = client.history.at(-1);
    const out = messages(c);
    if (h !== undefined) {
      out.push(`reply: ${h.reply !== undefined ? showReply(h.reply) : `error ${h.error?.message ?? ''}`}${h.hops.length > 0 ? `   (via ${h.hops.join(' | ')})` : ''}`);
    }
    const key = argv[1];
    if (key !== undefined) {
      const slot = keyHashSlot(key);
      out.push(`c1 cache: slot ${slot} -> ${client.client.nodeForSlot(slot) ?? '(unknown)'}`);
    }
    return out;
  };
  return (cmd) => {
    if (cmd.name === 'cluster') {
      const pipeline = Number(cmd.args.find((a) => a.startsWith('pipeline='))?.slice('pipeline='.length) ?? 10);
      cl = simCluster({ seed: 1, masters: 3, clients: 1, link: { minDelayMs: 1, maxExtraDelayMs: 0 }, pipeline });
      seen = cl.sim.trace.length;
      return cl.masters.map((m) => `${m} ${cl?.addrOf(m).host ?? ''}:${cl?.addrOf(m).port ?? ''} slots ${cl?.core(m).slots.ranges().filter((r) => r.node === m).map((r) => `${r.start}-${r.end}`).join(',') ?? ''}`).join('\n');
    }
    const c = need();
    switch (cmd.name) {
      case 'set': case 'get': case 'mget': case 'del':
        return command(c, [cmd.name.toUpperCase(), ...cmd.args]).join('\n');
      case 'reshard': {
        const [slot, fromTo] = cmd.args;
        const [from, to] = (fromTo ?? '').split('->');
        const s = Number(slot);
        if (from === undefined || to === undefined || c.core(from).slots.owner(s) !== from) throw new Error(`reshard ${slot ?? ''} ${fromTo ?? ''}: expected SLOT FROM->TO with FROM the owner`);
        c.moveSlot(s, to);
        return runResharder(c, untilPhase(cmd.args)).join('\n');
      }
      case 'continue':
        return runResharder(c, untilPhase(cmd.args)).join('\n');
      case 'slot':
        return slotView(c, Number(cmd.args[0])).join('\n');
      case 'pause': case 'resume':
        for (const m of c.masters) {
          for (const [a, b] of [[c.admin, m], [m, c.admin]] as const) {
            if (cmd.name === 'pause') c.sim.clog(a, b);
            else c.sim.unclog(a, b);
          }
        }
        return `resharder ${cmd.name === 'pause' ? 'paused' : 'resumed'}`;
      default:
        throw new Error(`unknown command ${cmd.name}`);
    }
  };
}

describe('live resharding golden transcripts', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/resharding.txt', import.meta.url)), runner);
});
