import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, parseCommands, RespDecoder, RespProtocolError, RespRequestParser, splitArgs, type RequestItem } from '../src/index.js';
import { bytes, concat, cut, cutPoints, text } from './support.js';

const argvOf = (items: readonly RequestItem[]): string[][] => items.flatMap((c) => (c.kind === 'command' ? [c.argv.map(text)] : []));

function commandsOrError(input: string, options = {}): string[][] | string {
  const r = parseCommands(bytes(input), options);
  return r.error ? `${r.error.code}@${r.error.offset}: ${r.error.redisText}` : argvOf(r.commands);
}

const argvArb = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.uint8Array({ maxLength: 40 })), { minLength: 1, maxLength: 6 });

describe('RespRequestParser: commands as redis-server reads them (networking.c processInputBuffer)', () => {
  it('reads multibulk commands with the offsets where each starts and ends', () => {
    const r = parseCommands(bytes('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'));
    expect(r.commands).toEqual([
      { kind: 'command', argv: [bytes('PING')], start: 0, end: 14, inline: false },
      { kind: 'command', argv: [bytes('SET'), bytes('k'), bytes('v')], start: 14, end: 41, inline: false },
    ]);
    expect(r.validUpTo).toBe(41);
    expect(r.truncated).toBe(false);
  });

  it('a command cut anywhere is reported as truncated, valid up to the end of the last whole one (aof.c valid_up_to)', () => {
    const whole = encodeCommand(['SET', 'key', 'value']);
    const input = concat([encodeCommand(['PING']), whole]);
    for (let i = 15; i < input.length; i++) {
      const r = parseCommands(input.subarray(0, i));
      expect(argvOf(r.commands)).toEqual([['PING']]);
      expect(r).toMatchObject({ validUpTo: 14, truncated: true });
    }
  });

  it('skips *0 and negative counts without running anything (the server answers the next command)', () => {
    expect(commandsOrError('*0\r\n*-5\r\nPING\r\n')).toEqual([['PING']]);
  });

  it('skips the two bytes after a payload and after a header CR without looking at them, like the server', () => {
    // Checked against redis-server 7.0.15: both answer +PONG twice.
    expect(commandsOrError('*1\r\n$4\r\nPINGxxPING\r\n')).toEqual([['PING'], ['PING']]);
    expect(commandsOrError('*1\rX$4\rXPING\r\nPING\r\n')).toEqual([['PING'], ['PING']]);
    expect(commandsOrError('*1\r\n$4\r\nPINGxx', { strictCrlf: true })).toBe("EXPECTED_CRLF@12: Protocol error: expected CRLF after a 4-byte argument");
  });

  it('inline commands: words split like sdssplitargs, blank lines skipped, \\r\\n or \\n accepted', () => {
    expect(commandsOrError('  \r\n\r\nPING\nECHO  a   b\r\n')).toEqual([['PING'], ['ECHO', 'a', 'b']]);
    expect(commandsOrError('ECHO "a\\x41\\n"\r\n')).toEqual([['ECHO', 'aA\n']]);
    expect(commandsOrError("SET 'it\\'s' \"q\\\"\"\r\n")).toEqual([['SET', "it's", 'q"']]);
    expect(commandsOrError('ECHO a\x0bb\r\n')).toEqual([['ECHO', 'a\x0bb']]); // \v does not end a word
    expect(commandsOrError('ECHO \x0ba\r\n')).toEqual([['ECHO', 'a']]); // but is skipped between words
  });

  it('error texts are the server\'s own (networking.c), at the offset of the offending line', () => {
    expect(commandsOrError('*01\r\n')).toBe('INVALID_MULTIBULK_LENGTH@1: Protocol error: invalid multibulk length');
    expect(commandsOrError('*2147483648\r\n')).toBe('INVALID_MULTIBULK_LENGTH@1: Protocol error: invalid multibulk length');
    expect(commandsOrError('*1\r\n$-1\r\n')).toBe('INVALID_BULK_LENGTH@5: Protocol error: invalid bulk length');
    expect(commandsOrError('*1\r\n$536870913\r\n')).toBe('INVALID_BULK_LENGTH@5: Protocol error: invalid bulk length');
    expect(commandsOrError('*1\r\nX\r\n')).toBe("EXPECTED_DOLLAR@4: Protocol error: expected '$', got 'X'");
    expect(commandsOrError('*1\r\n\r\n')).toBe("EXPECTED_DOLLAR@4: Protocol error: expected '$', got ' '");
    expect(commandsOrError('PING "a"b\r\n')).toBe('UNBALANCED_QUOTES@0: Protocol error: unbalanced quotes in request');
    expect(commandsOrError('ECHO "abc\r\n')).toBe('UNBALANCED_QUOTES@0: Protocol error: unbalanced quotes in request');
    expect(commandsOrError('A'.repeat(65 * 1024))).toBe('TOO_BIG_INLINE@0: Protocol error: too big inline request');
    expect(commandsOrError(`*${'1'.repeat(65 * 1024)}`)).toBe('TOO_BIG_MBULK_COUNT@0: Protocol error: too big mbulk count string');
    expect(commandsOrError(`*1\r\n$${'1'.repeat(65 * 1024)}`)).toBe('TOO_BIG_BULK_COUNT@4: Protocol error: too big bulk count string');
  });

  it('commands before a protocol error are still returned (the server runs them before it replies -ERR)', () => {
    const r = parseCommands(bytes('PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n'));
    expect(argvOf(r.commands)).toEqual([['PING'], ['PING']]);
    expect(r.error).toMatchObject({ code: 'INVALID_MULTIBULK_LENGTH', offset: 21 });
    expect(r.validUpTo).toBe(20);
  });

  it('a NUL byte inside a line makes the server wait for more input (strchr stops at NUL)', () => {
    expect(parseCommands(bytes('PING a\x00b\r\nPING\r\n'))).toMatchObject({ commands: [], truncated: true });
    expect(parseCommands(bytes('*1\x00\r\n$4\r\nPING\r\n'))).toMatchObject({ commands: [], truncated: true });
    expect(commandsOrError(`PING\x00${'x'.repeat(65 * 1024)}\r\n`)).toBe('TOO_BIG_INLINE@0: Protocol error: too big inline request');
  });

  it('without inline commands (an AOF), any other first byte is an error; # lines are annotations when asked', () => {
    expect(commandsOrError('PING\r\n', { allowInline: false })).toBe("EXPECTED_MULTIBULK@0: Protocol error: expected '*', got 'P'");
    const r = parseCommands(bytes('#TS:1700000000\r\n*1\r\n$4\r\nPING\r\n'), { allowInline: false, annotations: true });
    expect(r.commands).toEqual([
      { kind: 'annotation', text: 'TS:1700000000', start: 0, end: 16 },
      { kind: 'command', argv: [bytes('PING')], start: 16, end: 30, inline: false },
    ]);
  });

  it('any split of a command stream gives the same commands and offsets', () => {
    fc.assert(
      fc.property(
        fc.array(argvArb, { minLength: 1, maxLength: 5 }).chain((cmds) => {
          const input = concat(cmds.map((c) => encodeCommand(c)));
          return fc.tuple(fc.constant(cmds), fc.constant(input), cutPoints(input.length));
        }),
        ([cmds, input, points]) => {
          const p = new RespRequestParser();
          const got: RequestItem[] = [];
          for (const c of cut(input, points)) got.push(...p.push(c));
          p.end();
          expect(argvOf(got)).toEqual(cmds.map((c) => c.map((a) => (typeof a === 'string' ? text(new TextEncoder().encode(a)) : text(a)))));
          expect(got.map((c) => c.end)).toEqual(parseCommands(input).commands.map((c) => c.end));
          expect(p.offset).toBe(input.length);
        },
      ),
    );
  });

  it('every single split point of a mixed stream (inline, quotes, lenient CRLF, *0, #) gives the same items', () => {
    const input = bytes('SET k "a b\\x41"\r\n*0\r\n*1\r\n$4\r\nPINGxx\n\r\n*2\r\n$4\r\nECHO\r\n$3\r\n\r\n\x00\r\n  ECHO \'q\\\'\'\n');
    const whole = JSON.stringify(parseCommands(input).commands.map((c) => (c.kind === 'command' ? [c.argv.map(text), c.start, c.end] : c.text)));
    expect(JSON.parse(whole)).toEqual([
      [['SET', 'k', 'a bA'], 0, 17],
      [['PING'], 21, 35], // *0 at 17..21 runs nothing; "xx" skipped unread
      [['ECHO', '\r\n\x00'], 38, 61], // the blank lines "\n" and "\r\n" at 35..38 run nothing
      [['ECHO', "q'"], 61, 74],
    ]);
    for (let i = 0; i <= input.length; i++) {
      const p = new RespRequestParser();
      const got = [...p.push(input.subarray(0, i)), ...p.push(input.subarray(i))];
      expect(JSON.stringify(got.map((c) => (c.kind === 'command' ? [c.argv.map(text), c.start, c.end] : c.text)))).toBe(whole);
    }
  });

  it('request mode of RespDecoder returns each command as an array of bulk strings', () => {
    const d = new RespDecoder({ mode: 'request' });
    expect(d.push(bytes('SET a b\r\n*1\r\n$4\r\nPI'))).toEqual([{ type: 'array', value: [{ type: 'bulk', value: bytes('SET') }, { type: 'bulk', value: bytes('a') }, { type: 'bulk', value: bytes('b') }] }]);
    expect(d.midValue).toBe(true);
    expect(d.push(bytes('NG\r\n'))).toEqual([{ type: 'array', value: [{ type: 'bulk', value: bytes('PING') }] }]);
    expect(() => d.push(bytes('*x\r\n'))).toThrow(RespProtocolError);
  });
});

describe('splitArgs (sds.c sdssplitargs)', () => {
  const split = (s: string): string[] | undefined => splitArgs(bytes(s), 0, s.length)?.map(text);
  it.each<[string, string[] | undefined]>([
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['"a b"', ['a b']],
    ['"\\x4a\\x4"', ['Jx4']], // \x without two hex digits is an ordinary escape of 'x'
    ['"\\t\\b\\a\\r\\n\\\\\\""', ['\t\b\x07\r\n\\"']],
    ["'a\\nb'", ['a\\nb']],
    ['ab"cd"', ['abcd']],
    ['"ab"cd', undefined],
    ["'ab'cd", undefined],
    ['"ab', undefined],
    ["'ab", undefined],
    ['a\x00b c', ['a']],
    ['""', ['']],
  ])('%j → %j', (input, expected) => {
    expect(split(input)).toEqual(expected);
  });
});
