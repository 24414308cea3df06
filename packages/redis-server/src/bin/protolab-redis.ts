#!/usr/bin/env node
/**
 * protolab-redis: `protolab-redis [config-file] [--directive value ...]`, as redis-server takes
 * them (config.c loadServerConfig: a file of `directive args` lines, then command-line options,
 * which win; several `save` lines in a file add up). Every directive of redis-server 7.0.15's
 * CONFIG table is accepted (config-params.ts; the README lists those without effect here); an
 * unknown one is refused with Redis's message. loglevel, logfile, pidfile and daemonize act here
 * (processDirectives).
 *
 * Replication as redis-server: REPLICAOF/PSYNC/WAIT… at any time, `replicaof <host> <port>` to
 * start as a replica, and the repl-* / min-replicas-* / replica-priority directives.
 *
 * Persistence as redis-server: the AOF directory (appendonly yes) or dbfilename is loaded before
 * the first command; a file that does not load ends the process with exit code 1. SHUTDOWN and
 * SIGTERM/SIGINT run prepareForShutdown (AOF fsync; an RDB when save points are configured).
 */
import { appendFileSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clusterCli } from '../adapters/cluster-cli.js';
import { startPersistentRedisServer } from '../adapters/persistence.js';
import { firstBindHost } from '../adapters/net.js';
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
      // Lines that add up (config.c: each `save` line adds save points, each
      // `client-output-buffer-limit` line sets its class and keeps the others).
      const adds = key === 'save' || key === 'client-output-buffer-limit';
      config.set(key, adds && prev !== undefined && value !== '' ? `${prev} ${value}` : value);
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

/** server.c serverLog verbosity: LL_DEBUG 0 … LL_WARNING 3 (config.c loglevel_enum). */
const LEVELS = new Map([['debug', 0], ['verbose', 1], ['notice', 2], ['warning', 3]]);
const MARKS = ['.', '-', '*', '#'];
let verbosity = 2;
let logfile = '';

/** server.c serverLogRaw: `pid:role date mark line`, to stdout or appended to `logfile`; below `loglevel` dropped. */
const logAt = (level: number, line: string): void => {
  if (level < verbosity) return;
  const text = `${process.pid}:M ${new Date().toISOString()} ${MARKS[level] ?? '*'} ${line}`;
  if (logfile === '') console.log(text);
  else appendFileSync(logfile, `${text}\n`);
};
const log = (line: string): void => { logAt(2, line); };

/**
 * The process-level directives (config.c rows that server.c main / initServer read): loglevel,
 * logfile (loadServerConfigFromString opens it for append first: "Can't open the log file"),
 * daemonize (not supported: protolab stays in the foreground and says so at warning level) and
 * pidfile (server.c createPidFile: written at start, a failure only logged; removed at exit).
 */
function processDirectives(config: ReadonlyMap<string, string>): void {
  verbosity = LEVELS.get((config.get('loglevel') ?? 'notice').toLowerCase()) ?? 2;
  const file = config.get('logfile') ?? '';
  if (file !== '') {
    try {
      appendFileSync(file, '');
    } catch (e) {
      throw new Error(`Can't open the log file: ${(e as NodeJS.ErrnoException).message}`, { cause: e });
    }
    logfile = file;
  }
  if ((config.get('daemonize') ?? 'no').toLowerCase() === 'yes') {
    logAt(3, 'WARNING: daemonize yes is not supported by protolab-redis; running in the foreground (use your service manager or `&` to background it)');
  }
  const pidfile = config.get('pidfile') ?? '';
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
      process.on('exit', () => {
        try { unlinkSync(pidfile); } catch { /* already gone */ }
      });
    } catch (e) {
      logAt(3, `Failed to write PID file: ${(e as NodeJS.ErrnoException).message}`);
    }
  }
}

async function main(): Promise<void> {
  if (await clusterCli(process.argv.slice(2))) return; // --cluster N / --cluster-reshard (adapters/cluster-cli.ts)
  const config = parseArgs(process.argv.slice(2));
  processDirectives(config);
  // The persistence directives go to the persistence unit; every other one to the server's
  // CONFIG table (config.ts), which refuses an unknown directive or a bad value with Redis's text.
  // The replication ones (replicaof, repl-backlog-size, …) to the replication unit.
  const others = new Map([...config].filter(([name]) => !isPersistenceDirective(name) && !isReplicationDirective(name)));
  const replication = replicationDirectives(config);
  const port = others.get('port') ?? '6379';
  if (!/^[0-9]+$/.test(port)) throw new Error(`argument of 'port' must be a non-negative integer, found '${port}'`);
  const srv = await startPersistentRedisServer({
    port: Number(port),
    // The first address of `bind` (a list in 7.0); none: 127.0.0.1, and CONFIG GET bind shows 7.0's default.
    ...(others.get('bind') !== undefined ? { host: firstBindHost(others.get('bind') ?? '') } : {}),
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
