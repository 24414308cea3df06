/** A few DOM helpers (the playground uses no UI framework: see the README for why). */

type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>; // map-ok: literal attribute names written in this app's code

/** Creates an element: `h('button', { class: 'x', onclick: f }, 'text')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] { // map-ok: literal SVG attribute names
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Replaces the children of `el` only when the text form changed (cheap re-render at 60 fps). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** A keyed re-render: `render()` runs only when `key` differs from the last call's. */
export function memo(el: HTMLElement & { _key?: string }, key: string, render: () => void): void {
  if (el._key === key) return;
  el._key = key;
  render();
}
