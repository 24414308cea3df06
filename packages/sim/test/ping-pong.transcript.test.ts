import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { Sim, renderTrace, type NodeRef, type PendingEvent } from '@protolab/sim';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { describePingPong, pinger, ponger, type AwaitPong, type PingPongMsg, type Pinger, type PingerStatus } from './ping-pong.js';

/**
 * Runner of test/transcripts/ping-pong.txt. Commands:
 *   start count=N retry=MS delay=MS   a pinger and a ponger on links of a fixed delay
 *   pending                           the queue, in run order, with event ids
 *   deliver [#id]                     run the next pending event, or event #id, now
 *   drop [#id]                        lose the next pending message, or event #id
 *   run 500ms                         run the clock forward
 *   partition ping | pong, heal       network faults
 *   crash NODE, restart NODE
 *   await N                           sim.request: wait until pong N is in (bounded by 5 s)
 * Every command prints the trace lines it caused, then the pinger's counters.
 */
function runner(): (cmd: TranscriptCommand) => string {
  let sim: Sim<PingPongMsg, AwaitPong, PingerStatus> | undefined;
  let ping: NodeRef<Pinger> | undefined;
  let seen = 0;
  const need = (): Sim<PingPongMsg, AwaitPong, PingerStatus> => {
    if (sim === undefined) throw new Error('start first');
    return sim;
  };
  const arg = (args: readonly string[], key: string, dflt: number): number => {
    const kv = args.find((a) => a.startsWith(`${key}=`));
    return kv === undefined ? dflt : Number(kv.slice(key.length + 1));
  };
  const idOf = (s: Sim<PingPongMsg, AwaitPong, PingerStatus>, args: readonly string[], kind?: PendingEvent['kind']): number => {
    const given = args[0];
    if (given !== undefined) return Number(given.replace('#', ''));
    const next = s.pending().find((p) => kind === undefined || p.kind === kind);
    if (next === undefined) throw new Error(`nothing pending${kind !== undefined ? ` of kind ${kind}` : ''}`);
    return next.id;
  };
  const status = (s: Sim<PingPongMsg, AwaitPong, PingerStatus>): string => {
    const h = s.isUp('ping') ? ping?.handlers() : undefined;
    return `t=${s.now()} ${h === undefined ? 'ping is down' : `acked=${h.acked()} sent=${h.sent()}`}`;
  };
  const newLines = (s: Sim<PingPongMsg, AwaitPong, PingerStatus>): string[] => {
    const lines = renderTrace(s.trace.slice(seen), { legend: false }).trimEnd().split('\n').slice(1);
    seen = s.trace.length;
    return lines;
  };
  return (cmd) => {
    const out: string[] = [];
    if (cmd.name === 'start') {
      const delayMs = arg(cmd.args, 'delay', 10);
      sim = new Sim({ seed: 1, describe: describePingPong, link: { minDelayMs: delayMs, maxExtraDelayMs: 0 } });
      seen = 0;
      sim.addNode('pong', ponger);
      ping = sim.addNode('ping', pinger('pong', { count: arg(cmd.args, 'count', 3), retryMs: arg(cmd.args, 'retry', 100) }));
    } else {
      const s = need();
      switch (cmd.name) {
        case 'pending':
          for (const p of s.pending()) out.push(`#${p.id} t=${p.at} ${p.kind} ${p.from !== undefined ? `${p.from} -> ` : '@'}${p.node} ${p.label}`);
          if (out.length === 0) out.push('(nothing pending)');
          return out.join('\n');
        case 'deliver': s.deliver(idOf(s, cmd.args)); break;
        case 'drop': s.drop(idOf(s, cmd.args, 'deliver')); break;
        case 'run': s.runFor(Number(cmd.args[0]?.replace(/ms$/, ''))); break;
        case 'partition': s.partition([cmd.args[0] ?? ''], [cmd.args[2] ?? '']); break;
        case 'heal': s.heal(); break;
        case 'crash': s.crash(cmd.args[0] ?? ''); break;
        case 'restart': s.restart(cmd.args[0] ?? ''); break;
        case 'await': {
          const r = s.request('ping', { type: 'await-pong', n: Number(cmd.args[0]) }, { untilMs: s.now() + 5_000 });
          out.push(...newLines(s), `reply: acked=${r.acked} sent=${r.sent}`);
          return [...out, status(s)].join('\n');
        }
        default: throw new Error(`unknown command ${cmd.name}`);
      }
    }
    const s = need();
    return [...newLines(s), status(s)].join('\n');
  };
}

describe('ping-pong golden transcript', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/ping-pong.txt', import.meta.url)), runner);
});
