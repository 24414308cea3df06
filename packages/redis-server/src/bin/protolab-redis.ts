#!/usr/bin/env node
/**
 * protolab-redis: `protolab-redis [config-file] [--directive value ...]`, as redis-server takes
 * them (config.c loadServerConfig: a file of `directive args` lines, then command-line options,
 * which win; several `save` lines in a file add up). Only the directives this server models are
 * accepted (the persistence ones and those of the CONFIG table, config.ts); any other one is
 * refused with a message instead of being silently ignored.
 *
 * Replication as redis-server: REPLICAOF/PSYNC/WAIT… at any time, `replicaof <host> <port>` to
 * start as a replica, and the repl-* / min-replicas-* / replica-priority directives.
 *
 * Persistence as redis-server: the AOF directory (appendonly yes) or dbfilename is loaded before
 * the first command; a file that does not load ends the process with exit code 1. SHUTDOWN and
 * SIGTERM/SIGINT run prepareForShutdown (AOF fsync; an RDB when save points are configured).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clusterCli } from '../adapters/cluster-cli.js';
import { startPersistentRedisServer } from '../adapters/persistence.js';
import { DEFAULT_PERSISTENCE_CONFIG, applyDirective, isPersistenceDirective, type PersistenceConfig } from '../persistence/config.js';
import { isReplicationDirective, replicationDirectives } from '../replication/directives.js';
import { installConfigFile } from '../server-config.js';

/** sdssplitargs-lite: words, with "double quoted" or 'single quoted' ones (so `save ""` is one empty word). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function parseArgs(args: readonly string[]): Map<string, string> {
  const config = new Map<string, string>();
  let i = 0;
  const first = args[0];
  if (first !== undefined && !first.startsWith('--')) {
    for (const raw of readFileSync(first, 'utf8').split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [name = '', ...rest] = words(line);
      const key = name.toLowerCase();
      const value = rest.join(' ');
      const prev = config.get(key);
      config.set(key, key === 'save' && prev !== undefined && value !== '' ? `${prev} ${value}` : value);
    }
    i = 1;
  }
  // config.c: an option's arguments are every word up to the next `--option`
  // (`--replicaof 127.0.0.1 6379`, `--save ""`, `--save "3600 1" --port 7000`).
  while (i < args.length) {
    const name = (args[i] ?? '').replace(/^--/, '').toLowerCase();
    const values: string[] = [];
    for (i++; i < args.length && !(args[i] ?? '').startsWith('--'); i++) values.push(args[i] ?? '');
    config.set(name, values.join(' '));
  }
  return config;
}

function persistenceConfig(config: Map<string, string>): PersistenceConfig {
  let cfg: PersistenceConfig = DEFAULT_PERSISTENCE_CONFIG;
  for (const [name, value] of config) if (isPersistenceDirective(name)) cfg = applyDirective(cfg, name, value);
  return cfg;
}

const log = (line: string): void => {
  console.log(`${process.pid}:M ${new Date().toISOString()} * ${line}`);
};

async function main(): Promise<void> {
  if (await clusterCli(process.argv.slice(2))) return; // --cluster N / --cluster-reshard (adapters/cluster-cli.ts)
  const config = parseArgs(process.argv.slice(2));
  // The persistence directives go to the persistence unit; every other one to the server's
  // CONFIG table (config.ts), which refuses an unknown directive or a bad value with Redis's text.
  // The replication ones (replicaof, repl-backlog-size, …) to the replication unit.
  const others = new Map([...config].filter(([name]) => !isPersistenceDirective(name) && !isReplicationDirective(name)));
  const replication = replicationDirectives(config);
  const port = others.get('port') ?? '6379';
  if (!/^[0-9]+$/.test(port)) throw new Error(`argument of 'port' must be a non-negative integer, found '${port}'`);
  const srv = await startPersistentRedisServer({
    port: Number(port),
    host: others.get('bind')?.split(' ')[0] ?? '127.0.0.1',
    config: others,
    persistence: persistenceConfig(config),
    replication: { replication: replication.config, ...(replication.replicaof !== undefined ? { replicaof: replication.replicaof } : {}) },
    log,
    exit: (code, running) => {
      void running.close().then(() => process.exit(code));
    },
  });
  const file = process.argv[2];
  if (file !== undefined && !file.startsWith('--')) {
    // CONFIG REWRITE rewrites it (config.c rewriteConfigOverwriteFile: a temporary file renamed over it).
    const path = resolve(file);
    installConfigFile(srv.server, {
      read: () => {
        try {
          return readFileSync(path, 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw e;
        }
      },
      write: (text) => {
        const tmp = `${path}.tmp-${process.pid}`;
        writeFileSync(tmp, text);
        renameSync(tmp, path);
      },
    });
  }
  console.log(`protolab-redis: ready to accept connections on port ${srv.port}`);
  const stop = (signal: string): void => {
    log(`Received ${signal} scheduling shutdown...`);
    void srv.shutdown().then((ok) => {
      if (ok) process.exit(0);
      log(`${signal} received but errors trying to shut down the server, check the logs for more information`);
    });
  };
  process.on('SIGTERM', () => { stop('SIGTERM'); });
  process.on('SIGINT', () => { stop('SIGINT'); });
}

main().catch((e: unknown) => {
  console.error(`protolab-redis: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
