/** The Redis Cluster scenario's page: nodes with their slots and markers, the client, the hops. */
import type { UiScenario } from '../scenario.js';
import { CLUSTER_REAL, ClusterRun, decodeClusterAction, encodeClusterAction, slotOf, type ClusterAction } from '../scenarios/cluster.js';
import { h, memo } from './dom.js';
import { faultControls, renderInFlight } from './faults-ui.js';

export const clusterScenario: UiScenario<ClusterAction, ClusterRun> = {
  id: 'cluster',
  title: 'Redis Cluster resharding',
  params: [
    { name: 'pipeline', label: 'keys per MIGRATE', def: 1, min: 1, max: 100 },
    { name: 'adminDelay', label: 'resharder link delay ms', def: 40, min: 0, max: 1000 },
  ],
  defaultSeed: 7,
  create: (p, seed) => new ClusterRun({ masters: 3, pipeline: p.get('pipeline') ?? 1, adminDelayMs: p.get('adminDelay') ?? 40 }, seed),
  encodeAction: encodeClusterAction,
  decodeAction: decodeClusterAction,
  intro: [
    { type: 'cmd', argv: ['SET', '{user}a', 'A1'] },
    { type: 'cmd', argv: ['SET', '{user}b', 'B1'] },
    { type: 'cmd', argv: ['SET', 'plain', 'P1'] },
  ],
  real: CLUSTER_REAL,
  lanes: (run) => ['c1', 'admin', ...run.cluster.masters],

  controls(root, _run, ctx) {
    const cmd = h('input', { type: 'text', value: 'GET {user}b', size: 26, 'aria-label': 'command', id: 'cl-cmd' });
    const slotInfo = h('span', { class: 'hint' });
    const showSlot = (): void => {
      const key = cmd.value.trim().split(/\s+/)[1];
      slotInfo.textContent = key === undefined ? '' : `slot of ${key}: ${String(slotOf(key))}`;
    };
    cmd.addEventListener('input', showSlot);
    showSlot();
    const from = h('input', { type: 'number', value: slotOf('{user}'), min: 0, max: 16383, size: 6, 'aria-label': 'first slot', id: 'cl-from' });
    const to = h('input', { type: 'number', value: slotOf('{user}'), min: 0, max: 16383, size: 6, 'aria-label': 'last slot', id: 'cl-to' });
    const target = h('select', { 'aria-label': 'target node', id: 'cl-target' }, ...['n1', 'n2', 'n3'].map((n) => h('option', { value: n }, n)));
    root.append(
      h('div', { class: 'row' }, 'client c1> ', cmd,
        h('button', { 'data-act': 'send', onclick: () => { const argv = cmd.value.trim().split(/\s+/).filter((x) => x !== ''); if (argv.length > 0) ctx.act({ type: 'cmd', argv }); } }, 'send'), slotInfo),
      h('div', { class: 'row' }, 'move slots ', from, ' … ', to, ' to ', target,
        h('button', { 'data-act': 'move', onclick: () => { ctx.act({ type: 'move', from: Number(from.value) | 0, to: Number(to.value) | 0, target: target.value }); } }, 'reshard'),
        h('button', { 'data-act': 'run-200', onclick: () => { ctx.runFor(200); } }, 'run 200 ms'),
        h('button', { 'data-act': 'run-1s', onclick: () => { ctx.runFor(1000); } }, 'run 1 s')),
    );
    faultControls(root, ['c1', 'admin', 'n1', 'n2', 'n3'], (a) => { ctx.act(a); });
    root.append(
      h('p', { class: 'hint' }, 'Try: reshard the slot of {user} to n1, "run 200 ms", then GET {user}b (ASK), MGET {user}a {user}b (TRYAGAIN while the slot is split), and GET {user}a after the move (MOVED).'),
    );
  },

  render(root, run, ctx) {
    const nodes = run.nodes();
    const st = run.stats();
    const hist = run.history();
    const cache = run.slotCache();
    let main = root.querySelector<HTMLElement>('.cluster-main');
    if (main === null) {
      main = h('div', { class: 'cluster-main' });
      root.append(main);
    }
    renderInFlight(root, run.sim, (a) => { ctx.act(a); });
    const mainEl = main;
    memo(mainEl, JSON.stringify([nodes, st, hist, cache]), () => {
      mainEl.replaceChildren(
        h('div', { class: 'cards' }, ...nodes.map((n) => h('div', { class: 'card', 'data-node': n.name },
          h('div', { class: 'card-title' }, n.name, n.migrating !== '' ? h('span', { class: 'badge' }, 'MIGRATING') : '', n.importing !== '' ? h('span', { class: 'badge' }, 'IMPORTING') : ''),
          h('div', { class: 'kv' }, 'slots ', h('code', {}, n.slots)),
          h('div', { class: 'kv' }, 'keys ', h('code', { class: 'keys' }, String(n.keys))),
          n.migrating !== '' ? h('div', { class: 'kv' }, 'migrating ', h('code', {}, n.migrating)) : '',
          n.importing !== '' ? h('div', { class: 'kv' }, 'importing ', h('code', {}, n.importing)) : '',
        ))),
        h('p', { class: 'counters', id: 'cl-stats' }, `client c1: ${String(st.moved)} MOVED · ${String(st.ask)} ASK · ${String(st.tryagain)} TRYAGAIN · ${String(st.refreshes)} CLUSTER SLOTS refreshes · resharder: ${String(st.movesDone)} slots moved${st.busy ? ' (busy)' : ''}`),
        h('h3', {}, 'Client c1, command by command'),
        h('table', { class: 'grid history' }, h('tr', {}, h('th', {}, 'command'), h('th', {}, 'reply'), h('th', {}, 'hops'), h('th', {}, 'ms')),
          ...hist.map((x) => h('tr', {}, h('td', {}, x.cmd), h('td', {}, x.reply), h('td', { class: 'hops' }, x.hops), h('td', {}, String(x.ms))))),
        h('h3', {}, 'The client\'s slot cache (what it believes)'),
        h('ul', { class: 'notes' }, ...cache.map((c) => h('li', {}, c))),
      );
    });
  },

  inspect(run) {
    return {
      names: run.cluster.masters,
      show: (name) => {
        const core = run.cluster.core(name);
        return JSON.stringify({ keys: [...core.store.keys()].slice(0, 50), migrating: [...core.migrating], importing: [...core.importing] }, null, 2);
      },
    };
  },
};
