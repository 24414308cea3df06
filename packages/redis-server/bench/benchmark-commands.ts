/**
 * What redis-benchmark 7.0 sends for each `-t` test without `-r` (redis-benchmark.c main): the
 * keys are the literal `key:__rand_int__`, `mylist`, … Shared by the in-process benches.
 */
export const BENCHMARK_COMMANDS = new Map<string, string[]>([
  ['set', ['SET', 'key:__rand_int__', 'xxx']],
  ['get', ['GET', 'key:__rand_int__']],
  ['incr', ['INCR', 'counter:__rand_int__']],
  ['lpush', ['LPUSH', 'mylist', 'xxx']],
  ['rpop', ['RPOP', 'mylist']],
  ['sadd', ['SADD', 'myset', 'element:__rand_int__']],
  ['hset', ['HSET', 'myhash', 'element:__rand_int__', 'xxx']],
  ['zadd', ['ZADD', 'myzset', '0', 'element:__rand_int__']],
  ['lrange_100', ['LRANGE', 'mylist', '0', '99']],
]);

/** One command as a RESP multibulk request. */
export function respRequest(argv: readonly string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}
