import { defineConfig } from 'vitest/config';

// One vitest process for the whole repo, one project per package (each package's own
// vitest.config.ts says what it runs). `npm run test:peers` sets PROTOLAB_PEERS=1, which makes
// every project run its *.peer.test.ts files (tests against real servers) instead.
export default defineConfig({
  test: { projects: ['packages/*', 'apps/*'], passWithNoTests: true },
});
