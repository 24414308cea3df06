/**
 * Hello messages (redis/redis src/sentinel.c, 7.0): sentinelSendHello publishes this sentinel and
 * its view of the master on `__sentinel__:hello` of every instance every SENTINEL_PUBLISH_PERIOD;
 * sentinelProcessHelloMessage learns other sentinels from them, adopts a greater current epoch and
 * a master configuration with a greater config epoch (the observer's side of a fail-over). Functions
 * over a SentinelNode, as sentinel.c's take a sentinelRedisInstance.
 */
import type { SentinelNode } from './sentinel.js';
import type { Hello, SentinelOutput } from './types.js';
import { sentinelCallClientReconfScript } from './script-hooks.js';

/** sentinelSendHello, for the master and each of its replicas. */
export function sentinelSendHello(n: SentinelNode, instances: readonly string[], out: SentinelOutput[]): void {
  const hello: Hello = {
    sentinel: n.name,
    runid: n.myid,
    current_epoch: n.vote.current_epoch,
    master_name: n.config.masterName,
    master_addr: n.sentinelGetCurrentMasterAddress(),
    master_config_epoch: n.master.config_epoch,
  };
  for (const to of instances) {
    out.push({ to, msg: { type: 'SUBSCRIBE' } });
    out.push({ to, msg: { type: 'PUBLISH', hello } });
  }
}

/** sentinelProcessHelloMessage: learn sentinels and adopt a newer master config. */
export function sentinelProcessHelloMessage(n: SentinelNode, h: Hello, nowMs: number): void {
  if (h.sentinel === n.name || h.master_name !== n.config.masterName) return;
  const known = n.sentinels.get(h.sentinel);
  if (known === undefined) {
    n.sentinels.set(h.sentinel, { runid: h.runid, last_hello_time: nowMs, last_avail_time: nowMs, s_down_since_time: undefined, master_down: false, master_down_reply_time: 0, leader: undefined, leader_epoch: 0 });
    n.event(`+sentinel sentinel ${h.sentinel}`);
  } else known.last_hello_time = nowMs;
  if (h.current_epoch > n.vote.current_epoch) {
    n.vote.current_epoch = h.current_epoch;
    n.event(`+new-epoch ${h.current_epoch}`);
  }
  if (h.master_config_epoch > n.master.config_epoch) {
    n.event(`+config-update-from sentinel ${h.sentinel}`);
    if (h.master_addr !== n.master.addr) {
      const old = n.master.addr;
      n.resetMasterAndChangeAddress(h.master_addr, h.master_config_epoch, nowMs);
      sentinelCallClientReconfScript(n, 'observer', old, h.master_addr);
    } else n.master.config_epoch = h.master_config_epoch;
  }
}
