// Differential test against a real redis-server 7.0: ≥ 20 000 random commands over a small key
// space (so commands collide on keys and types), covering every command of the table with its
// options and deliberately malformed calls, compared reply for reply. Replies that are unordered
// in Redis (KEYS, SMEMBERS/HGETALL of hashtable encodings, …) are compared as multisets, TTLs
// within a tolerance, random replies (RANDOMKEY, HRANDFIELD, …) by shape; SCAN/HSCAN are run to
// completion on both sides and their element sets compared. At the end of every sequence both
// keyspaces are read back key by key (type, value, TTL, encoding). Prints commands and mismatches
// per command.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { encode, decodeReply } from '@protolab/resp';
import type { RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import { COMMANDS } from '../src/commands.js';
import { bytesOf, startRealServer, type RealServer } from './real-server.js';
import { GENERATORS, NONDETERMINISTIC, NOT_DIFFERENTIAL, compareKind } from './differential-gen.js';
import type { CompareKind } from './differential-gen.js';

const SEEDS = Number(process.env['DIFF_SEEDS'] ?? 220);
const PER_SEED = 100;
const text = (v: RespValue): string => Buffer.from(encode(v)).toString('latin1');

function items(v: RespValue): string[] {
  return v.type === 'array' ? v.value.map(text) : [text(v)];
}
function pairs(v: RespValue): string[] {
  const xs = items(v);
  const out: string[] = [];
  for (let i = 0; i < xs.length; i += 2) out.push(`${xs[i] ?? ''}=${xs[i + 1] ?? ''}`);
  return out;
}

/** Do two replies agree under `kind`? (undefined = yes, else a reason) */
function agree(kind: CompareKind, ours: RespValue, real: RespValue): string | undefined {
  const a = text(ours), b = text(real);
  if (a === b) return undefined;
  // Error texts travel as JS text in RespValue (non-ASCII bytes do not survive the round trip on
  // either side): compare them with every non-ASCII character as '?'.
  const ascii = (s: string): string => s.replace(/[\u0080-\uffff]+/g, '?');
  if (ours.type === 'error' && real.type === 'error' && ascii(ours.value) === ascii(real.value)) return undefined;
  switch (kind) {
    case 'multiset':
      return JSON.stringify(items(ours).sort()) === JSON.stringify(items(real).sort()) ? undefined : 'multiset differs';
    case 'pairs':
      return JSON.stringify(pairs(ours).sort()) === JSON.stringify(pairs(real).sort()) ? undefined : 'pair multiset differs';
    case 'ttl':
    case 'ttl-ms': {
      if (ours.type !== 'integer' || real.type !== 'integer') return 'type differs';
      const d = ours.value - real.value;
      return (d < 0n ? -d : d) <= (kind === 'ttl-ms' ? 150n : 1n) ? undefined : `off by ${d}`;
    }
    case 'shape':
      if (ours.type !== real.type) return `type ${ours.type} vs ${real.type}`;
      if (ours.type === 'array' && real.type === 'array' && ours.value.length !== real.value.length) return 'length differs';
      if (ours.type === 'error') return 'error text differs';
      return undefined;
    default:
      return 'differs';
  }
}

describePeer('redis-server', 'Keyspace vs redis-server 7.0 (differential, every command in the table)', () => {
  let real: RealServer;
  const call = (argv: string[]): Promise<RespValue> => real.call(argv);
  beforeAll(async () => {
    real = await startRealServer();
  });
  afterAll(async () => {
    await real.stop();
  });

  it(`replies agree on ${SEEDS * PER_SEED} random commands and the keyspaces read back equal`, async () => {
    const perCommand = new Map<string, { n: number; bad: number; example?: string }>();
    const note = (name: string, bad: string | undefined): void => {
      const s = perCommand.get(name) ?? { n: 0, bad: 0 };
      s.n++;
      if (bad !== undefined) {
        s.bad++;
        s.example ??= bad;
      }
      perCommand.set(name, s);
    };
    let total = 0;
    const mismatches: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = new Prng(seed);
      await call(['DISCARD']);
      await call(['SELECT', '0']);
      await call(['FLUSHALL']);
      const ks = new Keyspace({ now: () => Date.now(), prng: new Prng(seed) });
      let inMulti = false;
      const queued: string[][] = [];
      for (let i = 0; i < PER_SEED; i++) {
        let argv = r.pick(GENERATORS)(r);
        let name = (argv[0] ?? '').toLowerCase();
        if (inMulti && NONDETERMINISTIC.has(name)) {
          argv = ['PING'];
          name = 'ping';
        }
        total++;
        const where = `seed ${seed} #${i}: ${JSON.stringify(argv)}`;
        if (name === 'scan*' || name === 'hscan*') {
          const bad = await scanLoop(argv, ks, call);
          note(name, bad === undefined ? undefined : `${where}: ${bad}`);
          if (bad !== undefined) mismatches.push(`${where}: ${bad}`);
          continue;
        }
        const real = await call(argv);
        const ours = ks.execute(bytesOf(argv));
        let bad: string | undefined;
        if (name === 'exec' && inMulti && ours.type === 'array' && real.type === 'array') {
          if (ours.value.length !== real.value.length) bad = 'EXEC length differs';
          else {
            ours.value.forEach((o, j) => {
              const q = queued[j] ?? [];
              bad ??= agree(compareKind(q), o, real.value[j] ?? { type: 'null' });
            });
          }
        } else bad = agree(compareKind(argv), ours, real);
        if (name === 'multi' && ours.type === 'simple') {
          inMulti = true;
          queued.length = 0;
        } else if ((name === 'exec' || name === 'discard') && inMulti) inMulti = false;
        else if (inMulti && ours.type === 'simple' && ours.value === 'QUEUED') queued.push(argv);
        const msg = bad === undefined ? undefined : `${where}: ${bad}\n  ours: ${text(ours).slice(0, 300)}\n  real: ${text(real).slice(0, 300)}`;
        note(name, msg);
        if (msg !== undefined) mismatches.push(msg);
      }
      if (inMulti) {
        await call(['DISCARD']);
        ks.execute(['DISCARD']);
      }
      const diff = await readBack(ks, call);
      note('(read-back)', diff === undefined ? undefined : `seed ${seed}: ${diff}`);
      if (diff !== undefined) mismatches.push(`seed ${seed} read-back: ${diff}`);
    }
    const rows = [...perCommand].sort((a, b) => a[0].localeCompare(b[0]));
    console.log(`differential: ${total} commands, ${mismatches.length} mismatches\n` + rows.map(([n, s]) => `  ${n.padEnd(14)} ${String(s.n).padStart(6)} commands  ${s.bad} mismatches${s.example !== undefined ? `  e.g. ${s.example.split('\n')[0] ?? ''}` : ''}`).join('\n'));
    const untested = [...COMMANDS.keys()].filter((n) => !perCommand.has(n) && !perCommand.has(`${n}*`) && !NOT_DIFFERENTIAL.has(n));
    expect(untested, 'commands of the table the generator never produced').toEqual([]);
    expect(total).toBeGreaterThanOrEqual(20_000);
    const only = process.env['DIFF_SHOW'];
    if (only !== undefined) console.log(mismatches.filter((m) => m.toLowerCase().includes(only.toLowerCase())).slice(0, 10).join('\n'));
    expect(mismatches.slice(0, 10)).toEqual([]);
  }, 170_000);
});

/** SCAN/HSCAN to completion on both sides (same options), element sets compared. */
async function scanLoop(argv: string[], ks: Keyspace, call: (a: string[]) => Promise<RespValue>): Promise<string | undefined> {
  const real = argv[0] === 'SCAN*' ? ['SCAN'] : ['HSCAN', argv[1] ?? ''];
  const opts = argv.slice(argv[0] === 'SCAN*' ? 1 : 2);
  const run = async (exec: (a: string[]) => Promise<RespValue> | RespValue): Promise<string[] | string> => {
    const seen = new Set<string>();
    let cursor = '0';
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const rep = await exec([...real, cursor, ...opts]);
      if (rep.type === 'error') return rep.value;
      if (rep.type !== 'array' || rep.value.length !== 2) return `bad reply ${JSON.stringify(rep)}`;
      const [cur, els] = rep.value;
      if (cur?.type !== 'bulk' || els?.type !== 'array') return 'bad reply shape';
      const xs = els.value.map(text);
      const step = real[0] === 'HSCAN' ? 2 : 1;
      for (let i = 0; i < xs.length; i += step) seen.add(xs.slice(i, i + step).join('='));
      cursor = Buffer.from(cur.value).toString('latin1');
      if (cursor === '0') return [...seen].sort();
    }
    return 'no end';
  };
  const a = await run((x) => ks.execute(bytesOf(x)));
  const b = await run(call);
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : `scan sets differ: ours ${JSON.stringify(a).slice(0, 200)} real ${JSON.stringify(b).slice(0, 200)}`;
}

/** Every key of dbs 0..2: type, value, TTL (±150 ms) and encoding, on both sides. */
async function readBack(ks: Keyspace, call: (a: string[]) => Promise<RespValue>): Promise<string | undefined> {
  const dump = async (exec: (a: string[]) => Promise<RespValue> | RespValue): Promise<{ s: string; ttls: Map<string, bigint> }> => {
    const out: string[] = [];
    const ttls = new Map<string, bigint>();
    for (const db of ['0', '1', '2']) {
      await exec(['SELECT', db]);
      const keys = items(await exec(['KEYS', '*'])).sort();
      for (const k of keys) {
        const key = decodeReply(Buffer.from(k, 'latin1'));
        const name = key.type === 'bulk' ? Buffer.from(key.value).toString('latin1') : k;
        const t = await exec(['TYPE', name]);
        const type = t.type === 'simple' ? t.value : '?';
        const read: Record<string, string[]> = { string: ['GET', name], list: ['LRANGE', name, '0', '-1'], set: ['SMEMBERS', name], zset: ['ZRANGE', name, '0', '-1', 'WITHSCORES'], hash: ['HGETALL', name] };
        const v = await exec(read[type] ?? ['TYPE', name]);
        const val = type === 'set' ? items(v).sort().join(',') : type === 'hash' ? pairs(v).sort().join(',') : text(v);
        const enc = text(await exec(['OBJECT', 'ENCODING', name]));
        const pttl = await exec(['PTTL', name]);
        if (pttl.type === 'integer') ttls.set(`${db}/${name}`, pttl.value);
        out.push(`${db}/${JSON.stringify(name)} ${type} ${enc} ${pttl.type === 'integer' && pttl.value >= 0n ? 'ttl' : 'nottl'} ${val}`);
      }
    }
    await exec(['SELECT', '0']);
    return { s: out.join('\n'), ttls };
  };
  const a = await dump((x) => ks.execute(bytesOf(x)));
  const b = await dump(call);
  if (a.s !== b.s) {
    const al = a.s.split('\n'), bl = b.s.split('\n');
    const i = al.findIndex((l, j) => l !== bl[j]);
    return `first difference: ours ${al[i] ?? '(none)'} | real ${bl[i] ?? '(none)'}`;
  }
  for (const [k, t] of a.ttls) {
    const u = b.ttls.get(k) ?? -3n;
    if ((t - u < 0n ? u - t : t - u) > 150n) return `PTTL of ${k}: ours ${t} real ${u}`;
  }
  return undefined;
}
