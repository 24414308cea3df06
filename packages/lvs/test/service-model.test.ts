import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualService } from '../src/index.js';

/**
 * Model-based: random ipvsadm -a / -e / -d and schedule commands against a deliberately simpler
 * model of an rr service — an array in kernel order (new servers at the FRONT) and a cursor NAME.
 * After every command: same list order, and rr's choice equals "the first usable server after
 * the cursor, wrapping, the cursor itself last".
 */
interface Model {
  order: { name: string; weight: number }[];
  cursor: string | null;
}
type Real = VirtualService;

class Add implements fc.Command<Model, Real> {
  constructor(readonly name: string, readonly weight: number) {}
  check(m: Readonly<Model>): boolean {
    return !m.order.some((d) => d.name === this.name);
  }
  run(m: Model, r: Real): void {
    r.addDest({ name: this.name, weight: this.weight });
    m.order.unshift({ name: this.name, weight: this.weight });
    expect(r.dests.map((d) => d.name)).toEqual(m.order.map((d) => d.name));
  }
  toString(): string {
    return `add(${this.name}, ${this.weight})`;
  }
}
class Del implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.order.length > 0;
  }
  run(m: Model, r: Real): void {
    const i = this.pick % m.order.length;
    const name = m.order[i]!.name;
    r.delDest(name);
    // ip_vs_rr_del_dest: a deleted cursor moves to its predecessor (or the head)
    if (m.cursor === name) m.cursor = i === 0 ? null : m.order[i - 1]!.name;
    m.order.splice(i, 1);
    expect(r.dests.map((d) => d.name)).toEqual(m.order.map((d) => d.name));
  }
  toString(): string {
    return `del(#${this.pick})`;
  }
}
class Edit implements fc.Command<Model, Real> {
  constructor(readonly pick: number, readonly weight: number) {}
  check(m: Readonly<Model>): boolean {
    return m.order.length > 0;
  }
  run(m: Model, r: Real): void {
    const d = m.order[this.pick % m.order.length]!;
    r.editDest(d.name, { weight: this.weight });
    d.weight = this.weight;
  }
  toString(): string {
    return `edit(#${this.pick}, ${this.weight})`;
  }
}
class Schedule implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const n = m.order.length;
    const at = m.cursor === null ? -1 : m.order.findIndex((d) => d.name === m.cursor);
    const sequence = at === -1 ? m.order : [...m.order.slice(at + 1), ...m.order.slice(0, at + 1)];
    const want = sequence.find((d) => d.weight > 0) ?? null;
    const got = r.schedule({ srcAddr: 1 });
    expect(got?.name ?? null).toBe(want?.name ?? null);
    if (want !== null) m.cursor = want.name;
    expect(n).toBe(r.dests.length);
  }
  toString(): string {
    return 'schedule';
  }
}

describe('VirtualService + rr against a model (fc.commands)', () => {
  it('ip_vs_ctl.c list order (add links at the front) and ip_vs_rr.c choices agree with the model after every command', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const cmds = [
      fc.tuple(fc.constantFrom(...names), fc.integer({ min: 0, max: 3 })).map(([n, w]) => new Add(n, w)),
      fc.nat(10).map((i) => new Del(i)),
      fc.tuple(fc.nat(10), fc.integer({ min: 0, max: 3 })).map(([i, w]) => new Edit(i, w)),
      fc.constant(new Schedule()),
      fc.constant(new Schedule()),
    ];
    fc.assert(
      fc.property(fc.commands(cmds, { maxCommands: 40 }), (c) => {
        fc.modelRun(() => ({ model: { order: [], cursor: null }, real: new VirtualService({ scheduler: 'rr' }) }), c);
      }),
    );
  });
});
