/**
 * RespClient: a small RESP client over node:net for tests and tools (not a production client:
 * no reconnects, no cluster redirects). Requests are pipelined; replies are matched in order.
 *
 *   const c = await RespClient.connect(port);
 *   await c.call('SET', 'k', 'v');            // → { type: 'simple', value: 'OK' }
 *   await c.raw('*1\r\n$4\r\nPING\r\n');      // → Buffer '+PONG\r\n', exactly one reply's bytes
 *   await c.hello(3);                         // switch the connection to RESP3
 *   await c.close();
 *
 * Error replies resolve as `{ type: 'error' }` values (they are replies, not failures); the
 * promise rejects only for connection problems, a protocol error in the reply stream, or a
 * reply that does not come within `replyTimeoutMs`.
 *
 * Pub/sub: a (P|S)SUBSCRIBE or (P|S)UNSUBSCRIBE of n channels gets n confirmations; the call
 * resolves with the first and the others go to the `onPush` listeners, like every RESP3 push
 * (`>`) that is not such a confirmation, and, on a RESP2 connection that subscribed, every
 * `message` / `pmessage` / `smessage` array. An UNSUBSCRIBE without arguments is counted as one
 * confirmation (the server sends one per channel it had).
 */
import net from 'node:net';
import { decodeAll, RespDecoder } from '../decode.js';
import { encodeCommand, type CommandArg } from '../encode.js';
import type { RespProtocolError } from '../errors.js';
import type { RespValue } from '../types.js';

export class RespClientError extends Error {
  override readonly name = 'RespClientError';
  constructor(
    readonly code: 'ECONNCLOSED' | 'ETIMEDOUT' | 'EPROTOCOL' | 'ESOCKET',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RespClientOptions {
  /** Fail a call whose reply has not arrived after this long (default 10 s). 0 disables. */
  readonly replyTimeoutMs?: number;
  /** Fail connect after this long (default 5 s). */
  readonly connectTimeoutMs?: number;
}

interface Pending {
  readonly kind: 'value' | 'raw';
  readonly command: string;
  /** Further confirmations this command will get (SUBSCRIBE a b c: 2). */
  readonly extra: number;
  readonly resolve: (v: RespValue | Buffer) => void;
  readonly reject: (e: Error) => void;
  readonly sentAt: number;
}

const SUBSCRIBE_FAMILY = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

export class RespClient {
  private readonly decoder = new RespDecoder({ protocol: 3 });
  private readonly pending: Pending[] = [];
  private readonly pushListeners = new Set<(v: RespValue) => void>();
  /** Received bytes not yet attributed to a reply, and the absolute offset of the first one. */
  private chunks: Buffer[] = [];
  private chunksBase = 0;
  private failure: Error | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly closedPromise: Promise<Buffer>;
  /** Confirmations still due for the last subscribe-family call, and its name. */
  private absorb = { name: '', count: 0 };
  /** A RESP2 connection in subscribed mode gets messages as plain arrays. */
  private subscribed = false;
  /** 2 until hello(3) succeeds. */
  protocol: 2 | 3 = 2;

  private constructor(
    private readonly socket: net.Socket,
    private readonly replyTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', (e) => {
      this.failAll(new RespClientError('ESOCKET', `socket error: ${e.message}`, { cause: e }));
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        if (this.timer) clearInterval(this.timer);
        this.failAll(new RespClientError('ECONNCLOSED', 'connection closed by the server'));
        resolve(Buffer.concat(this.chunks));
      });
    });
    if (replyTimeoutMs > 0) {
      this.timer = setInterval(() => {
        const head = this.pending[0];
        if (head && Date.now() - head.sentAt > replyTimeoutMs) {
          this.failAll(new RespClientError('ETIMEDOUT', `no reply to ${head.command} within ${replyTimeoutMs} ms`));
          socket.destroy();
        }
      }, Math.min(250, replyTimeoutMs));
      this.timer.unref();
    }
  }

  static connect(port: number, host = '127.0.0.1', options: RespClientOptions = {}): Promise<RespClient> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      const t = setTimeout(() => {
        socket.destroy();
        reject(new RespClientError('ETIMEDOUT', `could not connect to ${host}:${port} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once('error', (e) => {
        clearTimeout(t);
        reject(new RespClientError('ESOCKET', `could not connect to ${host}:${port}: ${e.message}`, { cause: e }));
      });
      socket.once('connect', () => {
        clearTimeout(t);
        resolve(new RespClient(socket, options.replyTimeoutMs ?? 10_000));
      });
    });
  }

  /** Sends one command; resolves with its reply (error replies included, as values). */
  call(...argv: CommandArg[]): Promise<RespValue> {
    const command = argv[0] === undefined ? '' : typeof argv[0] === 'string' ? argv[0] : argv[0] instanceof Uint8Array ? Buffer.from(argv[0]).toString() : String(argv[0]);
    const extra = SUBSCRIBE_FAMILY.has(command.toLowerCase()) ? Math.max(0, argv.length - 2) : 0;
    return this.send(encodeCommand(argv), 'value', command, extra) as Promise<RespValue>;
  }

  /**
   * Sends bytes as they are; resolves with exactly the bytes of the next reply (for
   * byte-for-byte comparisons). The bytes should hold exactly one request.
   */
  raw(bytes: Uint8Array | string): Promise<Buffer> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    return this.send(b, 'raw', 'raw request', 0) as Promise<Buffer>;
  }

  /** Writes bytes without waiting for any reply (to send malformed or partial input). */
  write(bytes: Uint8Array | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** HELLO <protover>: on success the connection speaks that protocol from now on. */
  async hello(protover: 2 | 3 = 3): Promise<RespValue> {
    const r = await this.call('HELLO', protover);
    if (r.type !== 'error') this.protocol = protover;
    return r;
  }

  /** Listens to RESP3 push messages; returns a function that removes the listener. */
  onPush(listener: (v: RespValue) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  /** Resolves when the server closes the connection, with the bytes that were not a full reply. */
  get closed(): Promise<Buffer> {
    return this.closedPromise;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (!this.socket.destroyed) this.socket.end();
    await this.closedPromise;
  }

  private send(bytes: Uint8Array, kind: 'value' | 'raw', command: string, extra: number): Promise<RespValue | Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ kind, command, extra, resolve, reject, sentAt: Date.now() });
      this.socket.write(bytes);
    });
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    const r = this.decoder.feed(chunk);
    let start = this.chunksBase;
    let joined: Buffer | undefined;
    r.values.forEach((v, i) => {
      const end = r.ends[i] ?? start;
      const [first] = this.chunks;
      joined ??= this.chunks.length === 1 && first !== undefined ? first : Buffer.concat(this.chunks);
      this.deliver(v, joined.subarray(start - this.chunksBase, end - this.chunksBase));
      start = end;
    });
    if (joined) {
      const rest = joined.subarray(start - this.chunksBase);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.chunksBase = start;
    }
    if (r.error) this.protocolError(r.error);
  }

  private deliver(v: RespValue, bytes: Buffer): void {
    const head = this.pending[0];
    if (head?.kind !== 'raw' && this.isOutOfBand(v, head)) {
      for (const l of this.pushListeners) l(v);
      return;
    }
    if (!head) return; // an unsolicited reply nobody waits for
    this.pending.shift();
    if (head.kind === 'raw') {
      head.resolve(Buffer.from(bytes));
      return;
    }
    if (head.extra > 0) this.absorb = { name: head.command.toLowerCase(), count: head.extra };
    const name = head.command.toLowerCase();
    if (SUBSCRIBE_FAMILY.has(name) && pubsubKind(v) === name) this.subscribed = subscriptionCount(v) > 0;
    head.resolve(v);
  }

  /** A push, a further confirmation of a subscribe-family call, or a RESP2 pub/sub message. */
  private isOutOfBand(v: RespValue, head: Pending | undefined): boolean {
    const kind = pubsubKind(v);
    if (kind !== undefined && this.absorb.count > 0 && kind === this.absorb.name) {
      this.absorb.count--;
      return true;
    }
    if (v.type === 'push') return !(head && kind === head.command.toLowerCase() && SUBSCRIBE_FAMILY.has(kind));
    return this.subscribed && v.type === 'array' && (kind === 'message' || kind === 'pmessage' || kind === 'smessage');
  }

  private protocolError(e: RespProtocolError): void {
    this.failAll(new RespClientError('EPROTOCOL', `malformed reply stream: ${e.message}`, { cause: e }));
    this.socket.destroy();
  }

  private failAll(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}

/** The first element of a pub/sub array or push, lower-cased ('subscribe', 'message', …). */
function pubsubKind(v: RespValue): string | undefined {
  if (v.type !== 'push' && v.type !== 'array') return undefined;
  const first = v.value[0];
  return first?.type === 'bulk' ? Buffer.from(first.value).toString().toLowerCase() : undefined;
}

/** The subscription count a (un)subscribe confirmation ends with. */
function subscriptionCount(v: RespValue): number {
  if (v.type !== 'push' && v.type !== 'array') return 0;
  const last = v.value[v.value.length - 1];
  return last?.type === 'integer' ? Number(last.value) : 0;
}

/** Decodes one reply from bytes (convenience for comparing `raw` results). */
export function decodeReply(bytes: Uint8Array): RespValue {
  const values = decodeAll(bytes);
  const [only] = values;
  if (only === undefined || values.length !== 1) throw new RespClientError('EPROTOCOL', `expected exactly one reply, found ${values.length}`);
  return only;
}
