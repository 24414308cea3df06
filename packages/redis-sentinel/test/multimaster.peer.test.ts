import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RespValue } from '@protolab/resp';
import { describePeer, freePort, startServer } from '@protolab/testkit';
import { flushSentinelConfigFile, parseSentinelConfig, RealSentinel, SentinelServer } from '../src/index.js';
import { ask, DOWN_AFTER_MS, pair, stopAll, stops, str, until } from './peer-helpers.js';

/**
 * One sentinel monitoring two masters (redis/redis src/sentinel.c, 7.0: sentinel.masters, one
 * current_epoch in struct sentinelState), a real redis-sentinel 7.0.15 beside ours, each on its
 * own identical deployment (masters `alpha` and `beta`, each a real master with one real replica).
 * Compared: the SENTINEL masters rows, INFO sentinel, ROLE and the per-name commands; then alpha's
 * master killed (alpha fails over in epoch 1, beta untouched), then beta's (beta fails over in
 * epoch 2: the epoch is the sentinel's, not the master's); each sentinel's rewritten config file
 * then holds both masters' new addresses and state lines and `current-epoch 2`.
 */
afterEach(stopAll);

const FAILOVER_TIMEOUT_MS = 5000;

interface Deployment {
  readonly alpha: Awaited<ReturnType<typeof pair>>;
  readonly beta: Awaited<ReturnType<typeof pair>>;
  readonly port: number;
  /** port → a stable name (alpha-m, alpha-r, beta-m, beta-r), to compare addresses. */
  readonly names: Map<number, string>;
  /** The sentinel's config file as it is now (ours: flushed first, as protolab-sentinel does after each event). */
  readonly configText: () => string;
}

function monitorLines(d: Pick<Deployment, 'alpha' | 'beta'>): string[] {
  const lines: string[] = [];
  for (const [name, p] of [['alpha', d.alpha], ['beta', d.beta]] as const) {
    lines.push(`sentinel monitor ${name} 127.0.0.1 ${p.master.port} 1`, `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`, `sentinel failover-timeout ${name} ${FAILOVER_TIMEOUT_MS}`);
  }
  return lines;
}

function namesOf(alpha: Deployment['alpha'], beta: Deployment['beta']): Map<number, string> {
  return new Map([[alpha.master.port, 'alpha-m'], [alpha.replica.port, 'alpha-r'], [beta.master.port, 'beta-m'], [beta.replica.port, 'beta-r']]);
}

async function realDeployment(bin: string): Promise<Deployment> {
  const alpha = await pair();
  const beta = await pair();
  const port = await freePort();
  const s = await startServer({
    name: 'redis-sentinel', command: bin, port,
    args: ({ dir }) => {
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, ...monitorLines({ alpha, beta }), ''].join('\n'));
      return [conf];
    },
  });
  stops.push(() => s.stop());
  return { alpha, beta, port, names: namesOf(alpha, beta), configText: () => readFileSync(join(s.dir, 'sentinel.conf'), 'utf8') };
}

async function ourDeployment(): Promise<Deployment> {
  const alpha = await pair();
  const beta = await pair();
  const port = await freePort();
  const cfg = (name: string, masterPort: number) => ({ masterName: name, masterAddr: `127.0.0.1:${masterPort}`, quorum: 1, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS });
  const sentinel = new RealSentinel({ config: cfg('alpha', alpha.master.port), moreConfigs: [cfg('beta', beta.master.port)], myid: 'a1'.repeat(20), announce: `127.0.0.1:${port}` });
  const server = await SentinelServer.listen(sentinel, { port });
  sentinel.start();
  stops.push(async () => {
    await server.close();
    await sentinel.stop();
  });
  const file = join(mkdtempSync(join(tmpdir(), 'protolab-mm-')), 'sentinel.conf');
  writeFileSync(file, [`port ${port}`, 'bind 127.0.0.1', ...monitorLines({ alpha, beta }), ''].join('\n'));
  const configText = (): string => {
    flushSentinelConfigFile(file, sentinel.sentinel);
    return readFileSync(file, 'utf8');
  };
  return { alpha, beta, port, names: namesOf(alpha, beta), configText };
}

/** A SENTINEL row (a flat array in RESP2) as field → value, in order. */
function fields(v: RespValue | undefined): Map<string, string> {
  const f = v?.type === 'array' ? v.value.map(str) : [];
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < f.length; i += 2) m.set(f[i] ?? '', f[i + 1] ?? '');
  return m;
}

const rows = (v: RespValue): Map<string, string>[] => (v.type === 'array' ? v.value.map(fields) : []);

async function masterAddr(d: Deployment, name: string): Promise<string> {
  const r = await ask(d.port, 'SENTINEL', 'get-master-addr-by-name', name);
  return r.type === 'array' ? (d.names.get(Number(str(r.value[1]))) ?? '?') : 'nil';
}

async function masterField(d: Deployment, name: string, field: string): Promise<string> {
  return fields(await ask(d.port, 'SENTINEL', 'master', name)).get(field) ?? '';
}

/** What the deployment's sentinel answers while both masters are healthy, addresses named. */
async function healthyView(d: Deployment): Promise<unknown> {
  await until('both replicas known', async () => {
    const a = await ask(d.port, 'SENTINEL', 'replicas', 'alpha');
    const b = await ask(d.port, 'SENTINEL', 'replicas', 'beta');
    return a.type === 'array' && a.value.length === 1 && b.type === 'array' && b.value.length === 1;
  });
  const masters = rows(await ask(d.port, 'SENTINEL', 'masters'));
  const order = masters.map((r) => r.get('name'));
  const info = str(await ask(d.port, 'INFO', 'sentinel')).split('\r\n').filter((l) => l !== '');
  const infoOrder = info.filter((l) => l.startsWith('master')).map((l) => /name=([^,]+)/.exec(l)?.[1]);
  const role = await ask(d.port, 'ROLE');
  const roleNames = role.type === 'array' && role.value[1]?.type === 'array' ? role.value[1].value.map(str) : [];
  const unknown = await ask(d.port, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '1', '0', '*');
  const betaDown = await ask(d.port, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', String(d.beta.master.port), '0', '*');
  return {
    // sentinel.masters is a dict: the real sentinel lists it in its hash order, which differs between
    // runs (ours: the file's order). The rule both keep: INFO and ROLE list the same order as SENTINEL masters.
    names: [...order].sort(),
    infoSameOrder: JSON.stringify(infoOrder) === JSON.stringify(order),
    roleSameOrder: JSON.stringify(roleNames) === JSON.stringify(order),
    rowFields: masters.map((r) => [r.get('name'), [...r.keys()]]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    rowValues: masters.map((r) => ({ name: r.get('name'), port: d.names.get(Number(r.get('port'))), flags: r.get('flags'), quorum: r.get('quorum'), 'num-slaves': r.get('num-slaves'), 'failover-timeout': r.get('failover-timeout'), 'config-epoch': r.get('config-epoch') })).sort((x, y) => String(x.name).localeCompare(String(y.name))),
    info: info.map((l) => l.replace(/address=127\.0\.0\.1:(\d+)/, (_, p: string) => `address=${d.names.get(Number(p)) ?? p}`)).filter((l) => !l.startsWith('master')).concat(info.filter((l) => l.startsWith('master')).map((l) => l.replace(/^master\d+:/, '').replace(/address=127\.0\.0\.1:(\d+)/, (_, p: string) => `address=${d.names.get(Number(p)) ?? p}`)).sort()),
    addrs: [await masterAddr(d, 'alpha'), await masterAddr(d, 'beta'), await masterAddr(d, 'gamma')],
    unknownAddr: unknown.type === 'array' ? unknown.value.map((x) => (x.type === 'integer' ? Number(x.value) : str(x))) : unknown.type,
    betaNotDown: betaDown.type === 'array' ? betaDown.value.map((x) => (x.type === 'integer' ? Number(x.value) : str(x))) : betaDown.type,
    ckquorum: [str(await ask(d.port, 'SENTINEL', 'ckquorum', 'beta')), str(await ask(d.port, 'SENTINEL', 'ckquorum', 'gamma'))],
  };
}

/** alpha's master killed, then beta's: what each fail-over leaves. */
async function failovers(d: Deployment): Promise<unknown> {
  await d.alpha.master.stop();
  await until('alpha switched', async () => (await masterAddr(d, 'alpha')) === 'alpha-r', 60_000);
  await new Promise((r) => setTimeout(r, 1500));
  const afterAlpha = {
    alpha: [await masterAddr(d, 'alpha'), await masterField(d, 'alpha', 'config-epoch')],
    beta: [await masterAddr(d, 'beta'), await masterField(d, 'beta', 'config-epoch'), await masterField(d, 'beta', 'flags')],
  };
  await d.beta.master.stop();
  await until('beta switched', async () => (await masterAddr(d, 'beta')) === 'beta-r', 60_000);
  await new Promise((r) => setTimeout(r, 1500)); // the +switch-master and config flush that follow
  const afterBeta = {
    alpha: [await masterAddr(d, 'alpha'), await masterField(d, 'alpha', 'config-epoch')],
    beta: [await masterAddr(d, 'beta'), await masterField(d, 'beta', 'config-epoch')],
  };
  // What a restart would read from the rewritten file: per master its address and state lines, and the one current-epoch.
  const conf = parseSentinelConfig(d.configText());
  const named = (addr: string): string => d.names.get(Number(addr.slice(addr.lastIndexOf(':') + 1))) ?? addr;
  const file = conf.masters.map((m) => ({ name: m.masterName, monitor: named(`${m.masterIp}:${m.masterPort}`), currentEpoch: m.saved.currentEpoch, configEpoch: m.saved.configEpoch, leaderEpoch: m.saved.leaderEpoch, knownReplicas: m.saved.knownReplicas.map(named).sort() }))
    .sort((x, y) => x.name.localeCompare(y.name));
  return { afterAlpha, afterBeta, file };
}

describePeer('redis-sentinel', 'one sentinel, two masters: ours beside a real redis-sentinel 7.0.15', (sentinelBin) => {
  test('SENTINEL masters, INFO sentinel, ROLE and the per-name commands answer alike; a fail-over of alpha leaves beta untouched and beta\'s later fail-over runs in epoch 2', async () => {
    const [real, ours] = await Promise.all([realDeployment(sentinelBin), ourDeployment()]);
    const [realHealthy, ourHealthy] = await Promise.all([healthyView(real), healthyView(ours)]);
    expect(realHealthy).toMatchObject({
      names: ['alpha', 'beta'], infoSameOrder: true, roleSameOrder: true, addrs: ['alpha-m', 'beta-m', 'nil'], unknownAddr: [0, '*', 0], betaNotDown: [0, '*', 0],
      ckquorum: ['OK 1 usable Sentinels. Quorum and failover authorization can be reached', 'ERR No such master with that name'],
    });
    expect(ourHealthy).toEqual(realHealthy);
    const [realFo, ourFo] = await Promise.all([failovers(real), failovers(ours)]);
    expect(realFo).toEqual({
      afterAlpha: { alpha: ['alpha-r', '1'], beta: ['beta-m', '0', 'master'] },
      afterBeta: { alpha: ['alpha-r', '1'], beta: ['beta-r', '2'] },
      file: [
        { name: 'alpha', monitor: 'alpha-r', currentEpoch: 2, configEpoch: 1, leaderEpoch: 1, knownReplicas: ['alpha-m'] },
        { name: 'beta', monitor: 'beta-r', currentEpoch: 2, configEpoch: 2, leaderEpoch: 2, knownReplicas: ['beta-m'] },
      ],
    });
    expect(ourFo).toEqual(realFo);
  }, 180_000);
});
