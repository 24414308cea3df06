/** The ZooKeeper scenario's page: server cards, controls, messages in flight. */
import type { UiScenario } from '../scenario.js';
import { ZK_REAL, ZkRun, decodeZkAction, encodeZkAction, type ZkAction } from '../scenarios/zookeeper.js';
import { h, memo } from './dom.js';

function parseGroups(text: string): { a: number[]; b: number[] } | undefined {
  const parts = text.split('|');
  if (parts.length !== 2) return undefined;
  const nums = (s: string): number[] => s.split(/[ ,]+/).filter((x) => x !== '').map(Number);
  const a = nums(parts[0] ?? '');
  const b = nums(parts[1] ?? '');
  if (a.length === 0 || b.length === 0 || [...a, ...b].some((x) => !Number.isInteger(x) || x < 1)) return undefined;
  return { a, b };
}

export const zookeeperScenario: UiScenario<ZkAction, ZkRun> = {
  id: 'zookeeper',
  title: 'ZooKeeper election & sync',
  params: [{ name: 'n', label: 'servers', def: 5, min: 3, max: 7 }],
  defaultSeed: 1,
  create: (params, seed) => new ZkRun({ n: params.get('n') ?? 5 }, seed),
  encodeAction: encodeZkAction,
  decodeAction: decodeZkAction,
  intro: [],
  real: ZK_REAL,
  lanes: (run) => run.ensemble.servers.map((s) => `s${String(s)}`),

  controls(root, run, ctx) {
    const row = h('div', { class: 'row' });
    const servers = run().ensemble.servers;
    for (const sid of servers) {
      const group = h('span', { class: 'server-controls', 'data-sid': sid },
        h('b', {}, `s${String(sid)}`),
        h('button', { 'data-act': `start.${String(sid)}`, title: 'start (first time) — joins the election', onclick: () => { ctx.act({ type: 'start', sid }); } }, 'start'),
        h('button', { 'data-act': `stop.${String(sid)}`, title: 'stop the process (clean shutdown)', onclick: () => { ctx.act({ type: 'stop', sid }); } }, 'stop'),
        h('button', { 'data-act': `crash.${String(sid)}`, title: 'crash: only what was fsynced survives', onclick: () => { ctx.act({ type: 'crash', sid }); } }, 'crash'),
        h('button', { 'data-act': `restart.${String(sid)}`, onclick: () => { ctx.act({ type: 'restart', sid }); } }, 'restart'),
      );
      row.append(group);
    }
    const startAll = h('button', { 'data-act': 'start-all', title: 'start 1..n one after the other, the seed notes\' "5 servers started 1..5"', onclick: () => { for (const sid of servers) { if (!run().ensemble.isUp(sid)) { ctx.act({ type: 'start', sid }); ctx.runFor(3000); } } } }, 'start 1..n, 3 s apart');
    const partText = h('input', { type: 'text', value: '1,2 | 3', size: 10, 'aria-label': 'partition groups', id: 'zk-partition' });
    const part = h('button', { 'data-act': 'partition', onclick: () => { const g = parseGroups(partText.value); if (g !== undefined) ctx.act({ type: 'partition', a: g.a, b: g.b }); else partText.classList.add('bad'); } }, 'partition');
    const heal = h('button', { 'data-act': 'heal', onclick: () => { ctx.act({ type: 'heal' }); } }, 'heal');
    let writes = 0;
    const write = h('button', { 'data-act': 'write', title: 'a client write, sent to the current leader', onclick: () => { writes++; ctx.act({ type: 'write', data: `w${String(writes)}` }); } }, 'client write');
    const loss = h('input', { type: 'number', min: 0, max: 90, value: 0, size: 3, 'aria-label': 'loss %' });
    const dup = h('input', { type: 'number', min: 0, max: 90, value: 0, size: 3, 'aria-label': 'duplicate %' });
    const delay = h('input', { type: 'number', min: 0, max: 5000, value: 1, size: 4, 'aria-label': 'delay ms' });
    const link = h('button', { 'data-act': 'link', onclick: () => { ctx.act({ type: 'link', lossPct: Number(loss.value) | 0, dupPct: Number(dup.value) | 0, delayMs: Number(delay.value) | 0 }); } }, 'set link faults');
    root.append(row, h('div', { class: 'row' }, startAll, ' ', partText, part, heal, ' ', write),
      h('div', { class: 'row' }, 'loss % ', loss, ' duplicate % ', dup, ' delay ms ', delay, ' ', link));
  },

  render(root, run, ctx) {
    const v = run.view();
    let cards = root.querySelector<HTMLElement>('.cards');
    if (cards === null) {
      cards = h('div', { class: 'cards' });
      root.append(cards, h('h3', {}, 'Messages in flight (click one to drop it)'), h('ol', { class: 'inflight' }), h('h3', {}, 'What happened (newest first)'), h('ul', { class: 'notes' }));
    }
    const cardsEl = cards;
    memo(cardsEl, JSON.stringify(v.servers) + String(v.leader), () => {
      cardsEl.replaceChildren(...v.servers.map((s) => h('div', { class: `card state-${s.state}`, 'data-sid': s.sid },
        h('div', { class: 'card-title' }, `s${String(s.sid)} `, h('span', { class: 'state' }, s.state), v.leader === s.sid ? h('span', { class: 'badge' }, 'leader') : ''),
        h('div', { class: 'kv' }, 'vote ', h('code', { class: 'vote' }, s.vote)),
        h('div', { class: 'kv' }, 'round ', h('code', {}, String(s.round)), '  phase ', h('code', { class: 'phase' }, s.zabPhase)),
        h('div', { class: 'kv' }, 'last zxid ', h('code', { class: 'zxid' }, s.lastZxid)),
        h('div', { class: 'kv' }, 'epochs ', h('code', {}, s.epochs)),
        h('div', { class: 'kv sync' }, 'sync ', h('code', { class: 'syncmode' }, s.sync)),
      )));
    });
    const inflight = root.querySelector<HTMLElement>('.inflight');
    if (inflight !== null) {
      memo(inflight, v.inFlight.map((m) => m.id).join(','), () => {
        inflight.replaceChildren(...v.inFlight.map((m) => h('li', { 'data-msg': m.id, title: 'click to drop this message', onclick: () => { ctx.act({ type: 'drop', id: m.id }); } }, `#${String(m.id)} ${m.from} → ${m.to} at t=${String(m.at)}: ${m.label}`)));
      });
    }
    const notes = root.querySelector<HTMLElement>('.notes');
    if (notes !== null) memo(notes, String(v.notes.length) + (v.notes.at(-1) ?? ''), () => { notes.replaceChildren(...v.notes.slice().reverse().map((n) => h('li', {}, n))); });
  },

  inspect(run) {
    return {
      names: run.ensemble.servers.map((s) => `s${String(s)}`),
      show(name) {
        const sid = Number(name.slice(1));
        const p = run.ensemble.peer(sid);
        if (p === undefined) return `s${String(sid)} is down. Durable log: ${run.ensemble.durableLog(sid).map((t) => `0x${t.zxid.toString(16)}`).join(' ') || '(empty)'}`;
        return JSON.stringify({
          state: p.getPeerState(), zabPhase: p.zabPhase(), currentEpoch: p.getCurrentEpoch(), lastLoggedZxid: `0x${p.getLastLoggedZxid().toString(16)}`,
          vote: p.getCurrentVote(), logicalclock: p.fle.logicalclock,
          history: p.historyZxids().map((z) => `0x${z.toString(16)}`),
          learnerSyncModes: [...p.learnerSyncModes()],
        }, (_k, val: unknown) => (typeof val === 'bigint' ? `0x${val.toString(16)}` : val), 2);
      },
    };
  },
};
