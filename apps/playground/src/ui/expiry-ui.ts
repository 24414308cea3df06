/** The Redis expiry scenario's page: the live curve, the counters, the last cycles. */
import type { UiScenario } from '../scenario.js';
import { EXPIRY_REAL, ExpiryRun, decodeExpiryAction, encodeExpiryAction, type ExpiryAction } from '../scenarios/expiry.js';
import { renderChart } from './chart.js';
import { h, memo, setText, svg } from './dom.js';

export const expiryScenario: UiScenario<ExpiryAction, ExpiryRun> = {
  id: 'expiry',
  title: 'Redis expiry',
  params: [
    { name: 'volatile', label: 'keys with TTL', def: 20_000, min: 1_000, max: 100_000, step: 1000 },
    { name: 'persistent', label: 'keys without', def: 20_000, min: 0, max: 100_000, step: 1000 },
    { name: 'spread', label: 'deadlines over ms', def: 1000, min: 100, max: 10_000, step: 100 },
    { name: 'hz', label: 'hz', def: 10, min: 1, max: 500 },
    { name: 'effort', label: 'active-expire-effort', def: 1, min: 1, max: 10 },
  ],
  defaultSeed: 1,
  create: (p, seed) => new ExpiryRun({
    volatile: p.get('volatile') ?? 20_000, persistent: p.get('persistent') ?? 20_000, spreadMs: p.get('spread') ?? 1000,
    hz: p.get('hz') ?? 10, effort: p.get('effort') ?? 1,
  }, seed),
  encodeAction: encodeExpiryAction,
  decodeAction: decodeExpiryAction,
  intro: [],
  real: EXPIRY_REAL,
  lanes: () => [],

  controls(root, _run, ctx) {
    const clients = h('input', { type: 'number', min: 1, max: 100_000, value: 1, size: 6, 'aria-label': 'connected clients' });
    root.append(
      h('div', { class: 'row' },
        h('button', { 'data-act': 'run-500', onclick: () => { ctx.runFor(500); } }, 'run 0.5 s'),
        h('button', { 'data-act': 'read-100', title: 'GET 100 keys with TTLs: lazy expiry reclaims the expired ones it touches', onclick: () => { ctx.act({ type: 'read', count: 100 }); } }, 'read 100 keys (lazy expiry)'),
        ' connected clients (dynamic-hz doubles hz while clients / hz > 200) ', clients,
        h('button', { 'data-act': 'clients', onclick: () => { ctx.act({ type: 'clients', count: Math.max(1, Number(clients.value) | 0) }); } }, 'set'),
      ),
      h('p', { class: 'hint' }, 'hz and active-expire-effort are parameters above (new run). Press play, or "run 0.5 s", and watch the curve.'),
    );
  },

  render(root, run) {
    let chart = root.querySelector<SVGSVGElement>('svg.chart');
    if (chart === null) {
      chart = svg('svg', { class: 'chart', width: '100%', height: 260 });
      root.append(h('div', { class: 'counters' }), chart, h('h3', {}, 'Last expire cycles'), h('ol', { class: 'notes cycles' }));
    }
    const v = run.view();
    const counters = root.querySelector('.counters');
    if (counters !== null) setText(counters, `t = E0 ${v.tMs >= 0 ? '+' : '−'} ${Math.abs(v.tMs).toFixed(1)} ms · DBSIZE ${v.dbsize.toLocaleString('en')} · expired but not reclaimed ${v.stale.toLocaleString('en')} · expired_keys ${v.expiredKeys.toLocaleString('en')} · cycles ${String(v.cycles)} · time-limit hits ${String(v.timeCapHits)}`);
    const curve = run.curve();
    const chartEl = chart;
    memo(chartEl as unknown as HTMLElement, `${String(curve.length)}:${String(curve.at(-1)?.stale ?? 0)}`, () => {
      renderChart(chartEl, [{ name: 'expired but not yet reclaimed', color: '#c53030', points: curve.map((s) => [s.tMs, s.stale] as const) }],
        { width: 760, height: 260, xLabel: 'ms after the first deadline (E0)', yLabel: 'keys', xMin: -500, xMax: Math.max(2000, run.params.spreadMs + 1000) });
    });
    const cycles = root.querySelector<HTMLElement>('.cycles');
    if (cycles !== null) memo(cycles, v.lastCycles.join('|'), () => { cycles.replaceChildren(...v.lastCycles.map((c) => h('li', {}, c))); });
  },

  inspect(run) {
    return {
      names: ['redis'],
      show: () => {
        const ks = run.node.keyspace;
        return JSON.stringify({ dbsize: ks.dbsize(), stats: ks.stats, info: ks.info().keyspace }, null, 2);
      },
    };
  },
};
