#!/usr/bin/env node
/**
 * protolab-keyslot KEY…: each key's hash slot (Redis 7.0 keyHashSlot) and hash tag, and with
 * --slots FILE the master that serves it, given CLUSTER SLOTS as redis-cli printed it. The I/O
 * edge of keyslot.ts: argv, the file, stdout/stderr and the exit code.
 *
 * Exit codes: 0 every key reported (and served, with --slots); 1 with --slots, some key's slot is
 * served by no range of the file; 2 usage error (no key, unknown option, unreadable or malformed
 * --slots file).
 */
import { readFileSync } from 'node:fs';
import { ClusterError } from '../errors.js';
import { formatKeyslotRows, keyslotRows, parseRedisCliClusterSlots } from '../keyslot.js';
import type { DiscoveredRange } from '../topology.js';

const HELP = `usage: protolab-keyslot [--json] [--slots FILE] [--] KEY...

Prints the Redis Cluster hash slot of each KEY (CRC16 of its UTF-8 bytes, or of its hash tag:
the bytes between the first '{' and the first '}' after it, when not empty), as
CLUSTER KEYSLOT of Redis 7.0 would.

  --slots FILE  CLUSTER SLOTS as redis-cli prints it, either form:
                  redis-cli -p 7000 --no-raw cluster slots > slots.txt   (numbered, nested)
                  redis-cli -p 7000 cluster slots > slots.txt            (raw, one value a line)
                and print the master (host:port id) that serves each key
  --json        one JSON array of { key, slot, tag, node } instead of the table
  -h, --help    this text

exit codes: 0 ok; 1 a key's slot is served by no node of --slots; 2 usage or input error

example:
  protolab-keyslot '{user1000}.following' foo
  key                     slot   tag
  "{user1000}.following"  3443   "user1000"
  "foo"                   12182  -
`;

interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): string;
}

/** Runs the CLI on `args`; returns the exit code. */
export function main(args: readonly string[], io: Io): number {
  let json = false;
  let slotsFile: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break; // the first key (a key starting with '-' needs '--')
    if (a === '-h' || a === '--help') { io.out(HELP); return 0; }
    if (a === '--json') json = true;
    else if (a === '--slots') {
      slotsFile = args[++i];
      if (slotsFile === undefined) { io.err('protolab-keyslot: --slots needs a FILE\n'); return 2; }
    } else { io.err(`protolab-keyslot: unknown option ${a}\n${HELP}`); return 2; }
  }
  const keys = args.slice(i);
  if (keys.length === 0) { io.err(`protolab-keyslot: no KEY given\n${HELP}`); return 2; }
  let ranges: DiscoveredRange[] | undefined;
  if (slotsFile !== undefined) {
    try {
      ranges = parseRedisCliClusterSlots(io.readFile(slotsFile));
    } catch (e) {
      const why = e instanceof ClusterError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      io.err(`protolab-keyslot: cannot use --slots ${slotsFile}: ${why}\n`);
      return 2;
    }
  }
  const rows = keyslotRows(keys, ranges);
  io.out(`${formatKeyslotRows(rows, json)}\n`);
  return rows.some((r) => r.node === null) ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2), {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  readFile: (p) => readFileSync(p, 'utf8'),
});
