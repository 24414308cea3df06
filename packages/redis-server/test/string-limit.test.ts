import { expect, test } from 'vitest';
import { STRING_MAX_BYTES } from '@protolab/redis-keyspace';
import { RedisServer } from '../src/index.js';

/**
 * A bulk argument longer than the keyspace's longest string (V8's String::kMaxLength, 24 bytes
 * under the 512 MB proto-max-bulk-len) is refused like one over proto-max-bulk-len, from its
 * header alone: before, `SET k <536 870 900 bytes>` threw out of `data()` and ended the process.
 */
test('a bulk header over the longest string is a protocol error that closes the connection, with nothing allocated; the header at the limit is accepted', () => {
  const srv = new RedisServer({ now: () => 0 });
  srv.connect(1);
  const over = srv.data(1, Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${STRING_MAX_BYTES + 1}\r\n`));
  expect(over.map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString() : o.type))).toEqual(['-ERR Protocol error: invalid bulk length\r\n', 'close']);
  srv.connect(2);
  expect(srv.data(2, Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${STRING_MAX_BYTES}\r\n`))).toEqual([]); // waits for the bytes
});
