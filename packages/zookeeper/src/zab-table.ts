/**
 * Zab's transitions as data, after h11's `_state.py`: for each stage of a role, the packets it
 * accepts and the handler each one runs (`stage × packet → handler`). A packet a stage has no
 * entry for is a protocol error: the caller reports it (a `protocolError` event) and, as
 * ZooKeeper does, drops the connection or only warns, as the stage says.
 */
import type { ZabPacket } from './messages.js';

export type PacketType = ZabPacket['type'];

/** One stage's row: packet type → handler, each handler typed by the packet it receives. */
export type TransitionRow<C> = { readonly [T in PacketType]?: (ctx: C, packet: Extract<ZabPacket, { type: T }>) => void };

/** A whole table: every stage name of a role has a row (possibly empty). */
export type TransitionTable<S extends string, C> = { readonly [stage in S]: TransitionRow<C> };

/**
 * Runs the handler `table[stage][packet.type]`; returns false when there is none (the caller
 * reports the protocol error).
 */
export function step<S extends string, C>(table: TransitionTable<S, C>, stage: S, ctx: C, packet: ZabPacket): boolean {
  // Sound: the row is keyed by packet.type, so the handler found takes exactly this packet.
  const handler = table[stage][packet.type] as ((ctx: C, packet: ZabPacket) => void) | undefined;
  if (handler === undefined) return false;
  handler(ctx, packet);
  return true;
}

/** The table as text, one `stage × PACKET → handler` line each (for the README and transcripts). */
export function describeTable<S extends string, C>(table: TransitionTable<S, C>): string[] {
  const lines: string[] = [];
  for (const stage of Object.keys(table) as S[]) {
    const row = table[stage];
    const entries = Object.entries(row) as [PacketType, { name: string } | undefined][];
    if (entries.length === 0) lines.push(`${stage} × (nothing expected)`);
    for (const [type, fn] of entries) lines.push(`${stage} × ${type} → ${fn?.name ?? '?'}`);
  }
  return lines;
}
