/** What happened, one record per event. Plain data: compare, serialise or render it. */
export type TraceKind =
  | 'add'
  | 'send'
  | 'deliver'
  | 'drop'
  | 'timer'
  | 'input'
  | 'wake'
  | 'crash'
  | 'restart'
  | 'partition'
  | 'heal'
  | 'clog'
  | 'unclog'
  | 'note'
  /** A node answered an input (`ctx.reply`, see `sim.request`). */
  | 'reply';

export interface TraceEvent {
  /** Position in the trace (0-based). */
  readonly index: number;
  /** Virtual time in ms. */
  readonly t: number;
  readonly kind: TraceKind;
  /** The node the event happened on (timers, inputs, crashes, notes). */
  readonly node?: string;
  readonly from?: string;
  readonly to?: string;
  /** Message id: the same on a message's send and its deliver/drop records. */
  readonly msgId?: number;
  readonly label?: string;
  /** Why a message was dropped ('loss', 'partition', 'node down', …) or 'duplicate'. */
  readonly reason?: string;
}

export const TRACE_LEGEND = [
  'legend:  t(ms) = virtual time   #id = message id (same on send and deliver)',
  '         send a -> b   deliver a -> b   drop a -x b (reason)   timer/input/wake @node',
  '         crash/restart @node   partition/heal/clog/unclog = network faults   note @node = protocol remark',
].join('\n');

const REPLY_LEGEND = '         reply @node #input value = the node answered an injected input (ctx.reply, sim.request)';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function padLeft(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

export interface RenderTraceOptions {
  /** Only these kinds (default: all but 'send', since deliver/drop already show each message). */
  readonly kinds?: readonly TraceKind[];
  /** Print the legend first (default true). */
  readonly legend?: boolean;
  /** At most this many lines (default: all). */
  readonly limit?: number;
}

/**
 * One line per event, in fixed columns: time, kind, who, message id, label.
 * Deterministic: the same trace gives the same text, byte for byte.
 */
export function renderTrace(trace: readonly TraceEvent[], opts: RenderTraceOptions = {}): string {
  const kinds = new Set<TraceKind>(opts.kinds ?? ['add', 'deliver', 'drop', 'timer', 'input', 'crash', 'restart', 'partition', 'heal', 'clog', 'unclog', 'note', 'reply']);
  const lines: string[] = [];
  if (opts.legend !== false) {
    // The reply line only when there are replies, so traces of runs without them stay as they were.
    lines.push(TRACE_LEGEND);
    if (trace.some((e) => e.kind === 'reply')) lines.push(REPLY_LEGEND);
    lines.push('');
  }
  lines.push(`${padLeft('t(ms)', 9)}  ${pad('event', 9)} ${pad('where', 22)} ${pad('#id', 6)} what`);
  for (const e of trace) {
    if (!kinds.has(e.kind)) continue;
    if (opts.limit !== undefined && lines.length >= opts.limit) break;
    let where: string;
    if (e.from !== undefined && e.to !== undefined) {
      where = `${e.from} ${e.kind === 'drop' ? '-x' : '->'} ${e.to}`;
    } else {
      where = e.node !== undefined ? `@${e.node}` : '';
    }
    const id = e.msgId !== undefined ? `#${e.msgId}` : '';
    const what = [e.label ?? '', e.reason !== undefined ? `(${e.reason})` : ''].filter((x) => x !== '').join(' ');
    lines.push(`${padLeft(String(e.t), 9)}  ${pad(e.kind, 9)} ${pad(where, 22)} ${pad(id, 6)} ${what}`.trimEnd());
  }
  return lines.join('\n') + '\n';
}

export interface MermaidOptions {
  /** Participants in this order (default: order of first appearance). */
  readonly participants?: readonly string[];
  /** Include drops as `-x` arrows (default true). */
  readonly drops?: boolean;
  /** Include notes, crashes, restarts and partitions as notes (default true). */
  readonly notes?: boolean;
  /** Show the virtual time on each arrow (default true). */
  readonly times?: boolean;
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function mermaidText(s: string): string {
  // ';' and '#' end or escape Mermaid statements; keep labels on one line.
  return s.replace(/[;#\n\r]/g, ' ').replace(/:/g, '#58;');
}

/** A Mermaid `sequenceDiagram` of the messages between nodes, in delivery order. */
export function renderMermaid(trace: readonly TraceEvent[], opts: MermaidOptions = {}): string {
  const order: string[] = [...(opts.participants ?? [])];
  const seen = new Set(order);
  const see = (n: string | undefined): void => {
    if (n !== undefined && !seen.has(n)) {
      seen.add(n);
      order.push(n);
    }
  };
  for (const e of trace) {
    if (e.kind === 'add') see(e.node);
    see(e.from);
    see(e.to);
  }
  const lines = ['sequenceDiagram'];
  for (const n of order) lines.push(`    participant ${mermaidId(n)} as ${mermaidText(n)}`);
  const times = opts.times !== false;
  const first = order[0];
  const last = order.at(-1);
  for (const e of trace) {
    const at = times ? `t=${e.t} ` : '';
    if (e.kind === 'deliver' && e.from !== undefined && e.to !== undefined) {
      lines.push(`    ${mermaidId(e.from)}->>${mermaidId(e.to)}: ${mermaidText(`${at}${e.label ?? ''}${e.reason === 'duplicate' ? ' (dup)' : ''}`)}`);
    } else if (e.kind === 'drop' && opts.drops !== false && e.from !== undefined && e.to !== undefined) {
      lines.push(`    ${mermaidId(e.from)}-x${mermaidId(e.to)}: ${mermaidText(`${at}${e.label ?? ''} lost (${e.reason ?? ''})`)}`);
    } else if (opts.notes !== false && e.node !== undefined && (e.kind === 'note' || e.kind === 'crash' || e.kind === 'restart')) {
      const text = e.kind === 'note' ? (e.label ?? '') : e.kind;
      lines.push(`    Note over ${mermaidId(e.node)}: ${mermaidText(`${at}${text}`)}`);
    } else if (opts.notes !== false && (e.kind === 'partition' || e.kind === 'heal') && first !== undefined && last !== undefined) {
      const span = first === last ? mermaidId(first) : `${mermaidId(first)},${mermaidId(last)}`;
      lines.push(`    Note over ${span}: ${mermaidText(`${at}${e.kind} ${e.label ?? ''}`.trim())}`);
    }
  }
  return lines.join('\n') + '\n';
}
