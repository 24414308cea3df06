#!/usr/bin/env node
/**
 * protolab-redis: `protolab-redis [config-file] [--directive value ...]`, as redis-server takes
 * them (config.c loadServerConfig: a file of `directive args` lines, then command-line options,
 * which win). Only the directives this server models are accepted; any other one is refused
 * with a message instead of being silently ignored.
 */
import { readFileSync } from 'node:fs';
import { startRedisServer } from '../adapters/net.js';

const SUPPORTED = new Set(['port', 'bind', 'hz', 'maxclients', 'proto-max-bulk-len']);

function parseArgs(args: readonly string[]): Map<string, string> {
  const config = new Map<string, string>();
  let i = 0;
  const first = args[0];
  if (first !== undefined && !first.startsWith('--')) {
    for (const raw of readFileSync(first, 'utf8').split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [name = '', ...rest] = line.split(/\s+/);
      config.set(name.toLowerCase(), rest.join(' '));
    }
    i = 1;
  }
  for (; i < args.length; i += 2) {
    const name = (args[i] ?? '').replace(/^--/, '').toLowerCase();
    config.set(name, args[i + 1] ?? '');
  }
  return config;
}

function integer(config: Map<string, string>, name: string): number | undefined {
  const v = config.get(name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new Error(`argument of '${name}' must be a non-negative integer, found '${v}'`);
  return Number(v);
}

async function main(): Promise<void> {
  const config = parseArgs(process.argv.slice(2));
  for (const name of config.keys()) {
    if (!SUPPORTED.has(name)) throw new Error(`directive '${name}' is not implemented by protolab-redis yet (supported: ${[...SUPPORTED].join(', ')})`);
  }
  const srv = await startRedisServer({
    port: integer(config, 'port') ?? 6379,
    host: config.get('bind')?.split(' ')[0] ?? '127.0.0.1',
    hz: integer(config, 'hz'),
    maxclients: integer(config, 'maxclients'),
    protoMaxBulkLen: integer(config, 'proto-max-bulk-len'),
  });
  console.log(`protolab-redis: ready to accept connections on port ${srv.port}`);
  const stop = (): void => {
    void srv.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(`protolab-redis: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
