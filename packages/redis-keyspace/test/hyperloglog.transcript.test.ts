// Golden transcript of the HyperLogLog commands (hyperloglog.c, Redis 7.0): the reply of each
// command and what it propagates. Every reply line was checked against redis-server 7.0.15
// (transcripts.peer.test.ts replays the file on it).
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript } from '@protolab/testkit';
import { keyspaceRunner } from './transcript-runner.js';

describe('hyperloglog.c commands (test/transcripts/hyperloglog.txt)', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/hyperloglog.txt', import.meta.url)), keyspaceRunner);
});
