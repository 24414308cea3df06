// A minimal ZooKeeper client for the peer tests: ConnectRequest, create, closeSession, framed
// with 4-byte lengths and encoded in jute (zookeeper-jute/src/main/resources/zookeeper.jute).
// Enough to make a real ensemble log transactions; not a general client.
import { createConnection, type Socket } from 'node:net';

const OPEN_ACL_UNSAFE_PERMS = 31; // ZooDefs.Perms.ALL
const OP_CREATE = 1;
const OP_CLOSE_SESSION = -11;

class JuteWriter {
  private parts: Buffer[] = [];
  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  long(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  bool(v: boolean): this {
    this.parts.push(Buffer.from([v ? 1 : 0]));
    return this;
  }
  buffer(v: Buffer): this {
    this.int(v.length);
    this.parts.push(v);
    return this;
  }
  string(v: string): this {
    return this.buffer(Buffer.from(v, 'utf8'));
  }
  frame(): Buffer {
    const body = Buffer.concat(this.parts);
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length);
    return Buffer.concat([len, body]);
  }
}

export class MiniZkClient {
  private buf = Buffer.alloc(0);
  private waiters: ((frame: Buffer) => void)[] = [];
  private xid = 1;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4) {
        const len = this.buf.readInt32BE(0);
        if (this.buf.length < 4 + len) break;
        const frame = this.buf.subarray(4, 4 + len);
        this.buf = this.buf.subarray(4 + len);
        this.waiters.shift()?.(Buffer.from(frame));
      }
    });
  }

  private next(timeoutMs = 10_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { reject(new Error('ZooKeeper did not answer in time')); }, timeoutMs);
      this.waiters.push((f) => { clearTimeout(t); resolve(f); });
    });
  }

  static async connect(port: number): Promise<MiniZkClient> {
    const sock = createConnection({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
    const c = new MiniZkClient(sock);
    const answer = c.next();
    sock.write(new JuteWriter().int(0).long(0n).int(30_000).long(0n).buffer(Buffer.alloc(16)).bool(false).frame());
    const r = await answer;
    if (r.length < 16 || r.readInt32BE(4) <= 0) throw new Error('ZooKeeper refused the session (not serving yet?)');
    return c;
  }

  /** Creates a persistent znode; returns the zxid of the transaction. */
  async create(path: string, data: string): Promise<bigint> {
    const xid = this.xid++;
    const answer = this.next();
    this.sock.write(
      new JuteWriter().int(xid).int(OP_CREATE).string(path).buffer(Buffer.from(data)).int(1).int(OPEN_ACL_UNSAFE_PERMS).string('world').string('anyone').int(0).frame(),
    );
    const r = await answer;
    const err = r.readInt32BE(12);
    if (err !== 0) throw new Error(`create ${path} failed with error ${err}`);
    return r.readBigInt64BE(4);
  }

  async close(): Promise<void> {
    const answer = this.next(5000).catch(() => Buffer.alloc(0));
    this.sock.write(new JuteWriter().int(this.xid++).int(OP_CLOSE_SESSION).frame());
    await answer;
    this.sock.destroy();
  }
}

/** The `srvr` four-letter word: mode and zxid of one server. */
export async function srvr(port: number): Promise<{ mode: string; zxid: bigint } | undefined> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    let out = '';
    s.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    s.on('error', () => { resolve(undefined); });
    s.on('close', () => {
      const mode = /Mode: (\w+)/.exec(out)?.[1];
      const zxid = /Zxid: (0x[0-9a-f]+)/.exec(out)?.[1];
      resolve(mode !== undefined && zxid !== undefined ? { mode, zxid: BigInt(zxid) } : undefined);
    });
    s.on('connect', () => { s.write('srvr'); });
    setTimeout(() => { s.destroy(); }, 3000).unref();
  });
}
