// Golden transcripts: every file in test/transcripts/ is a script of commands with the output
// expected from each (see transcript-runner.ts for the commands). Rewrite them after a change
// with PROTOLAB_UPDATE_TRANSCRIPTS=1 and review the diff.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { describeTranscript } from '@protolab/testkit';
import { makeZkRunner } from './transcript-runner.js';

const dir = join(import.meta.dirname, 'transcripts');

describe('golden transcripts (test/transcripts/*.txt)', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) describeTranscript(join(dir, file), makeZkRunner);
});
