// Golden transcripts of the list, set and sorted-set commands: the reply of each command and what
// it propagates. Every reply line was checked against redis-server 7.0.15
// (transcripts.peer.test.ts replays these files on it).
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript } from '@protolab/testkit';
import { keyspaceRunner } from './transcript-runner.js';

const file = (name: string): string => fileURLToPath(new URL(`./transcripts/${name}`, import.meta.url));

describe('t_list.c commands (test/transcripts/lists.txt)', () => {
  describeTranscript(file('lists.txt'), keyspaceRunner);
});

describe('t_set.c commands (test/transcripts/sets.txt)', () => {
  describeTranscript(file('sets.txt'), keyspaceRunner);
});

describe('t_zset.c commands (test/transcripts/zsets.txt)', () => {
  describeTranscript(file('zsets.txt'), keyspaceRunner);
});
