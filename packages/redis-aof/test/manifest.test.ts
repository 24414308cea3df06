import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AofError, formatManifest, parseManifest, sdsCatRepr, sdsNeedsRepr, sdsSplitArgs, type AofManifest } from '../src/index.js';
import { aofErrorCode } from './helpers.js';

const code = aofErrorCode;

describe('aof.c getAofManifestAsString / aofLoadManifestFromFile', () => {
  it('Redis 7.0.15 writes "file <name> seq <n> type <t>\\n", base first (captured from a real server)', () => {
    const am: AofManifest = {
      base: { fileName: 'appendonly.aof.1.base.rdb', fileSeq: 1n, fileType: 'b' },
      history: [],
      incr: [{ fileName: 'appendonly.aof.1.incr.aof', fileSeq: 1n, fileType: 'i' }],
      currBaseFileSeq: 1n,
      currIncrFileSeq: 1n,
    };
    expect(formatManifest(am)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });

  it('aof.c comment example: base, then history, then incr, each in its order', () => {
    const text =
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type h\n' +
      'file appendonly.aof.3.incr.aof seq 3 type h\nfile appendonly.aof.4.incr.aof seq 4 type i\nfile appendonly.aof.5.incr.aof seq 5 type i\n';
    const am = parseManifest(text);
    expect(am.base?.fileName).toBe('appendonly.aof.2.base.rdb');
    expect(am.history.map((h) => h.fileSeq)).toEqual([1n, 2n, 3n]);
    expect(am.incr.map((h) => h.fileName)).toEqual(['appendonly.aof.4.incr.aof', 'appendonly.aof.5.incr.aof']);
    expect(am.currIncrFileSeq).toBe(5n);
    expect(formatManifest(am)).toBe(text);
  });

  it('sds.c sdsneedsrepr/sdscatrepr: a name with a space, a quote or a control byte is written quoted and escaped', () => {
    expect(sdsNeedsRepr('appendonly.aof.1.incr.aof')).toBe(false);
    expect(sdsCatRepr('my aof\n"x"\\\x01\xff')).toBe('"my aof\\n\\"x\\"\\\\\\x01\\xff"');
    const am = parseManifest('file "my aof.1.incr.aof" seq 1 type i\n');
    expect(am.incr[0]?.fileName).toBe('my aof.1.incr.aof');
    expect(formatManifest(am)).toBe('file "my aof.1.incr.aof" seq 1 type i\n');
  });

  it('sds.c sdssplitargs: quotes, \\x escapes, single quotes, and a closing quote glued to text is an error', () => {
    expect(sdsSplitArgs('a "b c" \'d\\\'e\' "\\x41\\n"')).toEqual(['a', 'b c', "d'e", 'A\n']);
    expect(sdsSplitArgs('"abc"def')).toBeUndefined();
    expect(sdsSplitArgs('"unterminated')).toBeUndefined();
    expect(sdsSplitArgs('   ')).toEqual([]);
  });

  it('the reader accepts keys in any order, ignores unknown keys and # comments, and reads seq with atoll ("1x" is 1, as 7.0.15 does)', () => {
    const am = parseManifest('# comment\ntype b seq 1x file a.base.rdb extra 7\nfile a.1.incr.aof seq 1 type i\n');
    expect(am.base).toEqual({ fileName: 'a.base.rdb', fileSeq: 1n, fileType: 'b' });
    expect(am.incr).toHaveLength(1);
  });

  it('aofLoadManifestFromFile rejects what 7.0.15 rejects, each with its own error code', () => {
    expect(code(() => parseManifest(''))).toBe('MANIFEST_EMPTY');
    expect(code(() => parseManifest('file a seq 1 type b'))).toBe('MANIFEST_LINE_TOO_LONG'); // no final newline
    expect(code(() => parseManifest(`file ${'x'.repeat(1100)} seq 1 type b\n`))).toBe('MANIFEST_LINE_TOO_LONG');
    expect(code(() => parseManifest('\n'))).toBe('MANIFEST_FORMAT');
    expect(code(() => parseManifest('file a seq 1 type b foo\n'))).toBe('MANIFEST_FORMAT'); // odd word count
    expect(code(() => parseManifest('file a seq 1\n'))).toBe('MANIFEST_FORMAT'); // fewer than 6
    expect(code(() => parseManifest('file a seq x type b\n'))).toBe('MANIFEST_FORMAT'); // seq 0
    expect(code(() => parseManifest('file dir/a seq 1 type b\n'))).toBe('MANIFEST_PATH');
    expect(code(() => parseManifest('file a seq 1 type b\nfile b seq 2 type b\n'))).toBe('MANIFEST_DUPLICATE_BASE');
    expect(code(() => parseManifest('file a seq 2 type i\nfile b seq 2 type i\n'))).toBe('MANIFEST_NON_MONOTONIC');
    expect(code(() => parseManifest('file a seq 1 type x\n'))).toBe('MANIFEST_UNKNOWN_TYPE');
  });

  it("a Redis quirk, kept: sdsneedsrepr does not quote a single quote, so a name with ' is written bare and then unreadable (redis-check-aof 7.0.15: \"Invalid AOF manifest file format\")", () => {
    const am: AofManifest = { base: undefined, history: [], incr: [{ fileName: "a'b.aof", fileSeq: 1n, fileType: 'i' }], currBaseFileSeq: 0n, currIncrFileSeq: 1n };
    expect(formatManifest(am)).toBe("file a'b.aof seq 1 type i\n");
    expect(code(() => parseManifest(formatManifest(am)))).toBe('MANIFEST_FORMAT');
  });

  it("property: printing then parsing any manifest gives it back (names with any bytes but ' and NUL, quoted when needed)", () => {
    const name = fc
      .string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 })
      .filter((s) => !s.includes('/') && !s.includes('\\') && !s.includes("'") && s !== '.' && s !== '..');
    const info = (t: 'b' | 'h' | 'i') => fc.record({ fileName: name, fileSeq: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), fileType: fc.constant(t) });
    fc.assert(
      fc.property(fc.option(info('b'), { nil: undefined }), fc.array(info('h'), { maxLength: 3 }), fc.uniqueArray(fc.integer({ min: 1, max: 1e6 }), { maxLength: 4 }), name, (base, history, seqs, iname) => {
        const incr = [...seqs].sort((a, b) => a - b).map((s) => ({ fileName: `${iname}.${s}`, fileSeq: BigInt(s), fileType: 'i' as const }));
        if (base === undefined && history.length === 0 && incr.length === 0) return;
        const am: AofManifest = { base, history, incr, currBaseFileSeq: base?.fileSeq ?? 0n, currIncrFileSeq: incr.at(-1)?.fileSeq ?? 0n };
        const back = parseManifest(formatManifest(am));
        expect(back.base).toEqual(base);
        expect(back.history).toEqual(history);
        expect(back.incr).toEqual(incr);
      }),
    );
  });

  it('fuzz: any bytes give a manifest or a typed AofError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseManifest(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(AofError);
        }
      }),
    );
  });
});

describe('sdssplitargs (the one in @protolab/resp) on manifest lines', () => {
  it('stops at a NUL byte, as sds.c sdssplitargs does on the C string fgets filled', () => {
    expect(sdsSplitArgs('file a\u0000b seq 1')).toEqual(['file', 'a']);
    expect(sdsSplitArgs('file "x y" seq 1')).toEqual(['file', 'x y', 'seq', '1']);
    expect(sdsSplitArgs('file "x"y')).toBeUndefined();
  });
});
