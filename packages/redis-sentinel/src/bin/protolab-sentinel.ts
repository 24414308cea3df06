#!/usr/bin/env node
/**
 * protolab-sentinel: `protolab-sentinel <sentinel.conf>`, as `redis-sentinel <sentinel.conf>`: every
 * master of the file monitored (RealSentinel over a Sentinel) and the SENTINEL command server on `port` (default 26379) and
 * the first `bind` address (default 127.0.0.1). Events are logged as sentinel.c logs them
 * (`+sdown master mymaster 127.0.0.1 6379`). A bad line ends the process with config.c's FATAL
 * CONFIG FILE ERROR and exit status 1. The sentinel announces `<bind>:<port>` in its hellos. After
 * each event the config file is rewritten when the state changed (sentinelFlushConfig: the current
 * master address, myid, epochs, known replicas and sentinels, auth-pass / auth-user), so a restart
 * resumes where it was. `sentinel auth-pass` / `auth-user` AUTH the links to each master and its
 * replicas, `sentinel sentinel-pass` / `sentinel-user` the links to other sentinels.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { RealSentinel } from '../adapters/real-sentinel.js';
import { SentinelServer } from '../adapters/sentinel-server.js';
import { parseSentinelConfig, sentinelConfigOf, SentinelConfigError } from '../sentinel-config.js';
import { sentinelEventLevel } from '../scripts.js';
import { flushSentinelConfigFile } from '../adapters/config-file.js';

async function main(argv: readonly string[]): Promise<number> {
  const file = argv[0];
  if (file === undefined) {
    process.stderr.write('usage: protolab-sentinel <sentinel.conf>\n');
    return 1;
  }
  let config;
  try {
    config = parseSentinelConfig(readFileSync(file, 'utf8'), (path) => {
      try {
        accessSync(path, fsConstants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  } catch (e) {
    if (!(e instanceof SentinelConfigError)) throw e;
    process.stderr.write(e.fatalText());
    return 1;
  }
  const host = config.bind[0] ?? '127.0.0.1';
  const flush = (): boolean => {
    const r = flushSentinelConfigFile(file, sentinel.sentinel);
    if (r === 'saved') process.stdout.write(`${new Date().toISOString()} * Sentinel new configuration saved on disk\n`);
    else if (r !== 'unchanged') process.stdout.write(`${new Date().toISOString()} # WARNING: Sentinel was not able to save the new configuration on disk!!!: ${r.error}\n`);
    return r === 'saved' || r === 'unchanged';
  };
  // Every `sentinel monitor` line, in the file's order (sentinel.masters).
  const [first, ...more] = config.masters.map(sentinelConfigOf);
  if (first === undefined) throw new Error('unreachable: parseSentinelConfig refuses a file with no master');
  const sentinel = new RealSentinel({
    config: first,
    moreConfigs: more,
    myid: config.myid ?? randomBytes(20).toString('hex'),
    announce: `${host}:${config.port}`,
    ...(config.sentinelPass !== undefined ? { sentinelAuthPass: config.sentinelPass } : {}),
    ...(config.sentinelUser !== undefined ? { sentinelAuthUser: config.sentinelUser } : {}),
  });
  const server = await SentinelServer.listen(sentinel, {
    port: config.port,
    host,
    configFile: file,
    flushConfig: flush,
    // sentinelEvent's log line (`#` for a warning, `*` for a notice), then sentinelFlushConfig.
    log: (channel, message) => {
      process.stdout.write(`${new Date().toISOString()} ${sentinelEventLevel(channel) === 'warning' ? '#' : '*'} ${channel} ${message}\n`);
      flush();
    },
  });
  process.stdout.write(`${new Date().toISOString()} # Sentinel ID is ${sentinel.core.myid}\n`);
  sentinel.start(); // +monitor, then the timer
  process.stdout.write(`${new Date().toISOString()} * Ready to accept connections on ${host}:${server.port}\n`);
  const stop = (): void => {
    void server.close().then(() => sentinel.stop()).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code);
}, (e: unknown) => {
  process.stderr.write(`protolab-sentinel: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
