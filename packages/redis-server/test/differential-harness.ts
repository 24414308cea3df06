/**
 * The lockstep harness of the differential test: the same steps go to two servers (protolab-redis
 * and redis-server) on two connections each. A step is a pipeline on one connection ending with
 * `PING <marker>`; the next step starts once both servers answered the marker on that connection
 * (so the cross-connection order is the script's on both). A hand-off step writes a blocking pop
 * on one connection and a push on the other without waiting in between (fresh keys: the result
 * does not depend on which arrives first). The bytes each connection received for each step are
 * compared.
 */
import net from 'node:net';

export type Step = { readonly kind: 'pipeline'; readonly conn: 0 | 1; readonly cmds: readonly string[] } | { readonly kind: 'handoff'; readonly block: string; readonly push: string };

class Conn {
  private got = Buffer.alloc(0);
  private from = 0;
  private wake: (() => void) | undefined;
  constructor(readonly sock: net.Socket) {
    sock.on('data', (b: Buffer) => {
      this.got = Buffer.concat([this.got, b]);
      this.wake?.();
    });
  }
  /** Wait until `marker` arrived; return the bytes since the last slice (or throw after 5 s). */
  async until(marker: string): Promise<string> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const at = this.got.indexOf(marker, this.from, 'latin1');
      if (at >= 0) {
        const end = this.got.indexOf('\r\n', at, 'latin1') + 2;
        const s = this.got.subarray(this.from, end).toString('latin1');
        this.from = end;
        return s;
      }
      if (Date.now() > deadline) throw new Error(`no reply to marker ${marker} within 5 s; received since the last step: ${JSON.stringify(this.got.subarray(this.from).toString('latin1'))}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 200);
      });
    }
  }
}

const encode = (cmd: string): string => {
  const a = cmd.split(' ');
  return `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
};

async function open(port: number): Promise<Conn[]> {
  const socks = [0, 1].map(() => net.connect(port, '127.0.0.1'));
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.once('connect', () => { r(); }))));
  return socks.map((s) => new Conn(s));
}

export interface StepResult {
  readonly step: Step;
  /** Per connection touched by the step: [ours, theirs]. */
  readonly bytes: readonly (readonly [string, string])[];
}

/** Run `steps` on fresh connections to both servers in lockstep; one result per step. */
export async function lockstep(ports: readonly [number, number], steps: readonly Step[]): Promise<StepResult[]> {
  const sides = await Promise.all(ports.map(open));
  const out: StepResult[] = [];
  let seq = 0;
  try {
    for (const step of steps) {
      const writes: [0 | 1, string][] = step.kind === 'pipeline' ? [[step.conn, step.cmds.map(encode).join('')]] : [[0, encode(step.block)], [1, encode(step.push)]];
      const markers = writes.map(([conn, req]) => {
        const m = `mk${++seq}x`;
        for (const side of sides) side[conn]?.sock.write(req + encode(`PING ${m}`));
        return [conn, m] as const;
      });
      const bytes: (readonly [string, string])[] = [];
      for (const [conn, m] of markers) {
        const [a, b] = await Promise.all(sides.map((side) => side[conn]?.until(m) ?? Promise.resolve('')));
        bytes.push([a ?? '', b ?? '']);
      }
      out.push({ step, bytes });
    }
  } finally {
    for (const side of sides) for (const c of side) c.sock.destroy();
  }
  return out;
}

/** The name a command is counted under: the first word, with the subcommand for containers. */
export function commandName(cmd: string): string {
  const [a = '', b = ''] = cmd.toUpperCase().split(' ');
  return ['CONFIG', 'CLIENT', 'COMMAND', 'PUBSUB', 'DEBUG'].includes(a) && b !== '' ? `${a} ${b}` : a;
}
