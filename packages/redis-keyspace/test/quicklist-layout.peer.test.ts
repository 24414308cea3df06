// The quicklist node layout (redis/redis src/quicklist.c 7.0, our src/quicklist.ts) against
// redis-server 7.0.15: the seeded random RPUSH / LPUSH / LINSERT / LSET / LREM / LTRIM / LPOP /
// RPOP runs of quicklist-layout-gen.ts. After every command the replies must be byte-identical and
// the list's layout the same: DEBUG OBJECT's ql_nodes and ql_uncompressed_size (Σ node->sz)
// against our node count and byte total, and MEMORY USAGE … SAMPLES 0 (Σ 40 + zmalloc_size(node
// listpack): each node's size class). With QL_RECORD=1 it rewrites what quicklist-layout.test.ts
// replays without a server (test/transcripts/quicklist-layouts.txt).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { encodeCommand } from '@protolab/resp';
import { RUNS, formatLayouts, layoutRun, type Layout } from './quicklist-layout-gen.js';
import { startRealServer, type RealServer } from './real-server.js';

let real: RealServer;
const raw = async (argv: string[]): Promise<string> => (await real.client.raw(encodeCommand(argv.map((a) => Buffer.from(a, 'latin1'))))).toString('latin1');

/** The real server's layout of `key`, undefined when the key is gone. */
async function realLayout(key: string): Promise<Layout | undefined> {
  const r = await real.call(['DEBUG', 'OBJECT', key]);
  if (r.type === 'error') return undefined;
  const s = r.type === 'simple' ? r.value : '';
  const nodes = /ql_nodes:(\d+)/.exec(s)?.[1];
  const bytes = /ql_uncompressed_size:(\d+)/.exec(s)?.[1];
  const mu = await real.call(['MEMORY', 'USAGE', key, 'SAMPLES', '0']);
  if (nodes === undefined || bytes === undefined || mu.type !== 'integer') throw new Error(`DEBUG OBJECT ${key}: ${s}`);
  return { nodes: Number(nodes), bytes: Number(bytes), memory: Number(mu.value) };
}

describePeer('redis-server', 'quicklist node layout: keyspace vs redis-server 7.0.15', () => {
  beforeAll(async () => {
    real = await startRealServer();
  });
  afterAll(async () => {
    await real.stop();
  });

  it('40 seeded runs of 60 commands at list-max-listpack-size -2 (the default) and 6 of 50 at each other fill (-1, -3, -4, -5, clamped -7 and 40000, 0, 1, 2, 3, 5, 16, 128) give the same replies, node count, Σ node sizes and MEMORY USAGE … SAMPLES 0 after every command', async () => {
    const counts = { commands: 0, layouts: 0, multiNode: 0, maxNodes: 0 };
    const lines: string[] = [];
    for (const [seed, fill, steps] of RUNS) {
      expect(await raw(['CONFIG', 'SET', 'list-max-listpack-size', String(fill ?? -2)])).toBe('+OK\r\n');
      const recorded: (Layout | undefined)[] = [];
      let n = 0;
      for (const step of layoutRun(seed, fill, steps)) {
        const at = `seed ${seed} fill ${fill ?? -2} step ${n++} (${step.argv.slice(0, 3).map((a) => a.slice(0, 12)).join(' ')})`;
        const want = await raw(step.argv);
        expect(step.reply, at).toBe(want);
        const layout = await realLayout(step.argv[1] ?? '');
        expect(step.layout, at).toEqual(layout);
        recorded.push(layout);
        counts.commands++;
        if (layout === undefined) continue;
        counts.layouts++;
        if (layout.nodes > 1) counts.multiNode++;
        counts.maxNodes = Math.max(counts.maxNodes, layout.nodes);
      }
      lines.push(`${seed} ${fill ?? -2} ${steps}: ${formatLayouts(recorded)}`);
    }
    await raw(['CONFIG', 'SET', 'list-max-listpack-size', '-2']);
    console.log(`quicklist layout peer: ${counts.commands} commands, ${counts.layouts} layouts compared (${counts.multiNode} with several nodes, at most ${counts.maxNodes}), all equal`);
    expect(counts.multiNode).toBeGreaterThan(3000);
    if (process.env['QL_RECORD'] === '1') {
      writeFileSync(new URL('./transcripts/quicklist-layouts.txt', import.meta.url), `# seed fill steps: nodes,Σ node sizes,MEMORY USAGE SAMPLES 0 after each command of quicklist-layout-gen.ts's run (- : key gone), recorded from redis-server 7.0.15\n${lines.join('\n')}\n`);
    }
  });
});
