// A golden transcript of persistence, step by step (test/transcripts/persistence.txt): commands on
// one connection, serverCron ticks, the files in `dir` with their sizes and fsync state, what
// Redis would log, and restarts after a clean stop or a power loss (SimDisk, a virtual clock).
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript } from '@protolab/testkit';
import type { TranscriptCommand } from '@protolab/testkit';
import { persistentHarness } from './persistence-harness.js';
import type { PersistenceConfig } from '../src/index.js';

const file = fileURLToPath(new URL('./transcripts/persistence.txt', import.meta.url));

function parseConfig(args: readonly string[]): Partial<PersistenceConfig> {
  const cfg: { appendonly?: boolean; appendfsync?: 'always' | 'everysec' | 'no'; save?: { seconds: number; changes: number }[] } = { save: [] };
  for (const a of args) {
    const [k, v = ''] = a.split('=');
    if (k === 'appendonly') cfg.appendonly = v === 'yes';
    if (k === 'appendfsync' && (v === 'always' || v === 'everysec' || v === 'no')) cfg.appendfsync = v;
    if (k === 'save') cfg.save = v === '' ? [] : [{ seconds: Number(v.split(':')[0]), changes: Number(v.split(':')[1]) }];
  }
  return cfg;
}

function runner(): (cmd: TranscriptCommand) => string {
  let cfg: Partial<PersistenceConfig> = { save: [] };
  let h = persistentHarness(cfg);
  let seed = 1;
  const withLog = (out: string[], from: number): string => [...out, ...h.log.slice(from).map((l) => `log: ${l}`)].join('\n');
  return (cmd) => {
    const from = h.log.length;
    switch (cmd.name) {
      case 'start':
        // A new process on the same dir (the old one is gone; its files stay as they are).
        cfg = parseConfig(cmd.args);
        h = persistentHarness(cfg, { disk: h.disk, clock: h.clock });
        return withLog(['started'], 0);
      case 'power-loss':
        // Only fsynced bytes survive (plus what the simulated OS wrote back), then a new process.
        h = h.crashAndRestart(seed++, cfg);
        return withLog(['started after a power loss'], 0);
      case 'tick':
        h.tick();
        return withLog(['cron'], from);
      case 'advance':
        h.advance(Number(cmd.args[0]));
        return `t+${cmd.args[0]}ms`;
      case 'files':
        return h.disk.list().map((f) => `${f} ${h.disk.size(f)} bytes${h.disk.durableSize(f) === h.disk.size(f) ? '' : ` (${h.disk.durableSize(f)} fsynced)`}`).join('\n') || '(no files)';
      case 'info': {
        const text = h.cmd('INFO persistence');
        return cmd.args.map((f) => text.split('\r\n').find((l) => l.startsWith(`${f}:`)) ?? `${f}: (absent)`).join('\n');
      }
      default: {
        const reply = h.cmd(cmd.line).replace(/\r\n$/, '').split('\r\n').join(' ');
        return withLog([reply === '' ? '(no reply)' : reply], from);
      }
    }
  };
}

describe('persistence step by step (test/transcripts/persistence.txt)', () => {
  describeTranscript(file, runner);
});
