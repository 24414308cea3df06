/** Shared by the kill test and the soak script: one SIGKILL run. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Keyspace } from '@protolab/redis-keyspace';
import { FsDisk, loadAppendOnlyFiles, rdbCodec } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
// Run node itself with tsx's loader: SIGKILL must hit the process that writes (the tsx CLI would
// spawn it as a grandchild and survive-proof it from our kill).
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;

export interface KillRun {
  readonly acked: number;
  readonly missing: string[];
  readonly status: string;
}

/** Start the child, let it run `killAfterMs` after "ready", SIGKILL it, load the AOF, check the acks. */
export async function killRun(seed: number, killAfterMs: number): Promise<KillRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aof-kill-'));
  try {
    const acked: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--conditions=@protolab/source', '--import', tsxLoader, path.join(here, 'kill-child.ts'), dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let buf = '';
      let err = '';
      let timer: NodeJS.Timeout | undefined;
      child.stdout.setEncoding('latin1');
      child.stdout.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          else if (line.startsWith('ack ')) acked.push(line.slice(4));
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (_code, signal) => {
        if (timer !== undefined) clearTimeout(timer);
        if (signal === 'SIGKILL') resolve();
        else reject(new Error(`child exited without being killed: ${err}`));
      });
    });
    const ks = new Keyspace({ now: () => Date.now() });
    const report = loadAppendOnlyFiles(new FsDisk(dir), ks, { rdb: rdbCodec });
    const missing = acked.filter((id) => {
      const v = ks.execute(['GET', `k:${id}`]);
      return !(v.type === 'bulk' && Buffer.from(v.value).toString() === `v:${id}`);
    });
    return { acked: acked.length, missing, status: report.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
