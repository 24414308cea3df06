/**
 * A bare protolab-redis for the benchmarks (no persistence): `tsx bench/serve.ts <port>`.
 * Prints "ready <port>" once listening; SIGTERM closes it. `--prof-exit-ms N` exits after N ms
 * (so `node --cpu-prof` writes its profile).
 */
import { startRedisServer } from '../src/adapters/net.js';

const port = Number(process.argv[2] ?? 0);
const srv = await startRedisServer({ port });
console.log(`ready ${srv.port}`);
const stop = (): void => {
  void srv.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const exitAt = process.argv.indexOf('--prof-exit-ms');
if (exitAt > 0) setTimeout(stop, Number(process.argv[exitAt + 1]));
