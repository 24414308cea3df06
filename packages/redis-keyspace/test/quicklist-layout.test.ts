// The quicklist node layouts redis-server 7.0.15 built for quicklist-layout-gen.ts's seeded runs
// (recorded by quicklist-layout.peer.test.ts with QL_RECORD=1 into
// test/transcripts/quicklist-layouts.txt), replayed on the keyspace without a server: after every
// command the node count, Σ node sizes and MEMORY USAGE … SAMPLES 0 must be the recorded ones.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { RUNS, formatLayouts, layoutRun } from './quicklist-layout-gen.js';

const recorded = new Map<string, string>();
for (const line of readFileSync(new URL('./transcripts/quicklist-layouts.txt', import.meta.url), 'latin1').split('\n')) {
  const m = /^(-?\d+) (-?\d+) (\d+): (.*)$/.exec(line);
  if (m !== null) recorded.set(`${m[1]} ${m[2]} ${m[3]}`, m[4] ?? '');
}

it('redis-server 7.0.15\'s quicklist layouts (ql_nodes, ql_uncompressed_size, MEMORY USAGE … SAMPLES 0) after every command of 118 seeded LINSERT / LSET / LREM / LTRIM / push / pop runs under 14 fills are the keyspace\'s', () => {
  expect(recorded.size).toBe(RUNS.length);
  for (const [seed, fill, steps] of RUNS) {
    const want = recorded.get(`${seed} ${fill ?? -2} ${steps}`);
    const got = formatLayouts([...layoutRun(seed, fill, steps)].map((s) => s.layout));
    expect(got.split(' '), `seed ${seed} fill ${fill ?? -2}`).toEqual(want?.split(' '));
  }
});
