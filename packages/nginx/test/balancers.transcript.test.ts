import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { describeTranscript, type TranscriptCommand } from '@protolab/testkit';
import { NginxUpstream, type NginxMethod } from '../src/index.js';

/**
 * Runner of test/transcripts/swrr.txt. Commands:
 *   upstream METHOD name=w … [down=NAME] [backup=NAME]   a fresh upstream, servers in config order
 *   request N [key=K] [client=ADDR]   N requests that complete before the next starts; one line
 *                                     each: the peer chosen, then every peer's current_weight after
 *   down NAME / up NAME               mark a server down (as `server … down`, then a reload)
 */
function runner(): (cmd: TranscriptCommand) => string {
  let up: NginxUpstream | undefined;
  const need = (): NginxUpstream => {
    if (up === undefined) throw new Error('upstream first');
    return up;
  };
  const weights = (u: NginxUpstream): string => u.peers().map((p) => `${p.name}=${String(p.currentWeight)}`).join(' ');
  return (cmd) => {
    const [first, ...rest] = cmd.args;
    const opt = (k: string): string | undefined => rest.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1);
    switch (cmd.name) {
      case 'upstream': {
        const specs = rest.filter((a) => !a.startsWith('down=') && !a.startsWith('backup=')).map((a) => a.split('='));
        up = new NginxUpstream({
          method: first as NginxMethod,
          servers: specs.map(([name = '', w = '1'], i) => ({ name, address: `10.0.0.${String(i + 1)}:80`, weight: Number(w), down: opt('down') === name, backup: opt('backup') === name })),
        });
        return `${String(first)}: ${weights(up)}`;
      }
      case 'request': {
        const u = need();
        const out: string[] = [];
        const key = opt('key');
        const client = opt('client');
        const req = { ...(key !== undefined ? { key } : {}), ...(client !== undefined ? { clientAddr: client } : {}) };
        for (let i = 0; i < Number(first); i++) {
          const name = u.request(req);
          out.push(`${name ?? '502'}  current: ${weights(u)}`);
        }
        return out.join('\n');
      }
      case 'down':
      case 'up':
        need().peer(first ?? '').down = cmd.name === 'down';
        return weights(need());
      default:
        throw new Error(`unknown command ${cmd.name}`);
    }
  };
}

describe('nginx balancer transcripts', () => {
  describeTranscript(fileURLToPath(new URL('./transcripts/swrr.txt', import.meta.url)), runner);
});
