// Replays test/transcripts/*.txt on redis-server 7.0 and checks that every reply line the
// transcript records is the real server's reply, byte for byte (RESP2).
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describePeer, startServer, parseTranscript } from '@protolab/testkit';
import { RespClient } from '@protolab/resp';
import { argvOf, showReply } from './transcript-runner.js';

const FILES = ['lists.txt', 'sets.txt', 'zsets.txt', 'bitmaps.txt', 'hyperloglog.txt', 'geo.txt'];

describePeer('redis-server', 'the command transcripts replayed on redis-server 7.0', () => {
  for (const name of FILES) {
    it(`every reply in transcripts/${name} is redis-server's reply`, async () => {
      const server = await startServer({
        name: 'redis-server',
        command: 'redis-server',
        args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
      });
      const c = await RespClient.connect(server.port, '127.0.0.1');
      try {
        const path = fileURLToPath(new URL(`./transcripts/${name}`, import.meta.url));
        const { blocks } = parseTranscript(readFileSync(path, 'utf8'), path);
        for (const b of blocks) {
          const real = showReply(await c.call(...argvOf(b.command)));
          const recorded = b.expected.split('\n')[0];
          expect(real, `${name}:${b.command.lineNo} ${b.command.line}`).toBe(recorded);
        }
      } finally {
        await c.close();
        await server.stop();
      }
    });
  }
});
