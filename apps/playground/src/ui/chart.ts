/** A small SVG line chart (x: number, y: number series), redrawn only when its data changed. */
import { svg } from './dom.js';

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export function renderChart(root: SVGSVGElement, series: readonly Series[], opts: { width: number; height: number; xLabel: string; yLabel: string; xMin?: number; xMax?: number }): void {
  const { width, height } = opts;
  const pad = { l: 52, r: 10, t: 10, b: 28 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = opts.xMin ?? (xs.length > 0 ? Math.min(...xs) : 0);
  const xMax = Math.max(opts.xMax ?? (xs.length > 0 ? Math.max(...xs) : 1), xMin + 1);
  const yMax = niceCeil(Math.max(1, ...ys));
  const X = (x: number): number => pad.l + ((x - xMin) / (xMax - xMin)) * (width - pad.l - pad.r);
  const Y = (y: number): number => height - pad.b - (y / yMax) * (height - pad.t - pad.b);
  root.replaceChildren();
  root.setAttribute('viewBox', `0 0 ${String(width)} ${String(height)}`);
  root.append(svg('line', { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, class: 'axis' }));
  root.append(svg('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: height - pad.b, class: 'axis' }));
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    root.append(svg('text', { x: pad.l - 4, y: Y(y) + 3, 'text-anchor': 'end' }, Math.round(y).toLocaleString('en')));
    const x = xMin + ((xMax - xMin) * i) / 4;
    root.append(svg('text', { x: X(x), y: height - pad.b + 14, 'text-anchor': 'middle' }, Math.round(x).toLocaleString('en')));
  }
  root.append(svg('text', { x: width - pad.r, y: height - 2, 'text-anchor': 'end' }, opts.xLabel));
  root.append(svg('text', { x: pad.l + 4, y: pad.t + 8 }, opts.yLabel));
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
    root.append(svg('path', { d, class: 'series', stroke: s.color }));
    root.append(svg('text', { x: width - pad.r - 4, y: pad.t + 10 + 12 * i, 'text-anchor': 'end', fill: s.color }, s.name));
  });
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `v` (axis ticks in round numbers). */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
