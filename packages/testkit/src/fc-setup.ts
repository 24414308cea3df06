// Loaded by every package's vitest config (setupFiles). Makes any failing property replayable
// from the shell: fast-check prints `{ seed: S, path: "P" }` on failure; run again with
//   FC_SEED=S FC_PATH=P npx vitest run <file>
// FC_NUM_RUNS=N multiplies nothing: it sets the default number of runs for properties that do
// not set their own.
import fc from 'fast-check';

const seed = process.env['FC_SEED'];
const path = process.env['FC_PATH'];
const numRuns = process.env['FC_NUM_RUNS'];

fc.configureGlobal({
  ...(seed !== undefined ? { seed: Number(seed) } : {}),
  ...(path !== undefined ? { path } : {}),
  ...(numRuns !== undefined ? { numRuns: Number(numRuns) } : {}),
});
