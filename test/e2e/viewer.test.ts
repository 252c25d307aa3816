import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import { startViewerServer, type ViewerServer } from '../../actors/server/viewerServer.js';
import { parseScenario } from '../../actors/system/scenario.js';
import { startRun } from '../../actors/system/startRun.js';
import { CHROMIUM, hasChromium, launchChromium } from './launchChromium.js';

if (!hasChromium) console.warn(`test/e2e/viewer.test.ts skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** Four agents at full speed on the two-stage task, long enough to watch for a few seconds. */
const scenario = parseScenario({
  name: 'e2e-four-agents', seed: 5,
  task: { type: 'two_stage', options: { rewardMode: 'state' } },
  trialsPerEpisode: 100,
  agents: [
    { id: 'premature', nSessions: 64, model: { kind: 'low_rank', stage: 'premature', nHidden: 32 }, trainer: { mode: 'a2c', learningRate: 0.001 } },
    { id: 'mature', nSessions: 64, model: { kind: 'low_rank', stage: 'mature', nHidden: 32 }, trainer: { mode: 'a2c', learningRate: 0.001 } },
    { id: 'gru', nSessions: 64, model: { kind: 'tiny_gru', nHidden: 2 } },
    { id: 'model-based', nSessions: 64, model: { kind: 'cognitive', model: 'model_based_two_step', parameters: { alpha2: 0.5, beta1: 5, beta2: 5, perseveration: 0 } } },
  ],
  phases: [{ name: 'train', episodes: 25, learning: true }, { name: 'test', episodes: 5, learning: false }],
  analyzer: { windowEpisodes: 10, weightsEvery: 5 },
});

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

describe.skipIf(!hasChromium)('viewer in a real browser (chromium)', () => {
  let context: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;
  let server: ViewerServer;
  const hub = new ViewerHub({ mode: 'live' });

  beforeAll(async () => {
    // A DNS-rebinding name: evil.example resolves to this machine, as an attacker's DNS would make it.
    ({ context, close: closeBrowser } = await launchChromium(['--host-resolver-rules=MAP evil.example 127.0.0.1']));
    server = await startViewerServer({ hub, port: 0 });
  });

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('the viewer shows a live four-agent run: ≥ 200 trials charted, no console error, redraws measured', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));

    const system = startRun(scenario, { onEvent: (e) => hub.event(e), onAnalysis: (output) => hub.analysis(output) });
    hub.setControls({ pause: () => system.pause(), resume: () => system.resume() });
    await page.goto(server.controlUrl);
    await page.waitForFunction(() => window.__viewerStats.trialsShown >= 200, undefined, { timeout: 30_000 });
    const result = await system.done;
    hub.end(result.status);
    expect(result.status).toBe('completed');
    await page.waitForFunction(() => window.__viewerStats.state === 'completed', undefined, { timeout: 10_000 });
    // Let the final update draw.
    await page.waitForTimeout(300);

    const stats = await page.evaluate(() => window.__viewerStats);
    const status = await page.textContent('#status');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/viewer.png', fullPage: true });

    expect(errors).toEqual([]);
    expect(stats.trialsShown).toBe(3000);
    expect(status).toContain('trial 3,000 / 3,000');
    // Every chart of the selected low-rank agent drew an SVG (the two-stage bars included).
    expect(await page.locator('#charts svg').count()).toBeGreaterThanOrEqual(7);
    // The compare view (the default) draws every agent in one chart, one legend entry per agent.
    expect(await page.locator('#agent option').count()).toBe(5);
    expect(await page.inputValue('#agent')).toBe('*');
    const rewardCard = page.locator('.card').first();
    for (const id of ['premature', 'mature', 'gru', 'model-based']) expect(await rewardCard.textContent()).toContain(id);
    const cardTitles = () => page.locator('.card:not([hidden]) h2 .title').allTextContents();
    expect(await cardTitles()).toContain('Two-stage stay probabilities');
    // Focus on the cognitive model: its legend names it alone, and the low-rank cards are not shown.
    await page.selectOption('#agent', 'model-based');
    await page.waitForFunction(() => !document.querySelector('.card')!.textContent!.includes('premature'));
    expect(await rewardCard.textContent()).toContain('model-based');
    expect(await cardTitles()).not.toContain('Singular-value spectrum (recurrent weights)');
    await page.selectOption('#agent', '*');
    await page.waitForFunction(() => document.querySelector('.card')!.textContent!.includes('premature'));
    const durations = stats.durations;
    expect(durations.length).toBeGreaterThan(5);
    console.log(`viewer redraws: ${stats.redraws}, median ${quantile(durations, 0.5).toFixed(1)} ms, ` +
      `p95 ${quantile(durations, 0.95).toFixed(1)} ms, max ${Math.max(...durations).toFixed(1)} ms ` +
      `(4 agents at full speed, ${result.cursor.trialsPlayed} trials each); screenshot test-results/viewer.png`);
    console.log(`slowest redraw ${stats.slowest!.ms.toFixed(1)} ms: ${stats.slowest!.cards.join(', ') || 'no card'}`);
    console.log(Object.entries(stats.charts).map(([title, ms]) => `  ${title}: ${ms.length} renders, median ${quantile(ms, 0.5).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms, first (cold) ${ms[0].toFixed(1)} ms`).join('\n'));
  });

  it('the page pauses and resumes the run with the token from its URL; a page opened without it only watches', async () => {
    const page = await context.newPage();
    const watcher = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Ticks at least 100 ms apart (30 ticks): the click lands mid-run however fast the machine plays.
    const clock = { setTimeout: (fn: () => void, delay: number) => setTimeout(fn, Math.max(delay, 100)), clearTimeout: (id: NodeJS.Timeout) => clearTimeout(id) };
    const system = startRun(scenario, { onEvent: (e) => hub.event(e), onAnalysis: (output) => hub.analysis(output), clock });
    hub.setControls({ pause: () => system.pause(), resume: () => system.resume() });
    await page.goto(server.controlUrl);
    await watcher.goto(server.url);
    await page.waitForFunction(() => window.__viewerStats.state === 'running' && window.__viewerStats.trialsShown >= 200, undefined, { timeout: 30_000 });
    await page.click('#pause');
    await page.waitForFunction(() => window.__viewerStats.state === 'paused', undefined, { timeout: 10_000 });
    expect(system.run.getSnapshot().value).toBe('paused');
    // The page without the token sees the pause, but its buttons are off and it says why.
    await watcher.waitForFunction(() => window.__viewerStats.state === 'paused', undefined, { timeout: 10_000 });
    expect(await watcher.isDisabled('#resume')).toBe(true);
    expect(await watcher.textContent('#status')).toContain('view only');
    expect(await page.isEnabled('#resume')).toBe(true);
    await page.click('#resume');
    const result = await system.done;
    hub.end(result.status);
    expect(result.status).toBe('completed');
    await page.waitForFunction(() => window.__viewerStats.state === 'completed', undefined, { timeout: 10_000 });
    expect(errors).toEqual([]);
    await Promise.all([page.close(), watcher.close()]);
  });

  it('a page on another site cannot open the socket, and a DNS-rebinding name gets 403', async () => {
    const forbiddenBefore = server.stats().forbidden;
    // The other site: a page on another port of this machine that tries the viewer's socket.
    const attacker: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>other site</title>');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate((port) => new Promise<string[]>((resolve) => {
        const seen: string[] = [];
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        for (const type of ['open', 'message', 'error']) ws.addEventListener(type, () => seen.push(type));
        ws.addEventListener('close', () => resolve(seen));
      }), server.port);
      expect(outcome).toEqual(['error']);

      const rebound = await page.goto(`http://evil.example:${server.port}/?token=${server.token}`);
      expect(rebound?.status()).toBe(403);
      await page.close();
    } finally {
      attacker.close();
    }
    // The socket, the page and whatever else Chromium asked evil.example for (its favicon).
    expect(server.stats().forbidden).toBeGreaterThanOrEqual(forbiddenBefore + 2);
  });
});
