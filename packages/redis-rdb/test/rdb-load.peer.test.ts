/**
 * The forged files of test/forge.ts against the real redis-check-rdb and redis-server 7.0.15
 * (npm run test:peers): every recorded Redis outcome — refusal message and offset, or the empty
 * key skipped with the other keys loaded — is re-checked on the installed binaries.
 */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePeer, startServer } from '@protolab/testkit';
import { RespClient } from '@protolab/resp';
import { FORGED, forgeFile } from './forge.js';

function checkRdb(file: string): string {
  const r = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

/** DBSIZE of a fresh redis-server that loaded `bytes` as its dump. */
async function serverKeys(bytes: Uint8Array): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-load-'));
  writeFileSync(join(dir, 'dump.rdb'), bytes);
  const srv = await startServer({
    name: 'redis-server',
    command: 'redis-server',
    dir,
    args: ({ port, dir: d }) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'],
  });
  try {
    const c = await RespClient.connect(srv.port);
    try {
      for (let i = 0; i < 200; i++) {
        const r = await c.call('DBSIZE');
        if (r.type === 'integer') return Number(r.value);
        await new Promise((res) => setTimeout(res, 20)); // -LOADING
      }
      throw new Error('redis-server never answered DBSIZE');
    } finally {
      await c.close();
    }
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describePeer('redis-check-rdb', 'rdbLoadObject refusals and empty-key skips, against redis-check-rdb / redis-server 7.0.15', () => {
  for (const [name, c] of FORGED) {
    it(`${name}: the recorded Redis outcome is what the installed Redis does`, async () => {
      const bytes = forgeFile(name);
      const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-check-'));
      try {
        const file = join(dir, `${name}.rdb`);
        writeFileSync(file, bytes);
        const out = checkRdb(file);
        if ('refused' in c.redis) {
          expect(out).toContain(`[offset ${c.redis.offset}] Internal error in RDB reading`);
          expect(out).toContain(c.redis.refused);
          if (c.redis.server === 'loads') expect(await serverKeys(bytes)).toBe(3);
        } else {
          expect(await serverKeys(bytes)).toBe(c.redis.keys);
          // redis-check-rdb treats rdbLoadObject's empty-key NULL as a read error
          if (c.redis.skipped) expect(out).toContain('Unexpected EOF reading RDB file');
          else expect(out).toContain('RDB looks OK!');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
