/**
 * The socket clients the peer tests use to ask a server (protolab's or a real redis-server)
 * commands: a command's RESP frame, one connection that answers each `ask` in order, and a
 * pipeline that sends every command at once and collects the replies.
 */
import net from 'node:net';
import { RespDecoder } from '@protolab/resp';
import type { RespValue } from '@protolab/resp';

/** A command as a RESP array of bulk strings (each argument's chars as bytes, latin1). */
export const frame = (argv: readonly string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

/** One connection: send a command, wait for its reply. */
export function connection(port: number): { socket: net.Socket; ask: (argv: readonly string[]) => Promise<RespValue> } {
  const s = net.connect(port, '127.0.0.1');
  const dec = new RespDecoder();
  const waiting: ((v: RespValue) => void)[] = [];
  s.on('data', (b: Buffer) => {
    for (const v of dec.push(b)) waiting.shift()?.(v);
  });
  return {
    socket: s,
    ask: (argv) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        s.write(Buffer.from(frame(argv), 'latin1'));
      }),
  };
}

/** Every command on a fresh connection in one write; the replies in order, then the connection closed. */
export async function pipeline(port: number, cmds: readonly (readonly string[])[]): Promise<RespValue[]> {
  const s = net.connect(port, '127.0.0.1');
  const dec = new RespDecoder();
  const out: RespValue[] = [];
  await new Promise<void>((resolve, reject) => {
    s.on('error', reject);
    s.on('data', (b: Buffer) => {
      out.push(...dec.push(b));
      if (out.length >= cmds.length) resolve();
    });
    s.write(Buffer.from(cmds.map(frame).join(''), 'latin1'));
  });
  s.destroy();
  return out;
}

/**
 * An RDB length (rdb.c rdbLoadLenByRef) at `p` of a DUMP payload: its value, whether it is a
 * special encoding (RDB_ENCVAL: an integer or LZF string follows), and where it ends. For the peer
 * tests that take a payload apart to say which part differs.
 */
export function rdbLen(b: Uint8Array, p: number): { len: number; special: boolean; at: number } {
  const first = b[p] ?? 0;
  const kind = first >> 6;
  if (kind === 0) return { len: first & 0x3f, special: false, at: p + 1 };
  if (kind === 1) return { len: ((first & 0x3f) << 8) | (b[p + 1] ?? 0), special: false, at: p + 2 };
  if (kind === 3) return { len: first & 0x3f, special: true, at: p + 1 };
  const dv = new DataView(b.buffer, b.byteOffset);
  return first === 0x80 ? { len: dv.getUint32(p + 1), special: false, at: p + 5 } : { len: Number(dv.getBigUint64(p + 1)), special: false, at: p + 9 };
}
