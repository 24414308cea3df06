import { describe, it } from 'vitest';
import { findBinary } from './peers.js';

/** True when a missing peer binary must fail the run (CI sets PROTOLAB_REQUIRE_PEERS=1). */
export function peersRequired(): boolean {
  return process.env['PROTOLAB_REQUIRE_PEERS'] === '1';
}

/**
 * The path of a required peer binary. When it is missing: throws under PROTOLAB_REQUIRE_PEERS=1,
 * otherwise returns undefined (the caller skips).
 */
export function requirePeers(binary: string): string | undefined {
  const path = findBinary(binary);
  if (path === undefined && peersRequired()) {
    throw new Error(`peer binary '${binary}' is missing and PROTOLAB_REQUIRE_PEERS=1 (install it: see .ci/run)`);
  }
  return path;
}

/**
 * `describe` for tests against a real server. If `binary` is not installed the block is
 * reported as skipped with a message saying what to install — unless PROTOLAB_REQUIRE_PEERS=1,
 * where it fails instead (so CI cannot pass by skipping).
 */
export function describePeer(binary: string, title: string, fn: (binaryPath: string) => void): void {
  const path = findBinary(binary);
  if (path !== undefined) {
    describe(title, () => { fn(path); });
    return;
  }
  if (peersRequired()) {
    describe(title, () => {
      it(`needs the real '${binary}' binary`, () => {
        throw new Error(`'${binary}' is not installed and PROTOLAB_REQUIRE_PEERS=1 makes a missing peer a failure`);
      });
    });
    return;
  }
  describe.skipIf(true)(`${title} — SKIPPED: '${binary}' is not installed (apt-get install it, see .ci/run)`, () => {
    it('needs the real server', () => { /* never runs */ });
  });
}
