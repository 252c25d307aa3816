import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub, type HubState } from '../../actors/server/viewerHub.js';
import { startViewerServer, type ViewerServer } from '../../actors/server/viewerServer.js';
import { CHROMIUM, hasChromium, launchChromium } from './launchChromium.js';

if (!hasChromium) console.warn(`test/e2e/viewerTimeline.test.ts skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** 3 agents × 11 episodes of 30 trials on the two-stage task, recorded over about 0.2 s. */
const recording = new URL('../fixtures/recordings/two-stage-main.ndjson.gz', import.meta.url).pathname;

describe.skipIf(!hasChromium)('viewer replay timeline and export in a real browser (chromium)', () => {
  let context: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;
  let server: ViewerServer;
  let page: Page;
  let replay: ReturnType<typeof runReplay>;
  const hub = new ViewerHub({ mode: 'replay', speed: 0.02 });
  const errors: string[] = [];
  const status = () => page.evaluate(() => window.__viewerStats);

  beforeAll(async () => {
    ({ context, close: closeBrowser } = await launchChromium());
    server = await startViewerServer({ hub, port: 0 });
    // A fiftieth of the recorded pace: about a second per episode, paced trial by trial.
    const pacer = new ReplayPacer({ speed: 0.02 });
    hub.setControls({ pause: () => pacer.pause(), resume: () => pacer.resume(), setSpeed: (speed) => pacer.setSpeed(speed), seek: (episode) => pacer.requestSeek(episode) });
    replay = runReplay(recording, {
      pacer, onEvent: (e) => hub.event(e), onAnalysis: (o) => hub.analysis(o),
      seeking: { capture: () => hub.captureState(), restore: (s) => hub.restoreState(s as HubState), snapshotTrials: 30 },
    });
    void replay.then((r) => hub.end(r.truncated ? 'stopped' : 'completed'));
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(server.controlUrl);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('pause, drag the episode slider back: the charts show that episode; the speed menu matches the status line; resume at max plays to the end', async () => {
    await page.waitForFunction(() => /episodes/.test(document.querySelector('#status')!.textContent!) && window.__viewerStats.trialsShown >= 120, undefined, { timeout: 20_000 });
    // The status line and the menu say the same speed (the replay started at 0.02×).
    expect(await page.textContent('#status')).toContain('speed 0.02×');
    expect(await page.inputValue('#speed')).toBe('0.02');
    await page.click('#pause');
    await page.waitForFunction(() => window.__viewerStats.state === 'paused');
    const before = Number(await page.inputValue('#timeline'));
    expect(before).toBeGreaterThanOrEqual(3);
    // Drag the thumb with the mouse from its place to the left quarter of the slider.
    const box = (await page.locator('#timeline').boundingBox())!;
    const thumbX = box.x + 8 + ((box.width - 16) * before) / Number(await page.getAttribute('#timeline', 'max'));
    await page.mouse.move(thumbX, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const target = Number(await page.inputValue('#timeline'));
    expect(target).toBeLessThan(before);
    await page.waitForFunction((episode) => window.__viewerStats.trialsShown > 0 && window.__viewerStats.trialsShown <= episode * 30 + 30 && document.querySelector('#status')!.textContent!.includes(`· ${episode} episodes`), target, { timeout: 10_000 });
    const shown = (await status()).trialsShown;
    expect(shown).toBeGreaterThanOrEqual(target * 30);
    expect(shown).toBeLessThan((target + 1) * 30);
    expect(await page.textContent('#timeline-value')).toBe(`${target} / 11`);
    // Still paused at the target.
    await page.waitForTimeout(300);
    expect((await status()).trialsShown).toBe(shown);
    expect(await page.textContent('#status')).toContain('paused');

    await page.selectOption('#speed', 'max');
    await page.waitForFunction(() => document.querySelector('#status')!.textContent!.includes('speed max'));
    await page.click('#resume');
    await replay;
    await page.waitForFunction(() => window.__viewerStats.state === 'completed', undefined, { timeout: 10_000 });
    await page.waitForFunction(() => window.__viewerStats.trialsShown === 330);
    expect(await page.inputValue('#speed')).toBe('max');
    expect(errors).toEqual([]);
  });

  it('downloads a card as SVG and PNG, and the page as a static HTML report', async () => {
    const card = page.locator('.card:not([hidden])').first();
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), card.locator('button', { hasText: 'SVG' }).click()]);
    expect(svgDownload.suggestedFilename()).toBe('reward-rate-and-p-better-option-over-trials.svg');
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const text of ['Reward rate and P(better option) over trials', 'lowrank', 'gru', 'mb']) expect(svg).toContain(`>${text}<`);
    expect(svg).not.toContain('foreignObject');

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), card.locator('button', { hasText: 'PNG' }).click()]);
    const png = readFileSync((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Twice the card's size on screen.
    const { width } = (await card.boundingBox())!;
    expect(png.readUInt32BE(16)).toBe(Math.ceil(Math.ceil(width) * 2));

    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#save-report')]);
    expect(report.suggestedFilename()).toBe('fixture-two-stage-report.html');
    const html = readFileSync((await report.path())!, 'utf8');
    const cards = await page.locator('.card:not([hidden])').count();
    expect(html.match(/<figure><svg/g)).toHaveLength(cards);
    expect(html).toContain('Logit dynamics');
    expect(html).not.toContain('<script');
    expect(errors).toEqual([]);
  });
});
