/**
 * The hostile corpus (`test/corpus/<case>/`): AOF directories and manifests that once crashed,
 * hung or lost data somewhere, each with the answer written by hand in its `expect.json`
 * (`load`: 'ok' | 'truncated' | an AofError code; `keys` after loading; `checkExit` of check-aof).
 * Replayed on every run, on real files (FsDisk), over a fresh copy (loading may truncate).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Keyspace } from '@protolab/redis-keyspace';
import { afterAll, describe, expect, it } from 'vitest';
import { AofError, FsDisk, checkAof, loadAppendOnlyFiles } from '../src/index.js';

const corpus = path.join(path.dirname(new URL(import.meta.url).pathname), 'corpus');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-aof-corpus-'));
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

interface Expect {
  load: string;
  keys?: string[];
  checkExit: 0 | 1;
  why: string;
}

function copy(name: string): string {
  const to = path.join(tmp, `${name}-${Math.floor(performance.now() * 1000)}`);
  fs.cpSync(path.join(corpus, name), to, { recursive: true });
  return to;
}

describe('the hostile corpus: every case answers as written in its expect.json, with typed errors only', () => {
  const cases = fs.readdirSync(corpus).sort();
  it('has the cases of issues 13.5 and 13.6', () => {
    expect(cases).toEqual(expect.arrayContaining(['name-dotdot', 'name-dot', 'name-empty', 'seq-2p53']));
  });
  for (const name of cases) {
    const want = JSON.parse(fs.readFileSync(path.join(corpus, name, 'expect.json'), 'utf8')) as Expect;
    it(`${name}: ${want.why}`, () => {
      const dir = copy(name);
      const disk = new FsDisk(dir);
      const ks = new Keyspace({ now: () => 1_700_000_000_000 });
      let got: string;
      try {
        got = loadAppendOnlyFiles(disk, ks).status;
      } catch (e) {
        if (!(e instanceof AofError)) throw e;
        got = e.code;
      }
      expect(got).toBe(want.load);
      if (want.keys !== undefined) expect([...ks.entries()].map((e) => Buffer.from(e.key).toString('latin1')).sort()).toEqual(want.keys);
      disk.close();
      const fresh = new FsDisk(copy(name));
      expect(checkAof(fresh, 'appendonlydir/appendonly.aof.manifest').exitCode).toBe(want.checkExit);
      fresh.close();
    });
  }
});
