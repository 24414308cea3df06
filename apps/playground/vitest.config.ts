import { defineProject } from 'vitest/config';

// Unit tests (test/*.test.ts) run in `npm test`; the Chromium tests (test/*.browser.test.ts) run
// under `npm run test:browser` (PROTOLAB_BROWSER=1), which .ci/run calls after installing Debian's
// chromium. Both import the packages from their sources.
const browser = process.env['PROTOLAB_BROWSER'] === '1';
// `npm run test:peers` (PROTOLAB_PEERS=1) has nothing here: the playground has no real-server peers.
const peers = process.env['PROTOLAB_PEERS'] === '1';

export default defineProject({
  ssr: { resolve: { conditions: ['@protolab/source', 'module', 'node', 'development|production'] } },
  test: {
    include: browser ? ['test/**/*.browser.test.ts'] : peers ? [] : ['test/**/*.test.ts'],
    exclude: browser ? [] : ['test/**/*.browser.test.ts'],
    setupFiles: ['../../packages/testkit/src/fc-setup.ts'],
    testTimeout: browser ? 180_000 : 60_000,
    hookTimeout: browser ? 180_000 : 60_000,
    fileParallelism: !browser,
  },
});
