import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findBinary, freePort, startServer, waitForTcp } from '@protolab/testkit';

describe('testkit peers', () => {
  it('freePort returns a port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(); }); });
    });
  });

  it('findBinary finds sh and not a made-up name', () => {
    expect(findBinary('sh')).toMatch(/\/sh$/);
    expect(findBinary('no-such-binary-protolab')).toBeUndefined();
  });

  it('startServer starts a process, waits for its port, and stop() kills it and removes its dir', async () => {
    const node = process.execPath;
    const srv = await startServer({
      name: 'node-echo',
      command: node,
      args: ({ port }) => ['-e', `require('net').createServer(s=>s.end()).listen(${port},'127.0.0.1')`],
    });
    expect(existsSync(srv.dir)).toBe(true);
    await waitForTcp(srv.port, 1000);
    await srv.stop();
    expect(existsSync(srv.dir)).toBe(false);
    expect(() => process.kill(srv.pid, 0)).toThrow();
  });

  it('startServer reports a server that exits at once, with its output', async () => {
    await expect(startServer({ name: 'dies', command: process.execPath, args: () => ['-e', 'console.error("boom"); process.exit(3)'], timeoutMs: 3000 }))
      .rejects.toThrow(/dies did not start[\s\S]*boom/);
  });

  it('startServer refuses a missing binary with a clear message', async () => {
    await expect(startServer({ name: 'x', command: 'no-such-binary-protolab', args: () => [] })).rejects.toThrow(/not found/);
  });
});
