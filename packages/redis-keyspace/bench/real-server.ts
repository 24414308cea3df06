/**
 * The redis-server column of bench/commands.ts: the same operations sent to a real `redis-server`
 * over loopback, on one socket, pipelined in batches (a batch is written whole, then its replies
 * are read before the next batch goes out). Requests come from a minimal RESP writer (the bench's
 * arguments are ASCII, so a JS string's length is its byte length); replies are read with the
 * @protolab/resp decoder. Measured: CPU time of this process (writer + socket + decoder) and wall
 * time, per operation. The server's own CPU is not in either number.
 */
import { createConnection, type Socket } from 'node:net';
import { RespDecoder } from '@protolab/resp';
import { findBinary, startServer, type PeerServer } from '@protolab/testkit';

/** One command as a RESP multibulk (`*N`, then `$len` + bytes per argument); ASCII arguments only. */
export function writeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

export interface RealServer {
  /** Runs `argvs` pipelined in batches of `batch`; resolves when every reply has been read. */
  run(argvs: readonly (readonly string[])[], batch: number): Promise<void>;
  /** Every reply of the last run that was an error (a wrong bench case would show here). */
  readonly errors: number;
  stop(): Promise<void>;
}

/** A connection that resolves `want` replies at a time. */
class Pipe {
  private readonly decoder = new RespDecoder({ protocol: 2 });
  private pending = 0;
  private done: (() => void) | undefined = undefined;
  errors = 0;
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const v of this.decoder.push(chunk)) {
        if (v.type === 'error') this.errors++;
        this.pending--;
      }
      if (this.pending === 0 && this.done !== undefined) {
        const d = this.done;
        this.done = undefined;
        d();
      }
    });
  }
  send(text: string, replies: number): Promise<void> {
    this.pending += replies;
    return new Promise((resolve) => {
      this.done = resolve;
      this.socket.write(text);
    });
  }
}

/**
 * Starts `redis-server --port P --save '' --appendonly no` on a free port (as the peer tests do),
 * or returns undefined when the binary is not installed.
 */
export async function startRealServer(): Promise<RealServer | undefined> {
  if (findBinary('redis-server') === undefined) return undefined;
  const server: PeerServer = await startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
  });
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = createConnection({ port: server.port, host: '127.0.0.1' });
    s.once('connect', () => { resolve(s); });
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  const pipe = new Pipe(socket);
  return {
    async run(argvs, batch) {
      pipe.errors = 0;
      for (let i = 0; i < argvs.length; i += batch) {
        let text = '';
        const end = Math.min(argvs.length, i + batch);
        for (let j = i; j < end; j++) text += writeCommand(argvs[j] ?? []);
        await pipe.send(text, end - i);
      }
    },
    get errors() {
      return pipe.errors;
    },
    async stop() {
      socket.destroy();
      await server.stop();
    },
  };
}
