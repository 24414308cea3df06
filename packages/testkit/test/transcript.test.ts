import { describe, expect, it } from 'vitest';
import { executeTranscript, parseTranscript, renderTranscript, TranscriptFormatError } from '@protolab/testkit';

const sample = `# a counter
add 2
----
2

# the double separator keeps blank lines
echo a  b
----
----
a

b
----

boom
----
error: Error: no
`;

describe('golden transcripts: the datadriven format', () => {
  it('parses commands, arguments, comments and both output forms', () => {
    const { blocks } = parseTranscript(sample);
    expect(blocks.map((b) => b.command.name)).toEqual(['add', 'echo', 'boom']);
    expect(blocks[0]?.comments).toEqual(['# a counter']);
    expect(blocks[1]?.command.args).toEqual(['a', 'b']);
    expect(blocks[1]?.expected).toBe('a\n\nb');
    expect(blocks[2]?.command.lineNo).toBe(15);
  });

  it('rendering the parsed blocks gives back the same text', () => {
    const { blocks, trailing } = parseTranscript(sample);
    expect(renderTranscript(blocks, trailing)).toBe(sample);
  });

  it('runs each command and reports thrown errors as output lines', () => {
    let total = 0;
    const { actual } = executeTranscript(sample, (cmd) => {
      if (cmd.name === 'add') { total += Number(cmd.args[0]); return String(total); }
      if (cmd.name === 'echo') return cmd.args.join('\n\n');
      throw new Error('no');
    });
    expect(actual.map((b) => b.expected)).toEqual(['2', 'a\n\nb', 'error: Error: no']);
  });

  it('a command without a separator line is a typed format error naming the line', () => {
    expect(() => parseTranscript('start 1\nnot a separator\n', 'x.txt')).toThrow(TranscriptFormatError);
    expect(() => parseTranscript('start 1\nnot a separator\n', 'x.txt')).toThrow(/x\.txt:2/);
  });
});
