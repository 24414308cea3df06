import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peersRequired, requirePeers } from '@protolab/testkit';

describe('describePeer / requirePeers: a missing server skips, or fails when peers are required', () => {
  it('requirePeers returns the path of an installed binary', () => {
    expect(requirePeers('sh')).toMatch(/\/sh$/);
  });

  it('requirePeers returns undefined for a missing binary unless PROTOLAB_REQUIRE_PEERS=1', () => {
    const saved = process.env['PROTOLAB_REQUIRE_PEERS'];
    try {
      delete process.env['PROTOLAB_REQUIRE_PEERS'];
      expect(peersRequired()).toBe(false);
      expect(requirePeers('no-such-binary-protolab')).toBeUndefined();
      process.env['PROTOLAB_REQUIRE_PEERS'] = '1';
      expect(peersRequired()).toBe(true);
      expect(() => requirePeers('no-such-binary-protolab')).toThrow(/PROTOLAB_REQUIRE_PEERS=1/);
    } finally {
      if (saved === undefined) delete process.env['PROTOLAB_REQUIRE_PEERS'];
      else process.env['PROTOLAB_REQUIRE_PEERS'] = saved;
    }
  });

  it('a describePeer block for a missing binary is skipped normally and fails under PROTOLAB_REQUIRE_PEERS=1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'protolab-describepeer-'));
    try {
      const file = join(dir, 'missing.peer.test.ts');
      const src = join(import.meta.dirname, '..', 'src', 'describe-peer.ts');
      writeFileSync(file, `import { it } from 'vitest';\nimport { describePeer } from ${JSON.stringify(src)};\n` +
        `describePeer('no-such-binary-protolab', 'needs a server', () => { it('would talk to it', () => { throw new Error('must not run'); }); });\n`);
      const vitest = join(import.meta.dirname, '..', '..', '..', 'node_modules', 'vitest', 'vitest.mjs');
      const run = (env: Record<string, string>) => spawnSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter=json'], {
        encoding: 'utf8', env: { ...process.env, PROTOLAB_PEERS: '', PROTOLAB_REQUIRE_PEERS: '', ...env }, timeout: 60_000,
      });
      const skipped = run({});
      const r1 = JSON.parse(skipped.stdout.slice(skipped.stdout.indexOf('{'))) as { numFailedTests: number; numPendingTests: number };
      expect(r1.numFailedTests).toBe(0);
      expect(r1.numPendingTests).toBe(1);
      const required = run({ PROTOLAB_REQUIRE_PEERS: '1' });
      expect(required.status).not.toBe(0);
      const r2 = JSON.parse(required.stdout.slice(required.stdout.indexOf('{'))) as { numFailedTests: number };
      expect(r2.numFailedTests).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
