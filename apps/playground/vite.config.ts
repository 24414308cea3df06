import { defineConfig } from 'vite';

// The playground imports the protolab packages from their TypeScript sources (the
// "@protolab/source" export condition), so `npm run playground` never needs a package build and
// always shows the current code. `base: './'` makes the static build work from any path
// (GitHub Pages serves it under /<repo>/).
export default defineConfig({
  base: './',
  resolve: { conditions: ['@protolab/source', 'module', 'browser', 'development|production'] },
  build: { outDir: 'dist', target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
