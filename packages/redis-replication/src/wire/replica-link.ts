/**
 * The replica's side of the link as bytes (replication.c 7.0 `syncWithMaster`,
 * `slaveTryPartialResynchronization`, `readSyncBulkPayload`, then the master's command stream read
 * like any client's with processMultibulkBuffer). Sans-I/O: the caller opens the socket, calls
 * `connected()`, hands in every chunk with `input(bytes)`, and acts on the events.
 *
 *   replica → master   PING
 *   master  → replica  +PONG
 *   replica → master   REPLCONF listening-port <port> ; REPLCONF capa eof capa psync2   (one write)
 *   master  → replica  +OK ; +OK
 *   replica → master   PSYNC <replid> <offset+1>        (or PSYNC ? -1 with no cached master)
 *   master  → replica  +FULLRESYNC <replid> <offset>   then $<len>\r\n<rdb>  or  $EOF:<mark>\r\n<rdb><mark>
 *                      +CONTINUE [<replid>]             then the stream from the asked offset
 *   master  → replica  *2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET… (the stream, RESP arrays)
 *   replica → master   REPLCONF ACK <offset>            (once a second, and on REPLCONF GETACK *)
 */
import { concatBytes } from '@protolab/redis-common';
import { encodeCommand, RespRequestParser } from '@protolab/resp';
import { ReplicationError } from '../errors.js';
import { ByteBuffer, indexOf } from './bytes.js';

/** CONFIG_RUN_ID_SIZE: replication ids and the diskless EOF mark are 40 characters. */
export const CONFIG_RUN_ID_SIZE = 40;
/** The longest handshake or bulk-header line we wait for (PROTO_INLINE_MAX_SIZE). */
export const MAX_LINE_BYTES = 64 * 1024;

export type ReplicaLinkState =
  | 'REPL_STATE_CONNECTING'
  | 'REPL_STATE_RECEIVE_PING_REPLY'
  | 'REPL_STATE_RECEIVE_AUTH_REPLY'
  | 'REPL_STATE_RECEIVE_PORT_REPLY'
  | 'REPL_STATE_RECEIVE_CAPA_REPLY'
  | 'REPL_STATE_RECEIVE_PSYNC_REPLY'
  | 'REPL_STATE_TRANSFER'
  | 'REPL_STATE_CONNECTED'
  | 'REPL_STATE_FAILED';

export type ReplicaLinkEvent =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'fullresync'; readonly replid: string; readonly offset: number }
  | { readonly type: 'continue'; readonly replid: string | undefined }
  /** The whole RDB payload (without its `$` header or EOF mark). */
  | { readonly type: 'rdb'; readonly payload: Uint8Array; readonly form: 'disk' | 'diskless' }
  /** One command of the stream; `len` bytes of the stream (what it adds to the offset). */
  | { readonly type: 'command'; readonly argv: Uint8Array[]; readonly raw: Uint8Array; readonly len: number }
  /** The link is unusable (protocol error, -ERR to PSYNC…): close it and retry later. */
  | { readonly type: 'error'; readonly text: string };

export interface ReplicaLinkOptions {
  /** replica-announce-port / the port we listen on (REPLCONF listening-port). */
  readonly listeningPort: number;
  /** The cached master (replid, master_repl_offset) for a partial resync, or undefined for PSYNC ? -1. */
  readonly cached: { readonly replid: string; readonly offset: number } | undefined;
  /** The largest RDB payload accepted (bounded memory). Default 1 GiB. */
  readonly maxRdbBytes?: number;
  /** masterauth (and masteruser): `AUTH [user] pass` goes first in the handshake. */
  readonly auth?: { readonly user: string | undefined; readonly pass: string };
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export class ReplicaLink {
  state: ReplicaLinkState = 'REPL_STATE_CONNECTING';
  /** The replica's view of the master's offset (server.master->reploff). */
  offset: number;
  private readonly buf = new ByteBuffer();
  private rdb: { form: 'disk'; want: number; got: ByteBuffer } | { form: 'diskless'; mark: Uint8Array; got: ByteBuffer } | undefined;
  private stream: RespRequestParser | undefined;
  private readonly maxRdbBytes: number;

  constructor(private readonly opts: ReplicaLinkOptions) {
    this.offset = opts.cached?.offset ?? -1;
    this.maxRdbBytes = opts.maxRdbBytes ?? 1024 * 1024 * 1024;
  }

  /** The TCP connection is up: send PING (REPL_STATE_CONNECTING → RECEIVE_PING_REPLY). */
  connected(): ReplicaLinkEvent[] {
    if (this.state !== 'REPL_STATE_CONNECTING') throw new ReplicationError('BAD_STATE', `connected() in ${this.state}`);
    this.state = 'REPL_STATE_RECEIVE_PING_REPLY';
    return [{ type: 'send', bytes: encodeCommand(['PING']) }];
  }

  /** REPLCONF ACK <offset> (replicationSendAck). */
  ack(): Uint8Array {
    return encodeCommand(['REPLCONF', 'ACK', String(this.offset)]);
  }

  input(chunk: Uint8Array): ReplicaLinkEvent[] {
    const out: ReplicaLinkEvent[] = [];
    if (this.state === 'REPL_STATE_FAILED') return out;
    if (this.state === 'REPL_STATE_CONNECTED') {
      this.readStream(chunk, out);
      return out;
    }
    this.buf.push(chunk);
    // Each step consumes what it can; a step that needs more bytes returns false.
    for (let guard = 0; guard < 1_000_000 && !this.is('REPL_STATE_FAILED'); guard++) {
      if (this.is('REPL_STATE_CONNECTED')) {
        const rest = this.buf.take(this.buf.length);
        if (rest.length > 0) this.readStream(rest, out);
        break;
      }
      if (!this.step(out)) break;
    }
    return out;
  }

  /** The state now (a method: steps change it, which flow analysis cannot see). */
  private is(s: ReplicaLinkState): boolean {
    return this.state === s;
  }

  private fail(out: ReplicaLinkEvent[], why: string): false {
    this.state = 'REPL_STATE_FAILED';
    out.push({ type: 'error', text: why });
    return false;
  }

  /** One handshake line, without its CRLF; undefined until it has arrived. */
  private line(out: ReplicaLinkEvent[]): string | undefined {
    const nl = indexOf(this.buf.view(), 10, 0);
    if (nl < 0) {
      if (this.buf.length > MAX_LINE_BYTES) this.fail(out, `expected a line of at most ${MAX_LINE_BYTES} bytes from the master, found ${this.buf.length} without a newline`);
      return undefined;
    }
    const raw = this.buf.take(nl + 1);
    const end = raw.length >= 2 && raw[raw.length - 2] === 13 ? raw.length - 2 : raw.length - 1;
    return text(raw.subarray(0, end));
  }

  private step(out: ReplicaLinkEvent[]): boolean {
    if (this.state === 'REPL_STATE_TRANSFER') return this.readSyncBulkPayload(out);
    const l = this.line(out);
    if (l === undefined) return false;
    switch (this.state) {
      case 'REPL_STATE_RECEIVE_PING_REPLY':
        // -NOAUTH / -NOPERM / -ERR operation not permitted are accepted here (AUTH would follow).
        if (l.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(l)) return this.fail(out, `Error reply to PING from master: '${l}'`);
        return this.sendHandshake(out);
      case 'REPL_STATE_RECEIVE_AUTH_REPLY':
        if (l.startsWith('-')) return this.fail(out, `Unable to AUTH to MASTER: ${l.slice(1)}`);
        this.state = 'REPL_STATE_RECEIVE_PORT_REPLY';
        return true;
      case 'REPL_STATE_RECEIVE_PORT_REPLY':
        // "(Non critical) Master does not understand REPLCONF listening-port": go on either way.
        this.state = 'REPL_STATE_RECEIVE_CAPA_REPLY';
        return true;
      case 'REPL_STATE_RECEIVE_CAPA_REPLY': {
        this.state = 'REPL_STATE_RECEIVE_PSYNC_REPLY';
        const c = this.opts.cached;
        out.push({ type: 'send', bytes: encodeCommand(c === undefined ? ['PSYNC', '?', '-1'] : ['PSYNC', c.replid, String(c.offset + 1)]) });
        return true;
      }
      case 'REPL_STATE_RECEIVE_PSYNC_REPLY':
        return this.psyncReply(l, out);
      default:
        return this.fail(out, `unexpected line '${l}' in ${this.state}`);
    }
  }

  /** syncWithMaster REPL_STATE_SEND_HANDSHAKE: AUTH (with masterauth), REPLCONF listening-port, REPLCONF capa, pipelined. */
  private sendHandshake(out: ReplicaLinkEvent[]): true {
    const a = this.opts.auth;
    const auth = a === undefined ? [] : [encodeCommand(a.user === undefined ? ['AUTH', a.pass] : ['AUTH', a.user, a.pass])];
    this.state = a === undefined ? 'REPL_STATE_RECEIVE_PORT_REPLY' : 'REPL_STATE_RECEIVE_AUTH_REPLY';
    out.push({ type: 'send', bytes: concatBytes([...auth, encodeCommand(['REPLCONF', 'listening-port', String(this.opts.listeningPort)]), encodeCommand(['REPLCONF', 'capa', 'eof', 'capa', 'psync2'])]) });
    return true;
  }

  /** slaveTryPartialResynchronization, reading the reply. */
  private psyncReply(l: string, out: ReplicaLinkEvent[]): boolean {
    if (l === '') return true; // "the master may send empty newlines … to keep the connection alive"
    const full = /^\+FULLRESYNC ([0-9a-zA-Z]{40}) (\d+)$/.exec(l);
    if (full !== null) {
      const [, replid = '', off = ''] = full;
      this.offset = Number(off);
      this.state = 'REPL_STATE_TRANSFER';
      out.push({ type: 'fullresync', replid, offset: this.offset });
      return true;
    }
    const cont = /^\+CONTINUE(?: ([0-9a-zA-Z]{40}))?$/.exec(l);
    if (cont !== null) {
      if (this.opts.cached === undefined) return this.fail(out, `expected +FULLRESYNC after PSYNC ? -1, found '${l}'`);
      this.state = 'REPL_STATE_CONNECTED';
      out.push({ type: 'continue', replid: cont[1] });
      out.push({ type: 'send', bytes: this.ack() });
      return true;
    }
    return this.fail(out, `Unexpected reply to PSYNC from master: '${l}'`);
  }

  /** readSyncBulkPayload: the `$` header (newlines before it are keepalives), then the payload. */
  private readSyncBulkPayload(out: ReplicaLinkEvent[]): boolean {
    if (this.rdb === undefined) {
      const l = this.line(out);
      if (l === undefined) return false;
      if (l === '') return true;
      if (l.startsWith('-')) return this.fail(out, `MASTER aborted replication with an error: ${l.slice(1)}`);
      const eof = /^\$EOF:(.{40})$/.exec(l);
      const len = /^\$(\d{1,15})$/.exec(l);
      if (eof !== null) this.rdb = { form: 'diskless', mark: ascii(eof[1] ?? ''), got: new ByteBuffer() };
      else if (len !== null && Number(len[1]) <= this.maxRdbBytes) this.rdb = { form: 'disk', want: Number(len[1]), got: new ByteBuffer() };
      else return this.fail(out, `Bad protocol from MASTER, the first byte is not '$' (we received '${l.slice(0, 64)}'), are you sure the host and port are right?`);
      return true;
    }
    const r = this.rdb;
    if (r.form === 'disk') {
      r.got.push(this.buf.take(Math.min(this.buf.length, r.want - r.got.length)));
      if (r.got.length < r.want) return false;
      return this.loaded(r.got.take(r.got.length), 'disk', out);
    }
    const from = Math.max(0, r.got.length - CONFIG_RUN_ID_SIZE + 1);
    r.got.push(this.buf.take(this.buf.length));
    const at = indexOf(r.got.view(), r.mark, from);
    if (at < 0) {
      if (r.got.length > this.maxRdbBytes) return this.fail(out, `expected the EOF mark within ${this.maxRdbBytes} bytes of RDB`);
      return false;
    }
    const all = r.got.take(r.got.length);
    this.buf.push(all.subarray(at + CONFIG_RUN_ID_SIZE)); // the stream may follow the mark
    return this.loaded(all.slice(0, at), 'diskless', out);
  }

  private loaded(payload: Uint8Array, form: 'disk' | 'diskless', out: ReplicaLinkEvent[]): boolean {
    this.rdb = undefined;
    this.state = 'REPL_STATE_CONNECTED';
    out.push({ type: 'rdb', payload, form });
    // "Send the initial ACK immediately to put this replica in online state" (diskless masters wait for it).
    out.push({ type: 'send', bytes: this.ack() });
    return true;
  }

  /** The command stream: every command adds its bytes to the offset; GETACK answers with the offset before it. */
  private readStream(chunk: Uint8Array, out: ReplicaLinkEvent[]): void {
    this.stream ??= new RespRequestParser({ maxBulkLen: Number.MAX_SAFE_INTEGER });
    const r = this.stream.feed(chunk);
    for (const item of r.commands) {
      if (item.kind !== 'command') continue;
      const len = item.end - item.start;
      const name = text(item.argv[0] ?? new Uint8Array()).toLowerCase();
      if (name === 'replconf' && text(item.argv[1] ?? new Uint8Array()).toLowerCase() === 'getack') out.push({ type: 'send', bytes: this.ack() });
      this.offset += len;
      out.push({ type: 'command', argv: item.argv, raw: encodeCommand(item.argv), len });
    }
    if (r.error !== undefined) this.fail(out, `Protocol error from master: ${r.error.message}`);
  }
}

export { concatBytes };
