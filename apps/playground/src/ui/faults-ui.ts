/** Fault controls shared by scenarios with messages: link faults, partition, heal, drop a message. */
import type { Sim } from '@protolab/sim';
import type { FaultAction } from '../scenarios/faults.js';
import { inFlight } from '../scenarios/faults.js';
import { h, memo } from './dom.js';

export function faultControls(root: HTMLElement, nodes: readonly string[], act: (a: FaultAction) => void): void {
  const loss = h('input', { type: 'number', min: 0, max: 90, value: 0, size: 3, 'aria-label': 'loss %' });
  const dup = h('input', { type: 'number', min: 0, max: 90, value: 0, size: 3, 'aria-label': 'duplicate %' });
  const delay = h('input', { type: 'number', min: 0, max: 5000, value: 1, size: 4, 'aria-label': 'delay ms' });
  const half = Math.ceil(nodes.length / 2);
  const groups = h('input', { type: 'text', value: `${nodes.slice(0, half).join(',')} | ${nodes.slice(half).join(',')}`, size: 22, 'aria-label': 'partition groups' });
  const parse = (): { a: string[]; b: string[] } | undefined => {
    const [x = '', y = ''] = groups.value.split('|');
    const split = (s: string): string[] => s.split(/[ ,]+/).filter((n) => nodes.includes(n));
    const a = split(x);
    const b = split(y);
    return a.length > 0 && b.length > 0 ? { a, b } : undefined;
  };
  root.append(h('div', { class: 'row faults' }, 'faults: loss % ', loss, ' duplicate % ', dup, ' delay ms ', delay,
    h('button', { 'data-act': 'link', onclick: () => { act({ type: 'link', lossPct: Number(loss.value) | 0, dupPct: Number(dup.value) | 0, delayMs: Number(delay.value) | 0 }); } }, 'set link faults'),
    ' ', groups,
    h('button', { 'data-act': 'partition', onclick: () => { const g = parse(); if (g !== undefined) act({ type: 'partition', a: g.a, b: g.b }); else groups.classList.add('bad'); } }, 'partition'),
    h('button', { 'data-act': 'heal', onclick: () => { act({ type: 'heal' }); } }, 'heal')));
}

/** The list of messages in flight; clicking one drops it. */
export function renderInFlight(root: HTMLElement, sim: Sim, act: (a: FaultAction) => void): void {
  let list = root.querySelector<HTMLElement>('.inflight');
  if (list === null) {
    list = h('ol', { class: 'inflight' });
    root.append(h('h3', {}, 'Messages in flight (click one to drop it)'), list);
  }
  const msgs = inFlight(sim);
  const el = list;
  memo(el, msgs.map((m) => m.id).join(','), () => {
    el.replaceChildren(...msgs.map((m) => h('li', { 'data-msg': m.id, title: 'click to drop this message', onclick: () => { act({ type: 'drop', id: m.id }); } }, `#${String(m.id)} ${m.from} → ${m.to} at t=${String(m.at)}: ${m.label}`)));
  });
}
