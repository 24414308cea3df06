/**
 * A Lamport (space-time) diagram of the last messages of a run, drawn from the simulator's trace:
 * one vertical lane per node, time going down, an arrow from each `send` to its `deliver` (or a
 * cross for a `drop`), and dots for crashes, restarts and protocol notes.
 */
import type { TraceEvent } from '@protolab/sim';
import { svg } from './dom.js';

export interface LamportOptions {
  readonly nodes: readonly string[];
  /** How many trace events (from the end) to draw. */
  readonly window?: number;
  readonly width?: number;
}

const LANE_TOP = 24;
const ROW = 11;

export function renderLamport(root: SVGSVGElement, trace: readonly TraceEvent[], opts: LamportOptions): void {
  const windowSize = opts.window ?? 120;
  const events = trace.slice(Math.max(0, trace.length - windowSize));
  const width = opts.width ?? 640;
  const lanes = new Map<string, number>();
  const gap = width / Math.max(1, opts.nodes.length);
  opts.nodes.forEach((n, i) => lanes.set(n, gap * i + gap / 2));
  const height = LANE_TOP + ROW * (events.length + 1);
  root.replaceChildren();
  root.setAttribute('viewBox', `0 0 ${String(width)} ${String(height)}`);
  root.setAttribute('height', String(height));
  for (const [name, x] of lanes) {
    root.append(svg('text', { x, y: 14, 'text-anchor': 'middle', class: 'lane-label' }, name));
    root.append(svg('line', { x1: x, y1: LANE_TOP - 4, x2: x, y2: height, class: 'lane' }));
  }
  const sentAt = new Map<number, { y: number; x: number }>();
  events.forEach((e, i) => {
    const y = LANE_TOP + ROW * i;
    if (e.kind === 'send' && e.msgId !== undefined && e.from !== undefined) {
      const x = lanes.get(e.from);
      if (x !== undefined) sentAt.set(e.msgId, { x, y });
      return;
    }
    if ((e.kind === 'deliver' || e.kind === 'drop') && e.msgId !== undefined && e.to !== undefined) {
      const to = lanes.get(e.to);
      const from = sentAt.get(e.msgId) ?? (e.from !== undefined && lanes.get(e.from) !== undefined ? { x: lanes.get(e.from) ?? 0, y: LANE_TOP - 4 } : undefined);
      if (to === undefined || from === undefined) return;
      const dropped = e.kind === 'drop';
      const x2 = dropped ? from.x + (to - from.x) * 0.6 : to;
      const y2 = dropped ? from.y + (y - from.y) * 0.6 : y;
      const line = svg('line', { x1: from.x, y1: from.y, x2, y2, class: dropped ? 'msg dropped' : 'msg', 'marker-end': dropped ? '' : 'url(#arrow)' });
      line.append(svg('title', {}, `t=${String(e.t)} ${e.kind} #${String(e.msgId)} ${e.from ?? ''}→${e.to} ${e.label ?? ''}${e.reason !== undefined ? ` (${e.reason})` : ''}`));
      root.append(line);
      if (dropped) root.append(svg('text', { x: x2, y: y2 + 4, class: 'drop-x', 'text-anchor': 'middle' }, '×'));
      if (i % 3 === 0 && e.label !== undefined && !dropped) root.append(svg('text', { x: (from.x + x2) / 2, y: (from.y + y2) / 2 - 2, class: 'msg-label', 'text-anchor': 'middle' }, shorten(e.label)));
      return;
    }
    if (e.node !== undefined && (e.kind === 'crash' || e.kind === 'restart' || e.kind === 'note' || e.kind === 'input')) {
      const x = lanes.get(e.node);
      if (x === undefined) return;
      const dot = svg('circle', { cx: x, cy: y, r: e.kind === 'note' ? 3 : 5, class: `ev ${e.kind}` });
      dot.append(svg('title', {}, `t=${String(e.t)} ${e.kind} @${e.node} ${e.label ?? ''}`));
      root.append(dot);
    }
  });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
  defs.append(marker);
  root.prepend(defs);
}

function shorten(label: string): string {
  return label.length > 22 ? `${label.slice(0, 21)}…` : label;
}
