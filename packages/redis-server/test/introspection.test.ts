import { describe, expect, test } from 'vitest';
import { RedisServer } from '../src/index.js';
import type { ServerOutput } from '../src/index.js';
import { harness } from './helpers.js';

const cmd = (...a: string[]): string => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x, 'latin1')}\r\n${x}\r\n`).join('')}`;
/** The bulk strings of a flat array reply, sorted (COMMAND LIST's order is a hash table's in Redis). */
const names = (reply: string): string[] => reply.split('\r\n').filter((_, i, a) => a[i - 1]?.startsWith('$') === true).sort();

describe('COMMAND LIST, COMMAND INFO by full name, TIME, the HELP subcommands (server.c, config.c, pubsub.c 7.0)', () => {
  // Expected sets: what redis-server 7.0.15 listed (redis-cli, 2026-12-05), less what protolab does not implement.
  test('COMMAND LIST FILTERBY ACLCAT hash: the 16 @hash commands, whatever the case of the category', () => {
    const h = harness();
    h.connect(1);
    const hash = 'hdel hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset hrandfield hscan hset hsetnx hstrlen hvals'.split(' ');
    expect(names(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'hash')))).toEqual(hash);
    expect(names(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'HASH')))).toEqual(hash);
    expect(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'))).toBe('*0\r\n');
    expect(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'))).toBe('*0\r\n');
  });

  test('COMMAND LIST names subcommands as container|sub, and PATTERN matches full names without regard to case', () => {
    const h = harness();
    h.connect(1);
    const all = names(h.send(1, cmd('COMMAND', 'LIST')));
    expect(all).toEqual(expect.arrayContaining(['config', 'config|get', 'config|help', 'client|help', 'pubsub|shardnumsub', 'command|list', 'time']));
    expect(names(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|*')))).toEqual(
      'client|getname client|help client|id client|info client|kill client|list client|no-evict client|pause client|reply client|setname client|unblock client|unpause'.split(' '),
    );
    expect(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'PATTERN'))).toBe('-ERR syntax error\r\n');
    expect(h.send(1, cmd('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'x', 'FILTERBY', 'PATTERN', 'y'))).toBe('-ERR syntax error\r\n');
  });

  test('COMMAND INFO and COMMAND DOCS take container|sub names (lookupCommandBySds); an unknown one is a null', () => {
    const h = harness();
    h.connect(1);
    const info = h.send(1, cmd('COMMAND', 'INFO', 'CONFIG|GET', 'x|y', 'config|nope'));
    expect(info.startsWith('*3\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n')).toBe(true);
    expect(info.endsWith('$-1\r\n$-1\r\n')).toBe(true);
    expect(h.send(1, cmd('COMMAND', 'DOCS', 'config|get', 'nope')).startsWith('*2\r\n$10\r\nconfig|get\r\n')).toBe(true);
  });

  test('COMMAND INFO carries 7.0.15\'s tips and key specs (recorded, without a key spec\'s notes): GET and TIME byte for byte', () => {
    const h = harness();
    h.connect(1);
    // redis-server 7.0.15's bytes (2026-12-05).
    expect(h.send(1, cmd('COMMAND', 'INFO', 'get'))).toBe(
      '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n' +
        '$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
    );
    expect(h.send(1, cmd('COMMAND', 'INFO', 'time'))).toBe(
      '*1\r\n*10\r\n$4\r\ntime\r\n:1\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@fast\r\n*1\r\n$23\r\nnondeterministic_output\r\n*0\r\n*0\r\n',
    );
  });

  test('TIME is the injected clock as seconds and microseconds; TIME with an argument is an arity error', () => {
    const srv = new RedisServer({ now: () => 1_700_000_000_123 });
    const text = (out: ServerOutput[]): string => out.map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString('latin1') : '')).join('');
    srv.connect(1);
    expect(text(srv.data(1, Buffer.from(cmd('TIME'))))).toBe('*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n');
    expect(text(srv.data(1, Buffer.from(cmd('TIME', 'x'))))).toBe("-ERR wrong number of arguments for 'time' command\r\n");
  });

  test('CONFIG HELP, CLIENT HELP and PUBSUB HELP in addReplyHelp\'s form; the shard channel introspection answers for no shard channels', () => {
    const h = harness();
    h.connect(1);
    const config = h.send(1, cmd('CONFIG', 'HELP'));
    expect(config.startsWith('*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n')).toBe(true);
    expect(config.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
    expect(h.send(1, cmd('CONFIG', 'HELP', 'x'))).toBe("-ERR wrong number of arguments for 'config|help' command\r\n");
    expect(h.send(1, cmd('CLIENT', 'HELP')).startsWith('*39\r\n+CLIENT <subcommand>')).toBe(true);
    expect(h.send(1, cmd('PUBSUB', 'HELP')).startsWith('*14\r\n+PUBSUB <subcommand>')).toBe(true);
    expect(h.send(1, cmd('PUBSUB', 'SHARDCHANNELS'))).toBe('*0\r\n');
    expect(h.send(1, cmd('PUBSUB', 'SHARDNUMSUB', 'a', 'b'))).toBe('*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n');
    expect(h.send(1, cmd('PUBSUB', 'CHANNELS', 'a', 'b'))).toBe("-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n");
  });
});
