import { writeFileSync } from 'node:fs';
import { encodeRdb } from '@protolab/redis-rdb';
import { mixedDataset } from './dataset.js';
const N = Number(process.argv[2] ?? 1_000_000);
writeFileSync(process.argv[3]!, encodeRdb(mixedDataset(N), { ctimeSec: 1767225600 }));
