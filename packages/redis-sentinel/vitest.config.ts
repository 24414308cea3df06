import { defineProject } from 'vitest/config';

// Self-contained on purpose (no import from the root): tests run from src through the
// "@protolab/source" export condition. Peer tests (*.peer.test.ts) start real servers and
// run only under `npm run test:peers` (PROTOLAB_PEERS=1).
const peers = process.env['PROTOLAB_PEERS'] === '1';

export default defineProject({
  ssr: { resolve: { conditions: ['@protolab/source', 'module', 'node', 'development|production'] } },
  test: {
    include: peers ? ['test/**/*.peer.test.ts'] : ['test/**/*.test.ts'],
    exclude: peers ? [] : ['test/**/*.peer.test.ts'],
    setupFiles: ['../testkit/src/fc-setup.ts'],
    testTimeout: peers ? 180_000 : 60_000,
    hookTimeout: peers ? 180_000 : 60_000,
  },
});
