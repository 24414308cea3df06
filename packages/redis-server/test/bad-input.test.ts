import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

// networking.c processMultibulkBuffer texts (7.0): a bulk length above proto-max-bulk-len
// (512 MiB by default) is "invalid bulk length"; the client is closed after the reply.
describe('bad input (sans-I/O core)', () => {
  test('a 1 GB declared bulk is refused at its header with Redis\'s text, then the connection closes', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, '*2\r\n$3\r\nGET\r\n$1073741824\r\n')).toBe('-ERR Protocol error: invalid bulk length\r\n<close>');
    expect(h.srv.connectedClients).toBe(0);
  });

  test('10^5 pipelined commands in one read get 10^5 replies in order', () => {
    const h = harness();
    h.connect(1);
    const out = h.send(1, 'INCR n\r\n'.repeat(100_000));
    const lines = out.split('\r\n');
    expect(lines.length).toBe(100_001);
    expect(lines[0]).toBe(':1');
    expect(lines[99_999]).toBe(':100000');
  });

  test('10^4 connections opened and dropped leave no client, watch or subscription behind', () => {
    const h = harness();
    for (let i = 0; i < 10_000; i++) {
      h.connect(i);
      h.send(i, i % 2 === 0 ? 'WATCH k\r\n' : 'SUBSCRIBE ch\r\n');
      h.srv.close(i);
    }
    expect(h.srv.connectedClients).toBe(0);
    expect(h.srv.watchedKeys.empty).toBe(true);
    h.connect(1);
    expect(h.send(1, 'PUBSUB NUMSUB ch\r\n')).toBe('*2\r\n$2\r\nch\r\n:0\r\n');
  });
});
