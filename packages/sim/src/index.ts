/**
 * @protolab/sim — the one deterministic simulation kernel of protolab.
 *
 * A seeded PRNG with independent named streams, a virtual clock with an event queue, a faulty
 * message network between named nodes (delay, loss, duplication, reordering, partitions, clogs,
 * crash and restart), per-node durable storage and disks with a crash model, hand control
 * (pending events, deliver/drop one, snapshot/restore), and traces rendered as text or Mermaid.
 */
export { Prng, streamSeed, normaliseSeed, type PrngState } from './prng.js';
export {
  Sim,
  DEFAULT_LINK,
  randomLinkOptions,
  type LinkOptions,
  type SimOptions,
  type NodeHandlers,
  type NodeContext,
  type NodeFactory,
  type PendingEvent,
  type SimStats,
  type SimSnapshot,
} from './sim.js';
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
export { runWithInvariants, InvariantViolation, show, type Invariant, type RunWithInvariantsOptions } from './invariants.js';
export { pinger, ponger, describePingPong, type PingPongMsg, type Pinger } from './ping-pong.js';
