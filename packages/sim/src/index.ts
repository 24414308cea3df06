/**
 * @protolab/sim — the one deterministic simulation kernel of protolab.
 *
 * A seeded PRNG with independent named streams, a virtual clock with an event queue, a faulty
 * message network between named nodes (delay, loss, duplication, reordering, partitions, clogs,
 * crash and restart), named re-armable timers, per-node durable storage and disks with a crash
 * model, hand control (pending events, deliver/drop one, snapshot/restore), request/reply for
 * tests and examples, and traces rendered as text or Mermaid.
 */
export { Prng, streamSeed, normaliseSeed, type PrngState } from './prng.js';
export { Sim } from './sim.js';
export { DEFAULT_MAX_STEPS, DEFAULT_MAX_STEPS_PER_RUN } from './kernel.js';
export { DEFAULT_LINK, randomLinkOptions, type LinkOptions } from './link.js';
export type {
  SimOptions,
  NodeHandlers,
  NodeContext,
  NodeFactory,
  NodeRef,
  RequestOptions,
  PendingEvent,
  SimStats,
  SimSnapshot,
} from './types.js';
export { SimDisk, DurableStore, type DiskOptions } from './disk.js';
export { SimError, type SimErrorCode } from './errors.js';
export {
  renderTrace,
  renderMermaid,
  TRACE_LEGEND,
  type TraceEvent,
  type TraceKind,
  type RenderTraceOptions,
  type MermaidOptions,
} from './trace.js';
export { runWithInvariants, InvariantViolation, show, type Invariant, type RunWithInvariantsOptions, type SteppableSim } from './invariants.js';
