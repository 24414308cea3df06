/** The fail-over scenario's page: the nodes, the client's writes, the unavailable window, the events. */
import type { UiScenario } from '../scenario.js';
import { DEPLOYMENTS, FAILOVER_REAL, FailoverRun, decodeFailoverAction, encodeFailoverAction, type FailoverAction } from '../scenarios/failover.js';
import { h, memo } from './dom.js';
import { faultControls, renderInFlight } from './faults-ui.js';

const secs = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);

export const failoverScenario: UiScenario<FailoverAction, FailoverRun> = {
  id: 'failover',
  title: 'Redis fail-over: replica, Sentinel, Cluster',
  params: [
    { name: 'deployment', label: 'deployment', def: 1, min: 0, max: 2, choices: DEPLOYMENTS },
    { name: 'timeout', label: 'down-after / node-timeout ms', def: 3000, min: 500, max: 30_000, step: 500 },
  ],
  defaultSeed: 3,
  create: (p, seed) => new FailoverRun({ deployment: p.get('deployment') ?? 1, timeoutMs: p.get('timeout') ?? 3000 }, seed),
  encodeAction: encodeFailoverAction,
  decodeAction: decodeFailoverAction,
  intro: [],
  real: FAILOVER_REAL,
  lanes: (run) => run.names,

  controls(root, run, ctx) {
    const names = run().names;
    const pickNode = h('select', { 'aria-label': 'node', id: 'fo-node' }, ...names.map((n) => h('option', { value: n }, n)));
    const master = run().kind === 'cluster' ? 'm1' : 'm';
    root.append(
      h('div', { class: 'row' },
        h('button', { 'data-act': 'kill-master', onclick: () => { ctx.act({ type: 'kill', node: master }); } }, `kill ${master}`),
        ' or ', pickNode,
        h('button', { 'data-act': 'kill', onclick: () => { ctx.act({ type: 'kill', node: pickNode.value }); } }, 'kill'),
        h('button', { 'data-act': 'restart', onclick: () => { ctx.act({ type: 'restart', node: pickNode.value }); } }, 'restart'),
        h('button', { 'data-act': 'run-1s', onclick: () => { ctx.runFor(1000); } }, 'run 1 s'),
        h('button', { 'data-act': 'run-5s', onclick: () => { ctx.runFor(5000); } }, 'run 5 s')),
    );
    if (run().kind === 'cluster') {
      root.append(h('div', { class: 'row' }, 'CLUSTER FAILOVER on the picked replica: ',
        ...(['default', 'force', 'takeover'] as const).map((mode) => h('button', { 'data-act': `manual-${mode}`, onclick: () => { ctx.act({ type: 'manual', mode, node: pickNode.value }); } }, mode === 'default' ? 'CLUSTER FAILOVER' : mode.toUpperCase()))));
    }
    faultControls(root, names, (a) => { ctx.act(a); });
    root.append(h('p', { class: 'hint' }, `Try: "kill ${master}", then "run 5 s" a few times and watch the client's writes stop and come back (or not). Switch the deployment above and compare the unavailable window and the writes lost.`));
  },

  render(root, run, ctx) {
    const cards = run.cards();
    const c = run.client;
    const ev = run.events();
    const stats = `client: ${String(c.acked)} writes acknowledged · ${String(c.refused)} refused · unavailable ${c.outageStart !== undefined ? `for ${secs(run.sim.now() - c.outageStart)} so far` : `last outage ${secs(c.lastOutageMs)}`} · acknowledged writes lost ${String(run.lost())}`;
    let main = root.querySelector<HTMLElement>('.failover-main');
    if (main === null) {
      main = h('div', { class: 'failover-main' });
      root.append(main);
    }
    renderInFlight(root, run.sim, (a) => { ctx.act(a); });
    const mainEl = main;
    memo(mainEl, JSON.stringify([cards, stats, ev, c.lastReply, run.lastManualReply]), () => {
      mainEl.replaceChildren(
        h('div', { class: 'cards' }, ...cards.map((n) => h('div', { class: n.up ? 'card' : 'card down', 'data-node': n.name },
          h('div', { class: 'card-title' }, n.name, ' ', h('span', { class: 'badge' }, n.role)),
          h('div', { class: 'kv' }, h('code', {}, n.detail))))),
        h('p', { class: 'counters', id: 'fo-stats' }, stats),
        h('p', { class: 'hint', id: 'fo-last' }, `last write: ${c.lastReply}${run.lastManualReply !== '' ? ` · ${run.lastManualReply}` : ''}`),
        h('h3', {}, run.kind === 'cluster' ? 'Cluster bus events' : 'Sentinel events (the leader\'s log)'),
        h('ul', { class: 'notes', id: 'fo-events' }, ...ev.map((e) => h('li', {}, e))),
      );
    });
  },

  inspect(run) {
    return {
      names: run.names,
      show: (name) => JSON.stringify(run.cards().find((c) => c.name === name) ?? {}, null, 2),
    };
  },
};
