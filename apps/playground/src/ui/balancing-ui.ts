/** The load-balancing scenario's page: per-server connections over time, picks and moves, live edits. */
import type { UiScenario } from '../scenario.js';
import { BALANCING_REAL, BalancingRun, IPVS_SCHEDULERS, NGINX_BALANCERS, decodeBalancingAction, encodeBalancingAction, type BalancingAction } from '../scenarios/balancing.js';
import { renderChart, type Series } from './chart.js';
import { h, memo, svg } from './dom.js';
import { faultControls } from './faults-ui.js';

const COLORS = ['#2458c6', '#c53030', '#1b7f3b', '#b7791f', '#6b46c1', '#0f766e', '#be185d', '#4b5563'];

export const balancingScenario: UiScenario<BalancingAction, BalancingRun> = {
  id: 'balancing',
  title: 'Load balancing (IPVS vs nginx)',
  params: [
    { name: 'scheduler', label: 'IPVS scheduler', def: 3, min: 0, max: IPVS_SCHEDULERS.length - 1, choices: IPVS_SCHEDULERS },
    { name: 'method', label: 'nginx balancer', def: 2, min: 0, max: NGINX_BALANCERS.length - 1, choices: NGINX_BALANCERS },
    { name: 'servers', label: 'servers', def: 4, min: 1, max: 8 },
    { name: 'rate', label: 'new conns/s', def: 200, min: 1, max: 5000 },
    { name: 'life', label: 'mean conn ms', def: 2000, min: 10, max: 60_000 },
    { name: 'sources', label: 'clients', def: 500, min: 1, max: 100_000 },
  ],
  defaultSeed: 1,
  create: (p, seed) => new BalancingRun({
    scheduler: IPVS_SCHEDULERS[p.get('scheduler') ?? 3] ?? 'wlc', method: NGINX_BALANCERS[p.get('method') ?? 2] ?? 'least_conn',
    servers: p.get('servers') ?? 4, arrivalsPerSec: p.get('rate') ?? 200, meanConnMs: p.get('life') ?? 2000, sources: p.get('sources') ?? 500,
  }, seed),
  encodeAction: encodeBalancingAction,
  decodeAction: decodeBalancingAction,
  intro: [],
  real: BALANCING_REAL,
  lanes: () => [],

  controls(root, run, ctx) {
    const name = h('input', { type: 'text', value: 'rs1', size: 5, 'aria-label': 'server name', id: 'lb-name' });
    const weight = h('input', { type: 'number', value: 2, min: 0, max: 100, size: 4, 'aria-label': 'weight', id: 'lb-weight' });
    let added = 0;
    root.append(h('div', { class: 'row' },
      h('button', { 'data-act': 'run-1s', onclick: () => { ctx.runFor(1000); } }, 'run 1 s'),
      h('button', { 'data-act': 'run-10s', onclick: () => { ctx.runFor(10_000); } }, 'run 10 s'),
      ' server ', name, ' weight ', weight,
      h('button', { 'data-act': 'weight', onclick: () => { ctx.act({ type: 'weight', name: name.value, weight: Number(weight.value) | 0 }); } }, 'set weight'),
      h('button', { 'data-act': 'remove', onclick: () => { ctx.act({ type: 'remove', name: name.value }); } }, 'remove'),
      h('button', { 'data-act': 'overload', onclick: () => { ctx.act({ type: 'overload', name: name.value, on: true }); } }, 'overload'),
      h('button', { 'data-act': 'unload', onclick: () => { ctx.act({ type: 'overload', name: name.value, on: false }); } }, 'back to normal'),
      h('button', { 'data-act': 'add', onclick: () => { added++; ctx.act({ type: 'add', name: `new${String(added)}`, weight: Math.max(1, Number(weight.value) | 0) }); } }, 'add a server'),
    ));
    faultControls(root, ['clients', 'ipvs', 'nginx'], (a) => { ctx.act(a); });
    root.append(h('p', { class: 'hint' }, `IPVS ${run().params.scheduler} and nginx ${run().params.method} get the same clients. Pick others above, then "new run".`));
  },

  render(root, run) {
    let charts = root.querySelector<HTMLElement>('.lb-charts');
    if (charts === null) {
      charts = h('div', { class: 'lb-charts' });
      root.append(charts, h('div', { class: 'lb-table' }));
    }
    const series = run.series;
    const chartsEl = charts;
    const v = run.view();
    memo(chartsEl, `${String(series.length)}:${v.servers.join(',')}`, () => {
      chartsEl.replaceChildren();
      for (const who of ['ipvs', 'nginx'] as const) {
        const names = [...new Set(series.flatMap((s) => [...s[who].keys()]))].sort();
        const lines: Series[] = names.map((n, i) => ({ name: n, color: COLORS[i % COLORS.length] ?? '#333', points: series.map((s) => [s.t / 1000, s[who].get(n) ?? 0] as const) }));
        const el = svg('svg', { class: 'chart', width: '100%', height: 200, 'data-chart': who });
        chartsEl.append(h('h3', {}, who === 'ipvs' ? `IPVS ${run.params.scheduler}: active connections per server` : `nginx ${run.params.method}: requests in progress per server (one worker)`), el);
        renderChart(el, lines, { width: 760, height: 200, xLabel: 'seconds', yLabel: 'connections' });
      }
    });
    const table = root.querySelector<HTMLElement>('.lb-table');
    if (table === null) return;
    memo(table, JSON.stringify([[...v.ipvs.picks], [...v.nginx.picks], v.ipvs.moves, v.nginx.moves, v.servers]), () => {
      const names = [...new Set([...v.servers, ...v.ipvs.picks.keys(), ...v.nginx.picks.keys()])].sort();
      table.replaceChildren(h('table', { class: 'grid' },
        h('tr', {}, h('th', {}, 'server'), h('th', {}, 'IPVS picks'), h('th', {}, 'nginx picks')),
        ...names.map((n) => h('tr', { 'data-server': n }, h('th', {}, n), h('td', { class: 'ipvs-picks' }, String(v.ipvs.picks.get(n) ?? 0)), h('td', { class: 'nginx-picks' }, String(v.nginx.picks.get(n) ?? 0))))),
        h('p', { class: 'moves' }, `Since the last change: IPVS moved ${String(v.ipvs.moves.moved)} of ${String(v.ipvs.moves.seen)} returning clients; nginx moved ${String(v.nginx.moves.moved)} of ${String(v.nginx.moves.seen)}.`));
    });
  },

  inspect(run) {
    return {
      names: run.director.svc.dests.map((d) => d.name),
      show: (name) => {
        const d = run.director.svc.dests.find((x) => x.name === name);
        return d === undefined ? `${name} was removed` : JSON.stringify({ name: d.name, weight: d.weight, activeconns: d.activeConns, inactconns: d.inactConns }, null, 2);
      },
    };
  },
};
