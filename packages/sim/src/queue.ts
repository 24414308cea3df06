import { EventHeap, type Ordered } from './heap.js';

/** A message on the wire. `toIncarnation` is the receiver's incarnation when it was sent. */
export interface DeliverEvent<M> {
  readonly kind: 'deliver';
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly msg: M;
  readonly toIncarnation: number;
  readonly dup: boolean;
}

/**
 * A timer. `gen` is 0 for an anonymous `setTimer` timer; a named `armTimer` timer carries the
 * generation it was armed with, and is live only while its node's table still holds that
 * generation for its name (lazy deletion: re-arming or disarming never searches the heap).
 */
export interface TimerEvent {
  readonly kind: 'timer';
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly node: string;
  readonly name: string;
  readonly data: unknown;
  readonly incarnation: number;
  readonly gen: number;
}

export interface InputEvent<I> {
  readonly kind: 'input';
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly node: string;
  readonly input: I;
  readonly incarnation: number;
}

export interface WakeEvent {
  readonly kind: 'wake';
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly node: string;
  readonly incarnation: number;
}

export type QueuedEvent<M, I> = DeliverEvent<M> | TimerEvent | InputEvent<I> | WakeEvent;

/** Compact when more than this many dead entries sit in the heap and they are over half of it. */
const COMPACT_MIN_DEAD = 64;

/**
 * The event queue with lazy deletion. An event stops being live when the simulator says so
 * (`isLive`), e.g. a re-armed timer's old deadline; it stays in the heap until it reaches the
 * top, where `peek`/`pop` discard it without running it or counting it as a step. Dead entries
 * are bounded: when they outnumber the live ones (and there are more than 64), one O(n) pass
 * removes them all, so memory stays O(live events) and each cancel costs amortised O(1).
 */
export class EventQueue<E extends Ordered> {
  private readonly heap = new EventHeap<E>();
  private dead = 0;

  constructor(private readonly isLive: (e: E) => boolean) {}

  /** Entries in the heap, dead ones included (for tests of the bound). */
  get heapSize(): number {
    return this.heap.size;
  }

  push(e: E): void {
    this.heap.push(e);
  }

  /** Tell the queue that one event still in it has stopped being live. */
  markDead(): void {
    this.dead++;
    if (this.dead > COMPACT_MIN_DEAD && this.dead * 2 > this.heap.size) this.compact();
  }

  /** The next live event (dead ones on top are discarded). */
  peek(): E | undefined {
    for (;;) {
      const e = this.heap.peek();
      if (e === undefined || this.isLive(e)) return e;
      this.heap.pop();
      if (this.dead > 0) this.dead--;
    }
  }

  pop(): E | undefined {
    const e = this.peek();
    if (e !== undefined) this.heap.pop();
    return e;
  }

  /** Live events in run order. */
  ordered(): E[] {
    return this.heap.ordered().filter(this.isLive);
  }

  /** Removes the live events matching `pred` and returns them; dead entries go too. O(n). */
  removeWhere(pred: (e: E) => boolean): E[] {
    const live: E[] = [];
    this.heap.removeWhere((e) => {
      if (!this.isLive(e)) return true;
      if (!pred(e)) return false;
      live.push(e);
      return true;
    });
    this.dead = 0;
    return live;
  }

  /**
   * Removes the first live event in run order matching `pred` (a duplicated message has two
   * entries with one id: only the earlier goes). O(n).
   */
  removeFirst(pred: (e: E) => boolean): E | undefined {
    let first: E | undefined;
    for (const e of this.heap.ordered()) {
      if (this.isLive(e) && pred(e)) {
        first = e;
        break;
      }
    }
    if (first !== undefined) {
      const target = first;
      this.heap.removeWhere((e) => e === target);
    }
    return first;
  }

  clear(): void {
    this.heap.removeWhere(() => true);
    this.dead = 0;
  }

  private compact(): void {
    this.heap.removeWhere((e) => !this.isLive(e));
    this.dead = 0;
  }
}
