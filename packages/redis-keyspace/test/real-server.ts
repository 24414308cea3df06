/**
 * The real redis-server the keyspace's differential peer tests talk to: no persistence, DEBUG
 * enabled and active expiry off (`DEBUG SET-ACTIVE-EXPIRE 0`: our keyspace runs no cycle in these
 * tests, so what exists never depends on when the server's serverCron ran).
 */
import { expect } from 'vitest';
import { startServer, type PeerServer } from '@protolab/testkit';
import { RespClient, decodeReply, encodeCommand, type RespValue } from '@protolab/resp';

/** argv as bytes, one byte per character (the generators use latin1 text). */
export const bytesOf = (argv: string[]): Uint8Array[] => argv.map((a) => Buffer.from(a, 'latin1'));

export interface RealServer {
  readonly server: PeerServer;
  readonly client: RespClient;
  /** One command; the reply decoded (RESP2, or RESP3 after `resp3`). */
  call(argv: string[]): Promise<RespValue>;
  stop(): Promise<void>;
}

export async function startRealServer(opts: { resp3?: boolean } = {}): Promise<RealServer> {
  const server = await startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--enable-debug-command', 'yes'],
  });
  const client = await RespClient.connect(server.port);
  if (opts.resp3 === true) expect((await client.hello(3)).type).toBe('map');
  const call = async (argv: string[]): Promise<RespValue> => decodeReply(await client.raw(encodeCommand(bytesOf(argv))));
  expect(await call(['DEBUG', 'SET-ACTIVE-EXPIRE', '0'])).toEqual({ type: 'simple', value: 'OK' });
  return {
    server,
    client,
    call,
    stop: async () => {
      await client.close();
      await server.stop();
    },
  };
}
