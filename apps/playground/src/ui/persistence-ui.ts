/** The AOF & RDB scenario's page: the four servers side by side, before and after a power cut. */
import type { UiScenario } from '../scenario.js';
import { PERSISTENCE_REAL, PersistenceRun, SERVERS, decodePersistenceAction, encodePersistenceAction, type PersistenceAction } from '../scenarios/persistence.js';
import { h, memo } from './dom.js';

export const persistenceScenario: UiScenario<PersistenceAction, PersistenceRun> = {
  id: 'persistence',
  title: 'AOF & RDB',
  params: [
    { name: 'every', label: 'a write every ms', def: 50, min: 5, max: 1000 },
    { name: 'saveSec', label: 'save <seconds>', def: 5, min: 1, max: 3600 },
    { name: 'saveChanges', label: '<changes>', def: 20, min: 1, max: 100_000 },
    { name: 'osFlush', label: 'OS write-back after ms', def: 30_000, min: 0, max: 120_000, step: 1000 },
  ],
  defaultSeed: 7,
  create: (p, seed) => new PersistenceRun({ everyMs: p.get('every') ?? 50, saveSeconds: p.get('saveSec') ?? 5, saveChanges: p.get('saveChanges') ?? 20, osFlushDelayMs: p.get('osFlush') ?? 30_000 }, seed),
  encodeAction: encodePersistenceAction,
  decodeAction: decodePersistenceAction,
  intro: [],
  real: PERSISTENCE_REAL,
  lanes: () => [],

  controls(root, _run, ctx) {
    root.append(h('div', { class: 'row' },
      h('button', { 'data-act': 'run-1s', onclick: () => { ctx.runFor(1000); } }, 'run 1 s'),
      h('button', { 'data-act': 'run-5s', onclick: () => { ctx.runFor(5000); } }, 'run 5 s'),
      h('button', { 'data-act': 'bgsave', onclick: () => { ctx.act({ type: 'bgsave' }); } }, 'BGSAVE now'),
      h('button', { 'data-act': 'crash', class: 'danger', title: 'power cut: all four servers at the same instant, then restart', onclick: () => { ctx.act({ type: 'crash' }); } }, '⚡ power cut'),
    ), h('p', { class: 'hint' }, 'Run for a while, then cut the power: each server restarts from what it had on disk.'));
  },

  render(root, run) {
    const rows = run.rows();
    memo(root, JSON.stringify(rows), () => {
      root.replaceChildren(h('table', { class: 'grid persistence' },
        h('tr', {}, ...['server', 'acked since the last start', 'keys now', 'last power cut: acked', 'recovered', 'lost', 'oldest lost write', 'state'].map((t) => h('th', {}, t))),
        ...rows.map((r) => h('tr', { 'data-server': r.name },
          h('th', {}, r.name), h('td', {}, String(r.acked)), h('td', {}, String(r.keys)),
          h('td', {}, r.lastCrash === undefined ? '—' : String(r.lastCrash.acked)),
          h('td', { class: 'recovered' }, r.lastCrash === undefined ? '—' : String(r.lastCrash.recovered)),
          h('td', { class: 'lost' }, r.lastCrash === undefined ? '—' : String(r.lastCrash.acked - r.lastCrash.recovered)),
          h('td', {}, r.lastCrash?.lostOldestMs === undefined ? '—' : `${(r.lastCrash.lostOldestMs / 1000).toFixed(2)} s before the cut`),
          h('td', { class: 'detail' }, r.detail),
        ))));
    });
  },

  inspect(run) {
    return {
      names: [...SERVERS],
      show: (name) => {
        const files = run.sim.isUp(name) ? run.sim.diskOf(name).list() : [];
        return JSON.stringify({ up: run.sim.isUp(name), files: files.map((f) => ({ f, bytes: run.sim.diskOf(name).size(f) })) }, null, 2);
      },
    };
  },
};
