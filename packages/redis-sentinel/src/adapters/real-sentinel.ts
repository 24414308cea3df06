/**
 * A protolab Sentinel watching real Redis servers over TCP: the sans-I/O `Sentinel` (one or more
 * masters, each a `SentinelNode`; sentinel-state.ts) driven by
 * the wall clock, its messages turned into the commands sentinel.c sends (PING, INFO, SUBSCRIBE
 * and PUBLISH on `__sentinel__:hello`, and for a promotion / reconfiguration the
 * MULTI · REPLICAOF · CONFIG REWRITE · CLIENT KILL TYPE normal · EXEC transaction of
 * sentinelSendSlaveOf), and the replies turned back into PONG / INFO / HELLO messages.
 *
 * Instances are named by their address `host:port`, as the core's addresses are. Links are kept per
 * address and shared by every master that knows the address (a sentinel watching two masters
 * PINGs a fellow sentinel once per timer run). Two links per instance, as sentinel.c's instanceLink: commands, and a Pub/Sub connection for hellos.
 * Each new link first sends `AUTH` when a password applies and `CLIENT SETNAME
 * sentinel-<myid[0..8]>-cmd|pubsub`, their replies discarded, then PING or SUBSCRIBE
 * (sentinelReconnectInstance; sentinel-auth.ts decides). A link
 * that cannot connect or fails a call simply does not answer: the core's down-after-milliseconds
 * turns that into +sdown, as for Redis. Sentinel-to-sentinel messages (is-master-down-by-addr) go
 * between the RealSentinel objects of one `group` in this process, not over TCP (documented in the
 * README). Real I/O lives here only; the core has no clock, socket or randomness.
 */
import { RespClient, type RespValue } from '@protolab/resp';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { SentinelNode } from '../sentinel.js';
import { Sentinel } from '../sentinel-state.js';
import { sentinelAuthArgv, sentinelClientName } from '../sentinel-auth.js';
import type { Hello, InfoReply, SentinelConfig, SentinelMsg, SentinelOutput } from '../types.js';
import { parseInfoReplication } from './info.js';

/** sentinel.c SENTINEL_HELLO_CHANNEL */
export const SENTINEL_HELLO_CHANNEL = '__sentinel__:hello';

export interface RealSentinelOptions {
  /** The master to monitor (the first, when `configs` names more). */
  readonly config: SentinelConfig;
  /** Further masters (`sentinel monitor` lines after the first), monitored by the same sentinel. */
  readonly moreConfigs?: readonly SentinelConfig[];
  /** The sentinel's run id (40 hex characters) and the address it announces in hellos. */
  readonly myid: string;
  readonly announce: string;
  /** Sentinels of the same group exchange is-master-down-by-addr in process. */
  readonly group?: Map<string, RealSentinel>;
  /** `sentinel sentinel-pass` / `sentinel-user`: the AUTH sent to other sentinels. */
  readonly sentinelAuthPass?: string;
  readonly sentinelAuthUser?: string;
  /** Milliseconds between timer ticks (sentinel.c runs sentinelTimer at hz 10, 100 ms). */
  readonly tickMs?: number;
}

interface Link {
  cmd: RespClient | undefined;
  pubsub: RespClient | undefined;
  connecting: boolean;
}

const text = (v: RespValue): string => (v.type === 'bulk' || v.type === 'verbatim' ? Buffer.from(v.value).toString('utf8') : v.type === 'simple' || v.type === 'error' ? v.value : '');

export class RealSentinel {
  /** Every master this sentinel monitors, with the shared epoch, TILT and scripts (sentinel-state.ts). */
  readonly sentinel: Sentinel;
  /** The first master's core (the single-master view older callers use). */
  readonly core: SentinelNode;
  private readonly links = new Map<string, Link>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly group: Map<string, RealSentinel>;

  constructor(private readonly options: RealSentinelOptions) {
    this.sentinel = new Sentinel(options.announce, options.myid, [options.config, ...(options.moreConfigs ?? [])], (n) => Math.floor(Math.random() * n));
    const first = this.sentinel.masters.get(options.config.masterName);
    if (first === undefined) throw new Error('unreachable: the first master is always created');
    this.core = first;
    this.sentinel.sentinel_auth_pass = options.sentinelAuthPass;
    this.sentinel.sentinel_auth_user = options.sentinelAuthUser;
    this.group = options.group ?? new Map<string, RealSentinel>();
    this.group.set(options.announce, this);
  }

  /** sentinelIsRunning: the `+monitor` events, then the timer (sentinelTimer) every tickMs (100). */
  start(): void {
    this.sentinel.sentinelGenerateInitialMonitorEvents();
    this.timer = setInterval(() => { this.tick(); }, this.options.tickMs ?? 100);
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.group.delete(this.options.announce);
    const closing: Promise<void>[] = [];
    for (const l of this.links.values()) for (const c of [l.cmd, l.pubsub]) if (c !== undefined) closing.push(c.close().catch(() => undefined));
    this.links.clear();
    await Promise.all(closing);
  }

  /** SENTINEL FAILOVER <master> (the first master when no name is given). */
  failover(masterName?: string): string {
    const n = masterName === undefined ? this.core : this.sentinel.masters.get(masterName);
    if (n === undefined) return '-ERR No such master with that name';
    const r = n.failover(Date.now());
    this.tick();
    return r;
  }

  /** A hello another sentinel PUBLISHed to our SENTINEL server (sentinelPublishCommand). */
  receiveHello(payload: string): void {
    const hello = parseHello(payload);
    if (hello !== undefined) this.deliver(hello.sentinel, { type: 'HELLO', hello });
  }

  /** SRI_DISCONNECTED: no command link to the instance right now. */
  linkDisconnected(addr: string): boolean {
    return this.links.get(addr)?.cmd === undefined;
  }

  /**
   * dropInstanceConnections (SENTINEL SET auth-pass / auth-user): close the links to the master and
   * its replicas; the next command to each opens new ones, which AUTH with the new values.
   */
  dropInstanceConnections(masterName: string): void {
    const n = this.sentinel.masters.get(masterName);
    if (n !== undefined) this.dropLinks([n.master.addr, ...n.slaves.keys()]);
  }

  /** sentinelDropConnections (SENTINEL CONFIG SET sentinel-user / sentinel-pass): close the links to every other sentinel. */
  sentinelDropConnections(): void {
    for (const n of this.sentinel.masters.values()) this.dropLinks(n.sentinels.keys());
  }

  private dropLinks(addrs: Iterable<string>): void {
    for (const addr of addrs) {
      const l = this.links.get(addr);
      if (l === undefined) continue;
      this.links.delete(addr);
      for (const c of [l.cmd, l.pubsub]) if (c !== undefined) void c.close().catch(noop);
    }
  }

  /** Runs the timer now (after a command that changed the core, as SENTINEL FAILOVER). */
  kick(): void {
    this.tick();
  }

  private tick(): void {
    this.emit(this.sentinel.tick(Date.now()));
    this.runScripts();
  }

  /**
   * sentinelTimer's script part (scripts.ts decides): SIGKILL the jobs past their run time
   * (sentinelKillTimedoutScripts), start the pending ones (sentinelRunPendingScripts) and report
   * each exit (sentinelCollectTerminatedScripts). A script that cannot be executed counts as
   * exit status 2, as Redis's forked child exits 2 when execve fails.
   */
  private runScripts(): void {
    const scripts = this.sentinel.scripts;
    if (scripts.queue.length === 0) return;
    for (const job of scripts.timedOut(Date.now())) {
      if (job.pid > 0) {
        try { process.kill(job.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    for (const job of scripts.runPending(Date.now())) {
      const [path = '', ...args] = job.argv;
      const done = (code: number, signal: number): void => { scripts.terminated(job, code, signal, Date.now()); };
      let child;
      try {
        child = spawn(path, args, { stdio: 'ignore' });
      } catch {
        done(2, 0);
        continue;
      }
      child.once('error', () => { done(2, 0); });
      child.once('exit', (code, signal) => { done(code ?? 0, signal === null ? 0 : constants.signals[signal]); });
      if (child.pid !== undefined) scripts.started(job, child.pid);
    }
  }

  private deliver(from: string, msg: SentinelMsg): void {
    this.emit(this.sentinel.onMessage(from, msg, Date.now()));
  }

  private emit(outs: readonly SentinelOutput[]): void {
    for (const o of outs) {
      const peer = this.group.get(o.to);
      if (peer !== undefined) {
        // is-master-down-by-addr and its reply, in process.
        queueMicrotask(() => { peer.deliver(this.options.announce, o.msg); });
        continue;
      }
      this.send(o.to, o.msg);
    }
  }

  private link(addr: string): Link {
    let l = this.links.get(addr);
    if (l === undefined) {
      l = { cmd: undefined, pubsub: undefined, connecting: false };
      this.links.set(addr, l);
    }
    if (l.cmd === undefined && !l.connecting) void this.connect(addr, l);
    return l;
  }

  /** sentinelReconnectInstance: a command link and a Pub/Sub link subscribed to the hello channel. */
  private async connect(addr: string, l: Link): Promise<void> {
    l.connecting = true;
    const [host, port] = splitAddr(addr);
    const auth = sentinelAuthArgv(this.sentinel, addr);
    // sentinelSendAuthIfNeeded + sentinelSetClientName: written before anything else, replies discarded.
    const hello = (c: RespClient, type: 'cmd' | 'pubsub'): void => {
      if (auth !== undefined) void c.call(...auth).catch(noop);
      void c.call('CLIENT', 'SETNAME', sentinelClientName(this.options.myid, type)).catch(noop);
    };
    let opened: RespClient[] = [];
    try {
      const cmd = await RespClient.connect(port, host, { replyTimeoutMs: 2000, connectTimeoutMs: 1000 });
      opened = [cmd];
      hello(cmd, 'cmd');
      const pubsub = await RespClient.connect(port, host, { replyTimeoutMs: 0, connectTimeoutMs: 1000 });
      opened.push(pubsub);
      pubsub.onPush((v) => { this.onHelloPush(addr, v); });
      hello(pubsub, 'pubsub');
      // An error reply to SUBSCRIBE (-NOAUTH after a wrong or missing password) makes hiredis 1.0
      // (Redis 7.0's) drop the Pub/Sub link at once (redisProcessCallbacks: an error with no
      // callback waiting), so the instance stays `disconnected` and gets no PONG in: +sdown.
      const subscribed = await pubsub.call('SUBSCRIBE', SENTINEL_HELLO_CHANNEL);
      if (subscribed.type === 'error') throw new Error(subscribed.value);
      const dropped = (): void => {
        if (l.cmd === cmd) l.cmd = undefined;
        if (l.pubsub === pubsub) l.pubsub = undefined;
      };
      void cmd.closed.then(dropped);
      void pubsub.closed.then(dropped);
      l.cmd = cmd;
      l.pubsub = pubsub;
      // sentinelReconnectInstance sends a PING as soon as the command link is up, and
      // sentinelSendPeriodicCommands INFO at once to an instance never INFOed (info_refresh 0); here
      // both as soon as the link is up, rather than losing the core's first PING and INFO to the
      // connect (a replica found 2 s before its master died then looked down: no PONG yet).
      this.send(addr, { type: 'PING' });
      this.send(addr, { type: 'INFO' });
    } catch {
      // Not reachable now: no PONG, so the core's down-after-milliseconds applies. Retried on the next send.
      for (const c of opened) void c.close().catch(noop);
    } finally {
      l.connecting = false;
    }
  }

  private send(addr: string, msg: SentinelMsg): void {
    const l = this.link(addr);
    const cmd = l.cmd;
    if (cmd === undefined) return;
    const call = (...argv: string[]): Promise<RespValue> => cmd.call(...argv);
    switch (msg.type) {
      case 'PING':
        void call('PING').then((r) => {
          if (sentinelPingReplyIsValid(r)) this.deliver(addr, { type: 'PONG' });
        }, noop);
        return;
      case 'INFO':
        void call('INFO').then((r) => {
          const info: InfoReply | undefined = parseInfoReplication(text(r));
          if (info !== undefined) this.deliver(addr, { type: 'INFO_REPLY', info });
        }, noop);
        return;
      case 'REPLICAOF': {
        // sentinelSendSlaveOf: one transaction, so that the instance is reconfigured at once.
        const to = msg.host === null ? ['NO', 'ONE'] : splitAddr(msg.host).map(String);
        void Promise.all([call('MULTI'), call('REPLICAOF', ...to), call('CONFIG', 'REWRITE'), call('CLIENT', 'KILL', 'TYPE', 'normal'), call('EXEC')]).catch(noop);
        return;
      }
      case 'SUBSCRIBE':
        return; // the Pub/Sub link subscribes when it connects
      case 'PUBLISH':
        void call('PUBLISH', SENTINEL_HELLO_CHANNEL, formatHello(msg.hello)).catch(noop);
        return;
      case 'IS_MASTER_DOWN': {
        // A sentinel outside this process's group: ask it over TCP, as sentinelAskMasterStateToOtherSentinels.
        const [ip, port] = splitAddr(msg.addr);
        void call('SENTINEL', 'is-master-down-by-addr', ip, String(port), String(msg.current_epoch), msg.runid).then((r) => {
          const reply = parseIsMasterDownReply(r);
          // The reply does not say which master it is about; the question we sent does (sentinel.c's privdata).
          if (reply !== undefined) this.deliver(addr, { ...reply, master_name: msg.master_name });
        }, noop);
        return;
      }
      default:
        return;
    }
  }

  private onHelloPush(addr: string, v: RespValue): void {
    if (v.type !== 'push' && v.type !== 'array') return;
    const [kind, channel, payload] = v.value;
    if (kind === undefined || channel === undefined || payload === undefined) return;
    if (text(kind) !== 'message' || text(channel) !== SENTINEL_HELLO_CHANNEL) return;
    const hello = parseHello(text(payload));
    if (hello !== undefined) this.deliver(addr, { type: 'HELLO', hello });
  }
}

function noop(): void {}

/**
 * sentinelPingReplyCallback: a status or error reply starting PONG, LOADING or MASTERDOWN makes
 * the instance available; anything else (`-NOAUTH Authentication required.` after a wrong or
 * missing password, `-BUSY`) does not, and it goes +sdown after down-after-milliseconds.
 */
export function sentinelPingReplyIsValid(r: RespValue): boolean {
  if (r.type !== 'simple' && r.type !== 'error') return false;
  return r.value.startsWith('PONG') || r.value.startsWith('LOADING') || r.value.startsWith('MASTERDOWN');
}

/** sentinelReceiveIsMasterDownReply: `*3 :down $leader :epoch`, anything else ignored. */
export function parseIsMasterDownReply(r: RespValue): Omit<Extract<SentinelMsg, { type: 'IS_MASTER_DOWN_REPLY' }>, 'master_name'> | undefined {
  if (r.type !== 'array' || r.value.length !== 3) return undefined;
  const [down, leader, epoch] = r.value as [RespValue, RespValue, RespValue];
  if (down.type !== 'integer' || leader.type !== 'bulk' || epoch.type !== 'integer') return undefined;
  return { type: 'IS_MASTER_DOWN_REPLY', down: down.value === 1n, leader: text(leader), leader_epoch: Number(epoch.value) };
}

export function splitAddr(addr: string): [string, number] {
  const at = addr.lastIndexOf(':');
  return [addr.slice(0, at), Number(addr.slice(at + 1))];
}

/**
 * sentinelSendHello's payload: `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`.
 * The core names a sentinel by its announced address, so `ip,port` is that address split.
 */
export function formatHello(h: Hello): string {
  const [ip, port] = splitAddr(h.sentinel);
  const [mip, mport] = splitAddr(h.master_addr);
  return [ip, port, h.runid, h.current_epoch, h.master_name, mip, mport, h.master_config_epoch].join(',');
}

/** sentinelProcessHelloMessage's parse: eight comma-separated fields, else ignored. */
export function parseHello(payload: string): Hello | undefined {
  const f = payload.split(',');
  if (f.length !== 8) return undefined;
  const [ip, port, runid, epoch, name, mip, mport, mepoch] = f as [string, string, string, string, string, string, string, string];
  const current_epoch = Number(epoch);
  const master_config_epoch = Number(mepoch);
  if (!Number.isSafeInteger(current_epoch) || !Number.isSafeInteger(master_config_epoch)) return undefined;
  return { sentinel: `${ip}:${port}`, runid, current_epoch, master_name: name, master_addr: `${mip}:${mport}`, master_config_epoch };
}
