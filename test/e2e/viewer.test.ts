import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import { startViewerServer, type ViewerServer } from '../../actors/server/viewerServer.js';
import { parseScenario } from '../../actors/system/scenario.js';
import { startRun } from '../../actors/system/startRun.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
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
  let server: ViewerServer;
  let userDataDir: string;
  const hub = new ViewerHub({ mode: 'live' });

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    userDataDir = mkdtempSync(join(tmpdir(), 'brain-rnn-chromium-'));
    // Playwright refuses --user-data-dir in args: a persistent context takes the directory instead.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1400, height: 1000 },
    });
    server = await startViewerServer({ hub, port: 0 });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
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
    await page.goto(server.url);
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
    expect(await page.locator('#agent option').count()).toBe(4);
    const durations = stats.durations;
    expect(durations.length).toBeGreaterThan(5);
    console.log(`viewer redraws: ${stats.redraws}, median ${quantile(durations, 0.5).toFixed(1)} ms, ` +
      `p95 ${quantile(durations, 0.95).toFixed(1)} ms, max ${Math.max(...durations).toFixed(1)} ms ` +
      `(4 agents at full speed, ${result.cursor.trialsPlayed} trials each); screenshot test-results/viewer.png`);
  });
});
