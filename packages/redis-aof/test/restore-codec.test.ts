import { describe, expect, it } from 'vitest';
import { Keyspace } from '@protolab/redis-keyspace';
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import { AofError, loadAppendOnlyFiles } from '../src/index.js';
import { MapDisk } from './helpers.js';

const D = 'appendonlydir/';
const NOW = (): number => 1_700_000_000_000;

/** RESP multibulk of byte arguments (a DUMP payload is binary). */
function command(...args: (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A directory whose INCR file restores `k` from a real DUMP payload and then sets `after`. */
function dirWithRestore(): MapDisk {
  const source = new Keyspace({ now: NOW, payloadCodec: rdbPayloadCodec });
  source.execute(['RPUSH', 'k', 'a', 'b', 'c']);
  const dump = source.execute(['DUMP', 'k']);
  if (dump.type !== 'bulk') throw new Error('DUMP gave no payload');
  const d = new MapDisk();
  d.put(D + 'appendonly.aof.manifest', 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  d.put(D + 'appendonly.aof.1.base.aof', '');
  d.put(D + 'appendonly.aof.1.incr.aof', Buffer.concat([command('SELECT', '0'), command('RESTORE', 'k', '0', dump.value), command('SET', 'after', '1')]));
  return d;
}

describe('aof.c loadSingleAppendOnlyFile: a RESTORE in the file', () => {
  it('loads into a keyspace with a payload codec: the key is back with its value', () => {
    const ks = new Keyspace({ now: NOW, payloadCodec: rdbPayloadCodec });
    expect(loadAppendOnlyFiles(dirWithRestore(), ks).status).toBe('ok');
    const r = ks.execute(['LRANGE', 'k', '0', '-1']);
    expect(r.type === 'array' ? r.value.map((v) => (v.type === 'bulk' ? Buffer.from(v.value).toString() : '?')) : r).toEqual(['a', 'b', 'c']);
    expect(ks.execute(['GET', 'after']).type).toBe('bulk');
  });

  it('without a payload codec the load stops with AOF_NO_PAYLOAD_CODEC at the RESTORE instead of losing the key', () => {
    const d = dirWithRestore();
    let e: unknown;
    try {
      loadAppendOnlyFiles(d, new Keyspace({ now: NOW }));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(AofError);
    expect((e as AofError).code).toBe('AOF_NO_PAYLOAD_CODEC');
    expect((e as AofError).file).toBe('appendonly.aof.1.incr.aof');
    expect((e as AofError).offset).toBe(command('SELECT', '0').length);
  });
});
