// The runner behind test/transcripts/*.txt: each command line is a Redis command (words split on
// spaces, `""` is the empty string); the output is the reply, then one `aof:` line per command the
// keyspace propagated (what Redis 7.0 writes to the AOF and sends to replicas). The same files are
// replayed on a real redis-server by transcripts.peer.test.ts, which compares the reply lines.
import type { RespValue } from '@protolab/resp';
import type { TranscriptCommand } from '@protolab/testkit';
import { Keyspace } from '../src/index.js';

/** A reply in one line: +OK, -ERR …, :3, "bulk", (nil), (nil-array), [a, b]. */
export function showReply(r: RespValue): string {
  switch (r.type) {
    case 'simple':
      return `+${r.value}`;
    case 'error':
      return `-${r.value}`;
    case 'integer':
      return `:${r.value}`;
    case 'bulk':
      return JSON.stringify(Buffer.from(r.value).toString('latin1'));
    case 'null':
      return r.resp2 === 'array' ? '(nil-array)' : '(nil)';
    case 'array':
      return `[${r.value.map(showReply).join(', ')}]`;
    default:
      return `?${r.type}`;
  }
}

export function argvOf(cmd: TranscriptCommand): string[] {
  return [cmd.name, ...cmd.args].map((a) => (a === '""' ? '' : a));
}

/** A keyspace on a fixed clock; prints the reply and the propagated commands. */
export function keyspaceRunner(): (cmd: TranscriptCommand) => string {
  const log: string[] = [];
  const ks = new Keyspace({
    now: () => 1_700_000_000_000,
    onPropagate: (_db, argv) => log.push(`aof: ${argv.map((a) => Buffer.from(a).toString('latin1')).join(' ')}`),
  });
  return (cmd) => {
    log.length = 0;
    const reply = showReply(ks.execute(argvOf(cmd)));
    return [reply, ...log].join('\n');
  };
}
