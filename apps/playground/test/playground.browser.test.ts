// The playground in real headless Chromium (Debian's `chromium`, driven by playwright-core with
// executablePath: nothing is downloaded). Each scenario is loaded from the static build, driven
// through its buttons, and what the page shows is compared with the same run computed here in
// Node from the library; step back N / forward N, shared URLs and console errors are checked, and
// a screenshot of each scenario is written to apps/playground/test-results/ (CI keeps them).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { describePeer, freePort } from '@protolab/testkit';
import { Ensemble } from '@protolab/zookeeper';
import { simCluster, keyHashSlot } from '@protolab/redis-cluster';
import { Timeline } from '../src/timeline.js';
import { ExpiryRun } from '../src/scenarios/expiry.js';
import { PersistenceRun } from '../src/scenarios/persistence.js';
import { BalancingRun } from '../src/scenarios/balancing.js';
import { FailoverRun } from '../src/scenarios/failover.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = join(root, 'test-results');

describePeer('chromium', 'the playground in headless Chromium', (chromiumPath) => {
  let server: PreviewServer;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    await build({ root, logLevel: 'error' });
    const port = await freePort();
    server = await preview({ root, logLevel: 'error', preview: { port, strictPort: true, host: '127.0.0.1' } });
    base = `http://127.0.0.1:${String(port)}/`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) => { server.httpServer.close(() => { resolve(); }); });
  });

  async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => { errors.push(String(e)); });
    await page.goto(`${base}${hash}`);
    await page.waitForSelector('.tabs a');
    return { page, errors };
  }

  const viewText = (page: Page): Promise<string> => page.locator('main .view').innerText();

  async function backAndForth(page: Page, n: number): Promise<void> {
    const before = await viewText(page);
    const pos = await page.evaluate(() => window.playground.pos());
    await page.evaluate((k) => window.playground.seek(Math.max(0, window.playground.pos() - k)), n);
    expect(await page.evaluate(() => window.playground.pos())).toBe(Math.max(0, pos - n));
    await page.evaluate((p) => window.playground.seek(p), pos);
    expect(await viewText(page)).toBe(before);
  }

  async function sharedUrlReproduces(page: Page): Promise<void> {
    const hash = await page.evaluate(() => location.hash);
    const text = await viewText(page);
    const again = await open(hash);
    expect(await viewText(again.page)).toBe(text);
    expect(again.errors).toEqual([]);
    await again.page.close();
  }

  it('ZooKeeper: 5 servers started 1..5, 3 s apart → s3 leads, as the library run with the same seed; each follower\'s sync as the library says', async () => {
    const { page, errors } = await open('#/zookeeper?seed=1&n=5');
    await page.click('[data-act=start-all]');
    const lib = new Ensemble({ n: 5, seed: 1 });
    for (const sid of [1, 2, 3, 4, 5]) { lib.start(sid); lib.runFor(3000); }
    expect(lib.leader()).toBe(3);
    const leaderCard = page.locator('.card:has(.badge)');
    expect(await leaderCard.getAttribute('data-sid')).toBe(String(lib.leader()));
    for (const sid of [1, 2, 4, 5]) {
      const shown = await page.locator(`.card[data-sid="${String(sid)}"] .syncmode`).innerText();
      const mode = lib.peer(sid)?.lastSyncMode;
      expect(shown.startsWith(String(mode)), `s${String(sid)}: page says ${shown}, library ${String(mode)}`).toBe(true);
    }
    await page.click('[data-act="crash.3"]');
    for (let i = 0; i < 12; i++) await page.click('#run1s');
    lib.crash(3);
    lib.runFor(12_000);
    const newLeader = await page.locator('.card:has(.badge)').getAttribute('data-sid');
    expect(newLeader).toBe(String(lib.leader()));
    await backAndForth(page, 40);
    await sharedUrlReproduces(page);
    await page.screenshot({ path: join(shots, 'zookeeper.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Redis Cluster: moving {user}\'s slot to n1 — the page counts the same MOVED/ASK hops as the library run', async () => {
    const { page, errors } = await open('#/cluster?seed=7&pipeline=1&adminDelay=40');
    const slot = keyHashSlot('{user}');
    await page.click('[data-act=run-200]');
    await page.click('[data-act=move]');
    await page.click('[data-act=run-200]');
    await page.fill('#cl-cmd', 'GET {user}b');
    await page.click('[data-act=send]');
    await page.fill('#cl-cmd', 'MGET {user}a {user}b');
    await page.click('[data-act=send]');
    await page.click('[data-act=run-1s]');
    await page.fill('#cl-cmd', 'GET {user}a');
    await page.click('[data-act=send]');
    await page.click('[data-act=run-1s]');
    const hash = await page.evaluate(() => location.hash);
    // The same run in Node, from the same seed, through the library's simCluster directly.
    const cl = simCluster({ seed: 7, masters: 3, clients: 1, pipeline: 1, link: { minDelayMs: 1, maxExtraDelayMs: 3 } });
    for (const n of cl.masters) { cl.sim.setLink('admin', n, { minDelayMs: 40, maxExtraDelayMs: 0 }); cl.sim.setLink(n, 'admin', { minDelayMs: 40, maxExtraDelayMs: 0 }); }
    const log = new URLSearchParams(hash.split('?')[1]).get('log') ?? '';
    for (const part of log.split(',')) {
      if (part.startsWith('a:')) {
        const a = decodeURIComponent(part.slice(2)).split('.');
        if (a[0] === 'cmd') cl.command('c1', ...a.slice(1).map((x) => decodeURIComponent(x)));
        else cl.moveSlot(Number(a[1]), a[3] ?? '');
      } else if (part.startsWith('w')) cl.sim.advanceClock(Number(part.slice(1)));
      else for (let i = 0; i < Number(part.slice(1)); i++) cl.sim.step();
    }
    const st = cl.client('c1').client.stats;
    expect(st.moved + st.ask).toBeGreaterThan(0);
    expect(await page.locator('#cl-stats').innerText()).toContain(`${String(st.moved)} MOVED · ${String(st.ask)} ASK · ${String(st.tryagain)} TRYAGAIN`);
    expect(cl.core('n1').slots.owner(slot)).toBe('n1');
    await backAndForth(page, 25);
    await sharedUrlReproduces(page);
    await page.screenshot({ path: join(shots, 'cluster.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Redis expiry: the curve samples and counters on the page are the run\'s, at hz 10 and 20,000 + 20,000 keys', async () => {
    const { page, errors } = await open('#/expiry?seed=1&volatile=20000&persistent=20000&spread=1000&hz=10&effort=1');
    for (let i = 0; i < 5; i++) await page.click('[data-act=run-500]');
    const t = new Timeline(() => new ExpiryRun({ volatile: 20_000, persistent: 20_000, spreadMs: 1000, hz: 10, effort: 1 }, 1));
    for (let i = 0; i < 5; i++) t.forwardFor(500);
    const v = t.run.view();
    const counters = await page.locator('.counters').innerText();
    expect(counters).toContain(`DBSIZE ${v.dbsize.toLocaleString('en')}`);
    expect(counters).toContain(`expired_keys ${v.expiredKeys.toLocaleString('en')}`);
    expect(t.run.curve().some((s) => s.stale > 1000)).toBe(true);
    const pathD = await page.locator('svg.chart path.series').getAttribute('d');
    expect(pathD?.split(/[ML]/).filter((x) => x !== '').length).toBe(t.run.curve().length);
    await backAndForth(page, 10);
    await sharedUrlReproduces(page);
    await page.screenshot({ path: join(shots, 'expiry.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('AOF & RDB: after a power cut the page shows what each policy recovered, as the library run does (always loses nothing)', async () => {
    const { page, errors } = await open('#/persistence?seed=7&every=50&saveSec=5&saveChanges=20&osFlush=30000');
    await page.click('[data-act=run-5s]');
    await page.click('[data-act=run-1s]');
    await page.click('[data-act=crash]');
    const t = new Timeline(() => new PersistenceRun({ everyMs: 50, saveSeconds: 5, saveChanges: 20, osFlushDelayMs: 30_000 }, 7));
    t.forwardFor(5000);
    t.forwardFor(1000);
    t.act({ type: 'crash' });
    for (const r of t.run.rows()) {
      const row = page.locator(`tr[data-server="${r.name}"]`);
      expect(await row.locator('.recovered').innerText()).toBe(String(r.lastCrash?.recovered));
      expect(await row.locator('.lost').innerText()).toBe(String((r.lastCrash?.acked ?? 0) - (r.lastCrash?.recovered ?? 0)));
    }
    expect(await page.locator('tr[data-server="aof-always"] .lost').innerText()).toBe('0');
    await backAndForth(page, 30);
    await sharedUrlReproduces(page);
    await page.screenshot({ path: join(shots, 'persistence.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Load balancing: IPVS mh and nginx hash consistent — picks per server and moves after removing rs1 as the library run', async () => {
    const { page, errors } = await open('#/balancing?seed=1&scheduler=8&method=4&servers=4&rate=200&life=2000&sources=500');
    await page.click('[data-act=run-10s]');
    await page.fill('#lb-name', 'rs1');
    await page.click('[data-act=remove]');
    await page.click('[data-act=run-10s]');
    const t = new Timeline(() => new BalancingRun({ scheduler: 'mh', method: 'hash_consistent', servers: 4, arrivalsPerSec: 200, meanConnMs: 2000, sources: 500 }, 1));
    t.forwardFor(10_000);
    t.act({ type: 'remove', name: 'rs1' });
    t.forwardFor(10_000);
    const v = t.run.view();
    for (const [name, n] of v.ipvs.picks) expect(await page.locator(`tr[data-server="${name}"] .ipvs-picks`).innerText()).toBe(String(n));
    for (const [name, n] of v.nginx.picks) expect(await page.locator(`tr[data-server="${name}"] .nginx-picks`).innerText()).toBe(String(n));
    expect(await page.locator('.moves').innerText()).toContain(`IPVS moved ${String(v.ipvs.moves.moved)} of ${String(v.ipvs.moves.seen)}`);
    // Maglev: removing one of four servers moves about its quarter of the clients, not all of them.
    expect(v.ipvs.moves.moved / Math.max(1, v.ipvs.moves.seen)).toBeLessThan(0.5);
    await backAndForth(page, 500);
    await sharedUrlReproduces(page);
    await page.screenshot({ path: join(shots, 'balancing.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Redis fail-over: Sentinel promotes a replica after the master is killed — the page shows the same unavailable window and lost writes as the library run; master/replica never comes back', async () => {
    const { page, errors } = await open('#/failover?seed=3&deployment=1&timeout=3000');
    await page.click('[data-act=run-1s]');
    await page.click('[data-act=kill-master]');
    for (let i = 0; i < 4; i++) await page.click('[data-act=run-5s]');
    const t = new Timeline(() => new FailoverRun({ deployment: 1, timeoutMs: 3000 }, 3));
    t.forwardFor(1000);
    t.act({ type: 'kill', node: 'm' });
    for (let i = 0; i < 4; i++) t.forwardFor(5000);
    const c = t.run.client;
    expect(c.lastOutageMs).toBeGreaterThan(3000);
    const stats = await page.locator('#fo-stats').innerText();
    expect(stats).toContain(`${String(c.acked)} writes acknowledged`);
    expect(stats).toContain(`last outage ${((c.lastOutageMs ?? 0) / 1000).toFixed(2)} s`);
    expect(stats).toContain(`acknowledged writes lost ${String(t.run.lost())}`);
    expect(await page.locator('#fo-events').innerText()).toContain('+switch-master mymaster m');
    await backAndForth(page, 40);
    await sharedUrlReproduces(page);
    await page.screenshot({ path: join(shots, 'failover.png'), fullPage: true });
    // The same schedule without sentinels: the client is still refused at the end.
    const plain = await open('#/failover?seed=3&deployment=0&timeout=3000');
    await plain.page.click('[data-act=run-1s]');
    await plain.page.click('[data-act=kill-master]');
    await plain.page.click('[data-act=run-5s]');
    expect(await plain.page.locator('#fo-stats').innerText()).toMatch(/unavailable for [45]\.\d\d s so far/);
    expect(plain.errors).toEqual([]);
    await plain.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keyboard: space plays and pauses, ← steps back, → steps forward', async () => {
    const { page, errors } = await open('#/zookeeper?seed=2&n=3');
    await page.click('[data-act=start-all]');
    const end = await page.evaluate(() => window.playground.pos());
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(() => window.playground.pos())).toBe(end - 2);
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => window.playground.pos())).toBe(end - 1);
    await page.keyboard.press('End');
    await page.keyboard.press(' ');
    await page.waitForTimeout(600);
    await page.keyboard.press(' ');
    expect(await page.evaluate(() => window.playground.pos())).toBeGreaterThan(end);
    expect(errors).toEqual([]);
    await page.close();
  });
});
