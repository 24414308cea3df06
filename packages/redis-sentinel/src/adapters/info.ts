/**
 * The fields of `INFO` a sentinel reads (sentinel.c sentinelRefreshInstanceInfo, Redis 7.0):
 * run_id; role; for a replica master_host / master_port, master_link_status,
 * master_link_down_since_seconds, slave_repl_offset, slave_priority; for a master its
 * `slaveN:ip=…,port=…` lines. Unknown lines are ignored; an INFO without `role:` is no reply.
 */
import type { InfoReply } from '../types.js';

export function parseInfoReplication(info: string): InfoReply | undefined {
  const fields = new Map<string, string>();
  const slaves: string[] = [];
  for (const raw of info.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (/^slave\d+$/.test(key)) {
      const kv = new Map(value.split(',').map((p) => p.split('=') as [string, string]));
      const ip = kv.get('ip');
      const port = kv.get('port');
      if (ip !== undefined && port !== undefined) slaves.push(`${ip}:${port}`);
      continue;
    }
    fields.set(key, value);
  }
  const role = fields.get('role');
  if (role !== 'master' && role !== 'slave') return undefined;
  const host = fields.get('master_host');
  const port = fields.get('master_port');
  const linkUp = fields.get('master_link_status') === 'up';
  const downSince = Number(fields.get('master_link_down_since_seconds') ?? '0');
  return {
    runid: fields.get('run_id') ?? '',
    role,
    master_host: role === 'slave' && host !== undefined && port !== undefined ? `${host}:${port}` : undefined,
    slave_repl_offset: Number(fields.get('slave_repl_offset') ?? '0'),
    slave_priority: Number(fields.get('slave_priority') ?? '100'),
    slaves: role === 'master' ? slaves : [],
    // Down since an unknown time (-1: never connected) counts as a long time.
    master_link_down_time: role !== 'slave' || linkUp ? 0 : downSince >= 0 ? Math.max(1, downSince * 1000) : Number.MAX_SAFE_INTEGER,
  };
}
