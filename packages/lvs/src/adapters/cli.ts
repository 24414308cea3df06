#!/usr/bin/env node
/**
 * protolab-lb — replay clients or a seeded workload through any IPVS scheduler or nginx balancer
 * configured from an `ipvsadm -Sn` dump, a keepalived.conf or an nginx `upstream` block, and
 * print the distribution and what moves when a server is removed. The only I/O of the tool:
 * argv, files, stdout/stderr, the exit code. Exit 0: done; 1: the input was refused (a typed
 * error, printed); 2: bad usage.
 */
import { readFileSync } from 'node:fs';
import { NginxError } from '@protolab/nginx';
import { LvsError } from '../errors.js';
import { balancerName, loadConfig, parseBalancer, type ConfigFormat, type LbConfig } from '../lb/config.js';
import { formatReplay } from '../lb/format.js';
import { replayClients, type ReplayResult } from '../lb/replay.js';
import { replayWorkload } from './lb-workload.js';

export const HELP = `protolab-lb — which server gets which client, under IPVS or nginx

usage: protolab-lb (--ipvsadm FILE | --keepalived FILE | --nginx FILE) [--service VIP:PORT|NAME]
                   (--clients FILE | --workload k=v,...) [--balancer NAME] [--remove SERVER]
                   [--seed N] [--json]

  --ipvsadm FILE     servers and scheduler from \`ipvsadm -Sn\` output (- reads stdin)
  --keepalived FILE  from keepalived.conf: a virtual_server's real_servers and lb_algo
  --nginx FILE       from an nginx \`upstream name { … }\` block: servers and method
  --service NAME     which virtual service (VIP:PORT) or nginx upstream (its name), when the
                     file has several (default: the first)
  --balancer NAME    replay through another balancer instead: an IPVS scheduler (rr wrr lc wlc
                     sed nq sh dh mh lblc lblcr fo ovf twos) or nginx:METHOD (round_robin
                     least_conn ip_hash hash hash_consistent random random_two)
  --clients FILE     one client per line (IPv4 address; any key for nginx hash); each client
                     opens one connection and keeps it. For dh/lblc/lblcr a line is the
                     destination address.
  --workload k=v,…   a seeded workload on the simulator instead: rate (conn/s, 40), mean (ms, 3000),
                     clients (300), duration (ms, 60000), dist (exponential|pareto)
  --remove SERVER    also show what moves without SERVER (clients: the same clients on the
                     configuration without it; workload: it fails half-way)
  --seed N           seed for the workload and for twos/random (default 1)
  --json             print the result as JSON
  --help             this text

exit status: 0 done, 1 the input was refused (the error says what and where), 2 bad usage`;

class UsageError extends Error {}

interface Args {
  format: ConfigFormat;
  file: string;
  service?: string;
  balancer?: string;
  clients?: string;
  workload?: string;
  remove?: string;
  seed: number;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const m = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--json') json = true;
    else if (['--ipvsadm', '--keepalived', '--nginx', '--service', '--balancer', '--clients', '--workload', '--remove', '--seed'].includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      m.set(a.slice(2), v);
    } else throw new UsageError(`unknown argument "${a}"`);
  }
  const formats = (['ipvsadm', 'keepalived', 'nginx'] as const).filter((f) => m.has(f));
  const format = formats[0];
  if (format === undefined || formats.length > 1) throw new UsageError('give exactly one of --ipvsadm, --keepalived, --nginx');
  if (m.has('clients') === m.has('workload')) throw new UsageError('give exactly one of --clients, --workload');
  const seed = Number(m.get('seed') ?? '1');
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected an integer, found "${m.get('seed') ?? ''}"`);
  const args: Args = { format, file: m.get(format) ?? '', seed, json };
  for (const k of ['service', 'balancer', 'clients', 'workload', 'remove'] as const) {
    const v = m.get(k);
    if (v !== undefined) args[k] = v;
  }
  return args;
}

function workloadOptions(spec: string, seed: number): { seed: number; arrivalsPerSec: number; meanConnMs: number; sources: number; durationMs: number; durationDist: 'exponential' | 'pareto' } {
  const kv = new Map(spec.split(',').filter((x) => x !== '').map((x) => x.split('=') as [string, string]));
  for (const k of kv.keys()) if (!['rate', 'mean', 'clients', 'duration', 'dist'].includes(k)) throw new UsageError(`--workload: unknown key "${k}"`);
  const num = (k: string, d: number): number => {
    const v = kv.get(k);
    return v === undefined ? d : Number(v);
  };
  const dist = kv.get('dist') ?? 'exponential';
  if (dist !== 'exponential' && dist !== 'pareto') throw new UsageError(`--workload: dist is exponential or pareto, found "${dist}"`);
  return { seed, arrivalsPerSec: num('rate', 40), meanConnMs: num('mean', 3000), sources: num('clients', 300), durationMs: num('duration', 60_000), durationDist: dist };
}

const read = (file: string): string => readFileSync(file === '-' ? 0 : file, 'utf8');

/** Runs the tool; returns the exit code and what to print. */
export function main(argv: readonly string[]): { code: number; out: string; err: string } {
  try {
    const args = parseArgs(argv);
    if (args === 'help') return { code: 0, out: HELP, err: '' };
    const loaded = loadConfig(args.format, read(args.file), args.service);
    const cfg: LbConfig = args.balancer === undefined ? loaded : { ...loaded, balancer: parseBalancer(args.balancer) };
    let result: ReplayResult;
    let what: string;
    if (args.clients !== undefined) {
      const clients = read(args.clients).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
      result = replayClients(cfg, clients, { seed: args.seed, ...(args.remove !== undefined ? { remove: args.remove } : {}) });
      what = `${String(clients.length)} clients from ${args.clients}, each holding one connection`;
    } else {
      const w = workloadOptions(args.workload ?? '', args.seed);
      result = replayWorkload(cfg, w, args.remove);
      what = `seeded workload (seed ${String(w.seed)}): ${String(w.arrivalsPerSec)} conn/s for ${String(w.durationMs)} ms, mean ${String(w.meanConnMs)} ms ${w.durationDist}, ${String(w.sources)} client addresses${args.remove === undefined ? '' : `; ${args.remove} fails at ${String(Math.floor(w.durationMs / 2))} ms`}`;
    }
    result.balancer = balancerName(cfg.balancer);
    return { code: 0, out: args.json ? JSON.stringify(result, null, 2) : formatReplay(result, what), err: '' };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out: '', err: `protolab-lb: ${e.message}\n(protolab-lb --help for usage)` };
    if (e instanceof LvsError || e instanceof NginxError) return { code: 1, out: '', err: `protolab-lb: ${e.name} ${e.code}: ${e.message}` };
    if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES')) return { code: 1, out: '', err: `protolab-lb: ${e.message}` };
    throw e;
  }
}

// Run when executed as a program (node dist/adapters/cli.js, the protolab-lb bin, or tsx src/adapters/cli.ts).
const entry = process.argv[1] ?? '';
if (/(?:cli\.[cm]?[jt]s|protolab-lb)$/.test(entry)) {
  const r = main(process.argv.slice(2));
  if (r.out !== '') process.stdout.write(`${r.out}\n`);
  if (r.err !== '') process.stderr.write(`${r.err}\n`);
  process.exitCode = r.code;
}
