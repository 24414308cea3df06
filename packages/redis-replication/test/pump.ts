import { ReplicationNode, type ReplMsg, type ReplOutput } from '../src/index.js';

/** Deterministic ids for example tests: A…, B…, one letter per id. */
export function ids(): () => string {
  let n = 0;
  return () => String.fromCharCode(65 + (n++ % 26)).repeat(40);
}

/** Delivers outputs between cores synchronously (a perfect network), returning every message seen. */
export function pump(nodes: Map<string, ReplicationNode>, outs: ReplOutput[], nowMs: number): string[] {
  const log: string[] = [];
  const queue: { from: string; out: ReplOutput }[] = outs.map((out) => ({ from: '?', out }));
  return drain(nodes, queue, nowMs, log);
}

export function drain(nodes: Map<string, ReplicationNode>, queue: { from: string; out: ReplOutput }[], nowMs: number, log: string[] = []): string[] {
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const item = queue[i];
    if (item === undefined || item.out.kind !== 'send') continue;
    const { to, msg } = item.out;
    const target = nodes.get(to);
    if (target === undefined) continue;
    const from = item.from === '?' ? sender(nodes, item.out) : item.from;
    log.push(`${from} → ${to}: ${show(msg)}`);
    for (const o of target.onMessage(from, msg, nowMs)) queue.push({ from: to, out: o });
  }
  return log;
}

function sender(nodes: Map<string, ReplicationNode>, out: ReplOutput): string {
  if (out.kind !== 'send') return '?';
  for (const [name, n] of nodes) if (n.masterhost === out.to || n.slaves.has(out.to)) return name;
  return '?';
}

export function show(m: ReplMsg): string {
  switch (m.type) {
    case 'REPLCONF':
      return `REPLCONF ${m.args.join(' ')}`;
    case 'PSYNC':
      return `PSYNC ${m.replid.slice(0, 4)}… ${m.offset}`;
    case 'FULLRESYNC':
      return `+FULLRESYNC ${m.replid.slice(0, 4)}… ${m.offset}`;
    case 'CONTINUE':
      return `+CONTINUE ${m.replid.slice(0, 4)}…`;
    case 'RDB':
      return `RDB ${m.form} ${m.header.slice(0, 9)} (${m.entries.length} keys)`;
    case 'STREAM':
      return `STREAM @${m.start} ${m.cmds.map((c) => c.join(' ')).join('; ')}`;
    default:
      return m.type;
  }
}

/** Runs every node's cron at `nowMs` and delivers everything that follows. */
export function cron(nodes: Map<string, ReplicationNode>, nowMs: number): string[] {
  const queue: { from: string; out: ReplOutput }[] = [];
  for (const [name, n] of nodes) for (const o of n.tick(nowMs)) queue.push({ from: name, out: o });
  return drain(nodes, queue, nowMs);
}
