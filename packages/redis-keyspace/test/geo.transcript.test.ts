// Golden transcript of the geo commands (geo.c): the reply of each command and what it propagates.
// Every reply line was checked against redis-server 7.0.15 (transcripts.peer.test.ts replays the
// file on it).
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript } from '@protolab/testkit';
import { keyspaceRunner } from './transcript-runner.js';

describe('geo.c commands (test/transcripts/geo.txt)', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/geo.txt', import.meta.url)), keyspaceRunner);
});
