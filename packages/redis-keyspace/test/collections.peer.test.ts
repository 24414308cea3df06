// Random list / set / sorted-set commands, every option and error path included, run on
// redis-server 7.0.15 and on the keyspace; the replies must be byte-identical (RESP2). Commands
// whose reply depends on randomness (SPOP, SRANDMEMBER, ZRANDMEMBER) or on hash order (SMEMBERS of
// a hashtable set, SSCAN/ZSCAN of large encodings) are left out; the transcripts cover their shapes.
import { expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { describePeer, startServer } from '@protolab/testkit';
import { RespClient } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { showReply } from './transcript-runner.js';

const KEYS = ['l1', 'l2', 'z1', 'z2', 's1', 's2', 'str', 'nokey'];
const ELS = ['a', 'b', 'c', '1', '2', '-3', '10', 'xxx'];
const NUMS = ['-3', '-1', '0', '1', '2', '5', 'x', '9223372036854775807'];
const SCORES = ['0', '1', '1.5', '-2', '+inf', '-inf', '(1', '(2', 'x', '3'];
const LEX = ['-', '+', '[a', '(b', '[c', 'a'];

type Gen = (p: Prng) => string;
const k: Gen = (p) => p.pick(KEYS);
const e: Gen = (p) => p.pick(ELS);
const n: Gen = (p) => p.pick(NUMS);
const sc: Gen = (p) => p.pick(SCORES);
const lx: Gen = (p) => p.pick(LEX);
const side: Gen = (p) => p.pick(['LEFT', 'RIGHT']);

const GENS: Gen[] = [
  (p) => `RPUSH ${k(p)} ${e(p)} ${e(p)}`, (p) => `LPUSH ${k(p)} ${e(p)}`, (p) => `LPOP ${k(p)}`, (p) => `RPOP ${k(p)} ${n(p)}`,
  (p) => `LRANGE ${k(p)} ${n(p)} ${n(p)}`, (p) => `LINDEX ${k(p)} ${n(p)}`, (p) => `LSET ${k(p)} ${n(p)} ${e(p)}`,
  (p) => `LTRIM ${k(p)} ${n(p)} ${n(p)}`, (p) => `LREM ${k(p)} ${n(p)} ${e(p)}`, (p) => `LINSERT ${k(p)} ${p.pick(['BEFORE', 'AFTER', 'X'])} ${e(p)} ${e(p)}`,
  (p) => `LPOS ${k(p)} ${e(p)} RANK ${n(p)}`, (p) => `LPOS ${k(p)} ${e(p)} COUNT ${n(p)} MAXLEN ${n(p)}`,
  (p) => `LMOVE ${k(p)} ${k(p)} ${side(p)} ${side(p)}`, (p) => `LMPOP 2 ${k(p)} ${k(p)} ${side(p)} COUNT ${n(p)}`, (p) => `LLEN ${k(p)}`,
  (p) => `LPUSHX ${k(p)} ${e(p)}`, (p) => `RPOPLPUSH ${k(p)} ${k(p)}`,
  (p) => `ZADD ${k(p)} ${sc(p)} ${e(p)}`, (p) => `ZADD ${k(p)} ${p.pick(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'])} ${sc(p)} ${e(p)}`,
  (p) => `ZINCRBY ${k(p)} ${sc(p)} ${e(p)}`, (p) => `ZREM ${k(p)} ${e(p)}`, (p) => `ZRANGE ${k(p)} ${n(p)} ${n(p)} WITHSCORES`,
  (p) => `ZRANGE ${k(p)} ${sc(p)} ${sc(p)} BYSCORE LIMIT ${n(p)} ${n(p)}`, (p) => `ZRANGE ${k(p)} ${sc(p)} ${sc(p)} BYSCORE REV`,
  (p) => `ZRANGEBYLEX ${k(p)} ${lx(p)} ${lx(p)}`, (p) => `ZREVRANGEBYLEX ${k(p)} ${lx(p)} ${lx(p)} LIMIT ${n(p)} ${n(p)}`,
  (p) => `ZRANGEBYSCORE ${k(p)} ${sc(p)} ${sc(p)} WITHSCORES`, (p) => `ZREVRANGE ${k(p)} ${n(p)} ${n(p)}`,
  (p) => `ZCOUNT ${k(p)} ${sc(p)} ${sc(p)}`, (p) => `ZLEXCOUNT ${k(p)} ${lx(p)} ${lx(p)}`, (p) => `ZRANK ${k(p)} ${e(p)}`, (p) => `ZREVRANK ${k(p)} ${e(p)}`,
  (p) => `ZPOPMIN ${k(p)} ${n(p)}`, (p) => `ZPOPMAX ${k(p)}`, (p) => `ZMPOP 2 ${k(p)} ${k(p)} ${p.pick(['MIN', 'MAX'])} COUNT ${n(p)}`,
  (p) => `ZUNION 2 ${k(p)} ${k(p)} WITHSCORES`, (p) => `ZINTER 2 ${k(p)} ${k(p)} WEIGHTS ${sc(p)} ${sc(p)} AGGREGATE ${p.pick(['SUM', 'MIN', 'MAX'])} WITHSCORES`,
  (p) => `ZDIFF 2 ${k(p)} ${k(p)} WITHSCORES`, (p) => `ZUNIONSTORE ${k(p)} 2 ${k(p)} ${k(p)}`, (p) => `ZINTERCARD 2 ${k(p)} ${k(p)} LIMIT ${n(p)}`,
  (p) => `ZREMRANGEBYRANK ${k(p)} ${n(p)} ${n(p)}`, (p) => `ZREMRANGEBYSCORE ${k(p)} ${sc(p)} ${sc(p)}`, (p) => `ZREMRANGEBYLEX ${k(p)} ${lx(p)} ${lx(p)}`,
  (p) => `ZRANGESTORE ${k(p)} ${k(p)} ${n(p)} ${n(p)}`, (p) => `ZMSCORE ${k(p)} ${e(p)} ${e(p)}`, (p) => `ZCARD ${k(p)}`,
  (p) => `SADD ${k(p)} ${p.pick(['1', '2', '3', '10', '-3'])} ${p.pick(['1', '2', '5'])}`, (p) => `SREM ${k(p)} ${p.pick(['1', '2', '3'])}`,
  (p) => `SMISMEMBER ${k(p)} 1 2`, (p) => `SMOVE ${k(p)} ${k(p)} ${p.pick(['1', '2', '3'])}`, (p) => `SINTERCARD 2 ${k(p)} ${k(p)}`,
  (p) => `SINTERSTORE ${k(p)} ${k(p)} ${k(p)}`, (p) => `SUNIONSTORE ${k(p)} ${k(p)} ${k(p)}`, (p) => `SDIFFSTORE ${k(p)} ${k(p)} ${k(p)}`,
  (p) => `SCARD ${k(p)}`, (p) => `SET ${k(p)} ${e(p)}`, (p) => `TYPE ${k(p)}`, (p) => `OBJECT ENCODING ${k(p)}`, (p) => `DEL ${k(p)}`,
];

const SEEDS = [1, 2, 3, 4, 5];
const PER_SEED = 600;

describePeer('redis-server', 'random list / set / sorted-set commands: keyspace vs redis-server 7.0', () => {
  it(`${SEEDS.length} seeded sequences of ${PER_SEED} commands give byte-identical replies`, async () => {
    const server = await startServer({
      name: 'redis-server',
      command: 'redis-server',
      args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    });
    const c = await RespClient.connect(server.port, '127.0.0.1');
    try {
      let compared = 0;
      for (const seed of SEEDS) {
        await c.call('FLUSHALL');
        const ks = new Keyspace({ now: () => Date.now() });
        const p = new Prng(seed);
        for (let i = 0; i < PER_SEED; i++) {
          const argv = p.pick(GENS)(p).split(' ');
          const real = showReply(await c.call(...argv));
          expect(showReply(ks.execute(argv)), `seed ${seed}, command ${i}: ${argv.join(' ')}`).toBe(real);
          compared++;
        }
      }
      console.log(`${compared} commands compared, all byte-identical`);
    } finally {
      await c.close();
      await server.stop();
    }
  });
});
