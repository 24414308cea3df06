/**
 * The playground page: tabs for the scenarios, the timeline controls (play, pause, step, step
 * back, jump, speed), seed and parameters, the shareable URL, the scenario's own view, a Lamport
 * diagram, a state inspector and the "what the real system does" panel.
 */
import './buffer-polyfill.js';
import './style.css';
import type { AnyScenario, PageContext } from './scenario.js';
import { SCENARIOS } from './scenarios.js';
import { Timeline, type LogEntry, type ScenarioRun } from './timeline.js';
import { h, setText, svg } from './ui/dom.js';
import { renderLamport } from './ui/lamport.js';
import { UrlStateError, decodeLog, encodeLog, formatHash, parseHash } from './url.js';

const SPEEDS = [1, 4, 15, 60, 250, 1000] as const; // events per second

interface Page {
  scenario: AnyScenario;
  seed: number;
  params: Map<string, number>;
  timeline: Timeline<ScenarioRun<unknown>, unknown>;
  playing: boolean;
  speedIndex: number;
  carry: number;
  inspected: string | undefined;
  error: string | undefined;
}

const app = document.getElementById('app');
if (app === null) throw new Error('no #app element');

const tabs = h('nav', { class: 'tabs' });
const controls = h('div', { class: 'controls' });
const scenarioControls = h('div', { class: 'scenario-controls' });
const view = h('div', { class: 'view' });
const side = h('aside', { class: 'side' });
const lamport = svg('svg', { class: 'lamport', width: '100%' });
const status = h('div', { class: 'status', role: 'status' });
const slider = h('input', { type: 'range', min: 0, max: 0, value: 0, class: 'slider', 'aria-label': 'position in the run' });
const inspector = h('pre', { class: 'inspector' });
const inspectSelect = h('select', { 'aria-label': 'inspect a node' });
app.append(
  h('header', {}, h('h1', {}, 'protolab playground'), h('span', { class: 'tagline' }, 'the real rules, step by step — rewind anything')),
  tabs, controls, slider, status, scenarioControls,
  h('main', {}, view, side),
  h('section', { class: 'lamport-box' }, h('h3', {}, 'Space-time diagram (last messages; hover for details)'), lamport),
);

let page: Page;

function build(scenario: AnyScenario, seed: number, params: Map<string, number>): Page {
  return { scenario, seed, params, timeline: new Timeline(() => scenario.create(params, seed)), playing: false, speedIndex: 2, carry: 0, inspected: undefined, error: undefined };
}

function ctxFor(p: Page): PageContext<unknown> {
  return {
    runFor(ms) { p.timeline.forwardFor(ms); refresh(true); },
    act(a) {
      try { p.timeline.act(a); p.error = undefined; } catch (e) { p.error = e instanceof Error ? e.message : String(e); }
      refresh(true);
    },
    setParams(v) {
      const params = new Map(p.params);
      for (const [k, val] of Object.entries(v)) params.set(k, val);
      load(p.scenario, p.seed, params, []);
    },
  };
}

function load(scenario: AnyScenario, seed: number, params: Map<string, number>, log: readonly LogEntry<unknown>[], at?: number): void {
  page = build(scenario, seed, params);
  try {
    if (log.length > 0) page.timeline.adopt(log, at);
    else for (const a of scenario.intro) page.timeline.act(a);
  } catch (e) {
    page.timeline.adopt([]);
    page.error = `could not replay the link: ${e instanceof Error ? e.message : String(e)}`;
  }
  drawControls();
  scenarioControls.replaceChildren();
  scenario.controls(scenarioControls, () => page.timeline.run, ctxFor(page));
  view.replaceChildren();
  inspectSelect.replaceChildren(...scenario.inspect(page.timeline.run).names.map((n) => h('option', { value: n }, n)));
  refresh(true);
}

function drawTabs(): void {
  tabs.replaceChildren(...SCENARIOS.map((s) => h('a', { href: `#/${s.id}`, class: s.id === page.scenario.id ? 'tab active' : 'tab', 'data-scenario': s.id }, s.title)));
}

function drawControls(): void {
  const p = page;
  const seedInput = h('input', { type: 'number', value: p.seed, min: 0, max: 2 ** 31 - 1, 'aria-label': 'seed', id: 'seed', size: 8 });
  const paramInputs = p.scenario.params.map((spec) => {
    const value = p.params.get(spec.name) ?? spec.def;
    const input: HTMLInputElement | HTMLSelectElement = spec.choices !== undefined
      ? h('select', { id: `param-${spec.name}`, 'aria-label': spec.label }, ...spec.choices.map((c, i) => h('option', { value: i, selected: i === value }, c)))
      : h('input', { type: 'number', id: `param-${spec.name}`, value, min: spec.min, max: spec.max, step: spec.step ?? 1, 'aria-label': spec.label, size: 6 });
    return { spec, input };
  });
  const apply = h('button', { id: 'apply', title: 'rebuild the run with this seed and these parameters', onclick: () => {
    const params = new Map<string, number>();
    for (const { spec, input } of paramInputs) params.set(spec.name, clamp(Number(input.value), spec.min, spec.max, spec.def));
    load(p.scenario, clamp(Number(seedInput.value), 0, 2 ** 31 - 1, p.scenario.defaultSeed), params, []);
  } }, 'new run');
  const share = h('button', { id: 'share', title: 'copy a link that reproduces this run exactly', onclick: () => {
    void navigator.clipboard.writeText(location.href).then(() => { share.textContent = 'link copied'; }, () => { share.textContent = 'copy the address bar'; });
  } }, 'share link');
  controls.replaceChildren(
    h('button', { id: 'reset', title: 'back to the start (Home)', onclick: () => { seek(0); } }, '|◀ start'),
    h('button', { id: 'back', title: 'step back one event (←)', onclick: () => { stepBack(); } }, '◀ back'),
    h('button', { id: 'play', title: 'play / pause (space)', onclick: () => { togglePlay(); } }, p.playing ? '⏸ pause' : '▶ play'),
    h('button', { id: 'step', title: 'step one event (→)', onclick: () => { stepForward(); } }, 'step ▶'),
    h('button', { id: 'run1s', title: 'run one simulated second', onclick: () => { page.timeline.forwardFor(1000); refresh(true); } }, '+1 s'),
    h('label', {}, ' speed ', h('select', { id: 'speed', 'aria-label': 'speed', onchange: (ev: Event) => { page.speedIndex = Number((ev.target as HTMLSelectElement).value); } },
      ...SPEEDS.map((s, i) => h('option', { value: i, selected: i === p.speedIndex }, `${String(s)} ev/s`)))),
    h('span', { class: 'sep' }),
    h('label', {}, 'seed ', seedInput),
    ...paramInputs.map(({ spec, input }) => h('label', {}, ` ${spec.label} `, input)),
    apply, share,
  );
  side.replaceChildren(
    h('h3', {}, 'Inspect'), inspectSelect, inspector,
    h('h3', {}, 'What the real system does'),
    h('dl', { class: 'real' }, ...p.scenario.real.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h3', {}, 'Keys'), h('p', { class: 'keys' }, 'space play/pause · → step · ← back · Home start · End end · [ ] speed'),
  );
}

function fmtMs(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

function clamp(v: number, lo: number, hi: number, def: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.trunc(v))) : def;
}

function seek(pos: number): void {
  page.playing = false;
  page.timeline.seek(pos);
  refresh(true);
}
function stepBack(): void { page.playing = false; page.timeline.back(1); refresh(true); }
function stepForward(): void { page.playing = false; page.timeline.forward(); refresh(true); }
function togglePlay(): void {
  page.playing = !page.playing;
  const b = document.getElementById('play');
  if (b !== null) b.textContent = page.playing ? '⏸ pause' : '▶ play';
}

let urlDirty = false;
function refresh(urlNow: boolean): void {
  const p = page;
  const run = p.timeline.run;
  p.scenario.render(view, run, ctxFor(p));
  const lanes = p.scenario.lanes(run);
  const box = lamport.parentElement;
  if (box !== null) box.style.display = lanes.length > 0 ? '' : 'none';
  if (lanes.length > 0) renderLamport(lamport, run.sim.trace, { nodes: lanes, window: 60, width: Math.max(320, Math.min(900, lamport.clientWidth || 640)) });
  slider.max = String(p.timeline.end);
  slider.value = String(p.timeline.pos);
  setText(status, `${p.error !== undefined ? `⚠ ${p.error} · ` : ''}t = ${fmtMs(run.sim.now())} ms · event ${String(p.timeline.pos)} of ${String(p.timeline.end)} · seed ${String(p.seed)}`);
  const name = inspectSelect.value || p.scenario.inspect(run).names[0];
  if (name !== undefined) setText(inspector, p.scenario.inspect(run).show(name));
  urlDirty = true;
  if (urlNow) writeUrl();
}

function writeUrl(): void {
  if (!urlDirty) return;
  urlDirty = false;
  const p = page;
  const hash = formatHash(p.scenario.id, p.seed, p.params, encodeLog(p.timeline.entries().slice(0, p.timeline.end), (a) => p.scenario.encodeAction(a)), p.timeline.pos);
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

// Play loop: events per second from the speed setting, spread over animation frames.
let frames = 0;
let lastFrame = performance.now();
const fpsSamples: number[] = [];
function frame(now: number): void {
  const dt = now - lastFrame;
  lastFrame = now;
  if (page.playing) {
    frames++;
    if (dt > 0) fpsSamples.push(1000 / dt);
    if (fpsSamples.length > 240) fpsSamples.shift();
    page.carry += (SPEEDS[page.speedIndex] ?? 15) * dt / 1000;
    let n = Math.floor(page.carry);
    page.carry -= n;
    let moved = false;
    while (n-- > 0) {
      if (!page.timeline.forward()) { page.playing = false; togglePlay(); togglePlay(); break; }
      moved = true;
    }
    if (moved) refresh(false);
    if (frames % 30 === 0) writeUrl();
  } else {
    // Idle: park runs at checkpoints below the current position, so that stepping back is cheap.
    page.timeline.prepare(6);
  }
  requestAnimationFrame(frame);
}

document.addEventListener('keydown', (ev) => {
  if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
  if (ev.key === ' ') { ev.preventDefault(); togglePlay(); }
  else if (ev.key === 'ArrowRight') stepForward();
  else if (ev.key === 'ArrowLeft') stepBack();
  else if (ev.key === 'Home') seek(0);
  else if (ev.key === 'End') seek(page.timeline.end);
  else if (ev.key === ']') page.speedIndex = Math.min(SPEEDS.length - 1, page.speedIndex + 1);
  else if (ev.key === '[') page.speedIndex = Math.max(0, page.speedIndex - 1);
});
slider.addEventListener('input', () => { seek(Number(slider.value)); });
inspectSelect.addEventListener('change', () => { refresh(false); });

function fromLocation(): void {
  const { scenario: id, query } = parseHash(location.hash);
  const scenario = SCENARIOS.find((s) => s.id === id) ?? SCENARIOS[0];
  if (scenario === undefined) throw new Error('no scenarios');
  const seed = clamp(Number(query.get('seed') ?? scenario.defaultSeed), 0, 2 ** 31 - 1, scenario.defaultSeed);
  const params = new Map<string, number>();
  for (const spec of scenario.params) params.set(spec.name, clamp(Number(query.get(spec.name) ?? spec.def), spec.min, spec.max, spec.def));
  let log: readonly LogEntry<unknown>[] = [];
  let error: string | undefined;
  try {
    log = decodeLog(query.get('log') ?? '', (s) => scenario.decodeAction(s));
  } catch (e) {
    error = e instanceof UrlStateError || e instanceof RangeError ? e.message : String(e);
  }
  const atText = query.get('at');
  load(scenario, seed, params, log, atText === null ? undefined : clamp(Number(atText), 0, Number.MAX_SAFE_INTEGER, 0));
  if (error !== undefined) { page.error = `the link's log was not understood (${error}); started fresh`; refresh(false); }
  drawTabs();
}

window.addEventListener('hashchange', () => {
  const { scenario } = parseHash(location.hash);
  if (scenario !== page.scenario.id) fromLocation();
});

/** For the browser tests and the curious: the page's state, read-only, and a way to measure. */
declare global {
  interface Window {
    playground: {
      pos(): number; end(): number; now(): number; seek(n: number): number; fps(): number;
      scenario(): string; forward(n: number): number;
    };
  }
}
window.playground = {
  pos: () => page.timeline.pos,
  end: () => page.timeline.end,
  now: () => page.timeline.run.sim.now(),
  seek: (n) => { const t0 = performance.now(); seek(n); return performance.now() - t0; },
  fps: () => (fpsSamples.length === 0 ? 0 : fpsSamples.slice().sort((a, b) => a - b)[Math.floor(fpsSamples.length / 2)] ?? 0),
  scenario: () => page.scenario.id,
  forward: (n) => { let k = 0; while (k < n && page.timeline.forward()) k++; refresh(true); return k; },
};

fromLocation();
requestAnimationFrame(frame);
