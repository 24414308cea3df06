// The rows of decode-by-type.ts (and instructions-by-type.ts): each reply type, its count per
// round, how ours is configured for it. Values come from one seeded PRNG (@protolab/sim), so a row
// generated alone (FRESH=1, ONLY=<row>) differs from the same row after others: the same kinds of
// reply, other random words.
import { reply, type IntegerMode, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';

const prng = new Prng(0x2545f491); // @protolab/sim's seeded PRNG
const rand = (): number => prng.float();
const word = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26));
  return s;
};

export interface Cell {
  readonly name: string;
  readonly n: number;
  readonly make: () => RespValue;
  /** Our integer mode ('number': numbers when safe, bigints beyond — exact). */
  readonly integers?: IntegerMode;
  /** RESP3 on our side; redis-parser (RESP2 only) reads the RESP2 form the server would send. */
  readonly resp3?: boolean;
  /** Chunk size (default 64 KiB); small chunks cut most replies in two. */
  readonly chunk?: number;
  /** redis-parser with returnBuffers: false (strings for `+` and `$`), to compare string with string. */
  readonly theirStrings?: boolean;
  /** The bare decoders with simpleStrings: 'bytes' (`+` as a view), to compare with their Buffer slices. */
  readonly bareBytes?: boolean;
}

const mixed = (): RespValue => {
  const r = rand();
  if (r < 0.25) return reply.ok;
  if (r < 0.4) return reply.integer(Math.floor(rand() * 1e6));
  if (r < 0.5) return reply.null;
  if (r < 0.8) return reply.bulk(word(8 + Math.floor(rand() * 100)));
  if (r < 0.82) return reply.error('WRONGTYPE Operation against a key holding the wrong kind of value');
  return reply.array(Array.from({ length: 1 + Math.floor(rand() * 10) }, () => reply.bulk(word(10))));
};

export const kinds: Cell[] = [
  { name: '+OK', n: 200_000, make: () => reply.ok },
  { name: '+simple (20 chars)', n: 200_000, make: () => reply.simple(word(20)) },
  { name: '+simple, strings both', n: 200_000, make: () => reply.simple(word(20)), theirStrings: true },
  { name: '+simple, bytes both', n: 200_000, make: () => reply.simple(word(20)), bareBytes: true },
  { name: '-ERR (error)', n: 200_000, make: () => reply.error('ERR wrong number of arguments') },
  { name: ':42 (small integer)', n: 200_000, make: () => reply.integer(42) },
  { name: ':123456 (integer)', n: 200_000, make: () => reply.integer(123456) },
  { name: ':123456 (bigint mode)', n: 200_000, make: () => reply.integer(123456), integers: 'bigint' },
  { name: ':1234567890123 (int)', n: 200_000, make: () => reply.integer(1234567890123) },
  { name: ':2^62 (beyond 2^53)', n: 200_000, make: () => reply.integer(2n ** 62n) },
  { name: '$-1 (null bulk)', n: 200_000, make: () => reply.null },
  { name: '*-1 (null array)', n: 200_000, make: () => reply.nullArray },
  { name: '$20 (small bulk)', n: 200_000, make: () => reply.bulk(word(20)) },
  { name: '$2000 (bulk)', n: 20_000, make: () => reply.bulk(word(2000)) },
  { name: '$20000 (big bulk)', n: 2_000, make: () => reply.bulk(word(20_000)) },
  { name: '*30 of $10 (array)', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))) },
  { name: '*30 of :n (array)', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.integer(Math.floor(rand() * 1e6)))) },
  { name: '*3 of *2 of :1 (nested)', n: 50_000, make: () => reply.array(Array.from({ length: 3 }, () => reply.array([reply.integer(1), reply.integer(2)]))) },
  { name: '%5 map (RESP3; theirs *10)', n: 20_000, make: () => reply.map(Array.from({ length: 5 }, () => [reply.bulk(word(8)), reply.bulk(word(8))] as const)), resp3: true },
  { name: ',double (RESP3; theirs $)', n: 200_000, make: () => reply.double(rand() * 1000), resp3: true },
  { name: 'mixed pipeline', n: 100_000, make: mixed },
  { name: 'mixed, 100-byte chunks', n: 100_000, make: mixed, chunk: 100 },
  { name: '*30 of $10, 100-B chunks', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))), chunk: 100 },
];

