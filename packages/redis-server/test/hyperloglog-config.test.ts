// hll-sparse-max-bytes (config.c createSizeTConfig, MEMORY_CONFIG, 0..LONG_MAX, default 3000):
// CONFIG GET / SET answer as redis-server 7.0.15 did (recorded), and the value reaches the
// keyspace's HyperLogLog code (hyperloglog.c hllSparseSet promotes past it).
import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

describe('CONFIG hll-sparse-max-bytes', () => {
  test('default 3000; a memory value (3kb → 3072); a negative value is not a memory value; PFADD promotes to dense past the new limit', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'CONFIG GET hll-sparse-max-bytes\r\n')).toBe('*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3000\r\n');
    expect(h.send(1, 'CONFIG SET hll-sparse-max-bytes 3kb\r\n')).toBe('+OK\r\n');
    expect(h.send(1, 'CONFIG GET hll-sparse-max-bytes\r\n')).toBe('*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3072\r\n');
    expect(h.send(1, 'CONFIG SET hll-sparse-max-bytes -1\r\n')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'hll-sparse-max-bytes') - argument must be a memory value\r\n",
    );
    expect(h.send(1, 'PFADD h a b c d e f g h i j k\r\nPFDEBUG ENCODING h\r\n')).toBe(':1\r\n+sparse\r\n');
    expect(h.send(1, 'CONFIG SET hll-sparse-max-bytes 30\r\nPFADD h new_element\r\nPFDEBUG ENCODING h\r\n')).toBe('+OK\r\n:1\r\n+dense\r\n');
  });
});
