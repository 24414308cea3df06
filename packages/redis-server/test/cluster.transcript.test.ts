/**
 * Runner of test/transcripts/cluster-*.txt: a slot moved by hand between protolab nodes, one
 * command at a time, with every reply as redis-cli prints it. Commands:
 *   cluster                   three nodes n0 n1 n2 (127.0.0.1:30001-30003, ids 0101…, 0202…, 0303…),
 *                             slots split as redis-cli --cluster create splits them
 *   nK <command …>            the command on a fresh connection to node K
 *   nK asking <command …>     ASKING, then the command, on one connection to node K
 */
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { formatValue } from '@protolab/resp';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { testCluster, type TestCluster } from './cluster-harness.js';

function runner(): (cmd: TranscriptCommand) => string {
  let c: TestCluster | undefined;
  return (cmd) => {
    if (cmd.name === 'cluster') {
      c = testCluster(3);
      return c.nodes.map((n, i) => `n${i} ${n.id.slice(0, 8)}… 127.0.0.1:${n.port} slots ${n.state.rangesOf(n.id).map(([a, b]) => `${a}-${b}`).join(',')}`).join('\n');
    }
    const m = /^n(\d)$/.exec(cmd.name);
    if (c === undefined || m === null) throw new Error(`${cmd.line}: expected 'cluster' first, then nK <command>`);
    const conn = c.connect(Number(m[1]));
    const args = [...cmd.args];
    const out: string[] = [];
    if (args[0]?.toLowerCase() === 'asking') {
      out.push(`ASKING -> ${formatValue(conn('ASKING'))}`);
      args.shift();
    }
    // Node ids are written as n0 / n1 / n2 in the file, the empty string as "".
    const argv = args.map((a) => (/^n\d$/.test(a) ? (c?.nodes[Number(a.slice(1))]?.id ?? a) : a === '""' ? '' : a));
    const r = conn(...argv);
    // CLUSTER NODES is shown as its lines (redis-cli prints the bulk string raw).
    const text = r.type === 'bulk' && argv.join(' ').toUpperCase() === 'CLUSTER NODES' ? Buffer.from(r.value).toString().trimEnd() : formatValue(r);
    out.push(text.replaceAll(/([0-9a-f]{2})\1{19}/g, (id) => `n${String(Number.parseInt(id.slice(0, 2), 16) - 1)}`));
    return out.join('\n');
  };
}

describe('cluster mode, step by step', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/cluster-manual-migration.txt', import.meta.url)), runner);
});
