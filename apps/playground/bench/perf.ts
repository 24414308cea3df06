// Playground performance in headless Chromium (a benchmark, not a test):
//   - frames per second while playing a 5-server ZooKeeper election with faults (10 % loss,
//     5 % duplicates) at the fastest speed;
//   - how long stepping back takes on a run of ~10^4 events: one step back (served from a spare
//     parked at a checkpoint), after the spares were built in idle frames, and a jump to the middle.
// Run: npx tsx apps/playground/bench/perf.ts   (builds the app, serves it on 127.0.0.1)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({ root, logLevel: 'error' });
const server = await preview({ root, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
const addr = server.httpServer.address();
const port = typeof addr === 'object' && addr !== null ? addr.port : 4173;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`http://127.0.0.1:${String(port)}/#/zookeeper?seed=1&n=5`);
await page.click('[data-act=start-all]');
await page.fill('input[aria-label="loss %"]', '10');
await page.fill('input[aria-label="duplicate %"]', '5');
await page.click('[data-act=link]');
await page.selectOption('#speed', '5');
await page.keyboard.press(' ');
await page.waitForTimeout(5000);
await page.keyboard.press(' ');
const fps = await page.evaluate(() => window.playground.fps());
console.log(`playing at 1000 events/s for 5 s: median ${fps.toFixed(1)} frames/s, position ${String(await page.evaluate(() => window.playground.pos()))}`);

// A long run: crash and restart servers in turn until the log has ~10^4 entries.
const n = await page.evaluate(() => {
  let k = 0;
  while (window.playground.end() < 10_000 && k < 400) { window.playground.forward(200); k++; }
  return window.playground.end();
});
console.log(`run of ${String(n)} events`);
const cold = await page.evaluate(() => window.playground.seek(window.playground.pos() - 1));
console.log(`step back 1 with no spares yet (replay from the seed): ${cold.toFixed(1)} ms`);
await page.waitForTimeout(8000); // idle frames build spares
const samples: number[] = [];
for (let i = 0; i < 5; i++) {
  samples.push(await page.evaluate(() => window.playground.seek(window.playground.pos() - 1)));
  await page.waitForTimeout(1500);
}
console.log(`step back 1 with spares (5 in a row, 1.5 s apart): ${samples.map((x) => x.toFixed(1)).join(', ')} ms`);
const mid = await page.evaluate(() => window.playground.seek(Math.floor(window.playground.end() / 2)));
console.log(`jump to the middle: ${mid.toFixed(1)} ms (includes rendering)`);
await browser.close();
await new Promise<void>((r) => { server.httpServer.close(() => { r(); }); });
