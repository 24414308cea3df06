/**
 * The protolab-redis process as a replica of a real redis-server 7.0.15, started as redis-server
 * is (`--replicaof <host> <port>`), with persistence: after the full resync its files hold the
 * master's dataset (replication.c readSyncBulkPayload: the transferred RDB becomes dbfilename;
 * restartAOFAfterSYNC: the AOF restarts from the new dataset), so a restart finds it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import { startCli, type Cli } from './killtest.js';
import { cmd, eventually, info, pipeline, SEED, snapshot } from './replication-harness.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-redis-replica-'));
  dirs.push(d);
  return d;
};
let real: PeerServer | undefined;
let cli: Cli | undefined;
afterEach(async () => {
  if (cli !== undefined && cli.child.exitCode === null) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
  await real?.stop();
  cli = undefined;
  real = undefined;
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const realMaster = (): Promise<PeerServer> =>
  startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--repl-diskless-sync', 'no'],
  });

describePeer('redis-server', 'protolab-redis --replicaof: the CLI process as a replica of a real redis-server 7.0.15', () => {
  for (const appendonly of ['yes', 'no']) {
    test(`--replicaof with appendonly ${appendonly}: full resync, the stream, READONLY; after SIGTERM a restart (no longer a replica) loads the master's dataset from its own files`, async () => {
      const m = (real = await realMaster());
      await pipeline(m.port, SEED);
      const dir = tmp();
      const a = (cli = await startCli(['--dir', dir, '--appendonly', appendonly, '--save', '', '--replicaof', '127.0.0.1', String(m.port), '--repl-backlog-size', '64kb']));
      await eventually('the replica has loaded the RDB', async () => (await cmd(a.port, 'DBSIZE')) === 206);
      const atSync = await snapshot(m.port);
      await pipeline(m.port, [['SET', 'after', '1'], ['SELECT', '3'], ['SET', 'in3', 'three']]);
      await eventually('the stream is applied', async () => (await pipeline(a.port, [['SELECT', '3'], ['GET', 'in3']]))[1] === 'three');
      expect(await cmd(a.port, 'SET', 'x', '1')).toBe("-READONLY You can't write against a read only replica.");
      const ri = await info(a.port, 'replication');
      expect(ri.get('role')).toBe('slave');
      expect(ri.get('master_link_status')).toBe('up');
      const want = await snapshot(m.port);
      expect(await snapshot(a.port)).toEqual(want);
      a.child.kill('SIGTERM');
      expect((await a.exited).code).toBe(0);
      // appendonly yes: the AOF restarted from the synced dataset and logged the stream since;
      // no (and no save points): dump.rdb is the RDB the master sent, without the later writes.
      const b = (cli = await startCli(['--dir', dir, '--appendonly', appendonly, '--save', '']));
      expect(await snapshot(b.port)).toEqual(appendonly === 'yes' ? want : atSync);
      expect(want).not.toEqual(atSync);
      expect((await info(b.port, 'replication')).get('role')).toBe('master');
    });
  }

  test('bad replication directives end the process with the reason, as redis-server refuses its config', async () => {
    await expect(startCli(['--replicaof', '127.0.0.1'])).rejects.toThrow(/replicaof 127\.0\.0\.1': wrong number of arguments/);
    await expect(startCli(['--repl-backlog-size', 'lots'])).rejects.toThrow(/argument must be a memory value/);
    await expect(startCli(['--repl-diskless-sync', 'maybe'])).rejects.toThrow(/argument must be 'yes' or 'no'/);
  });
});
