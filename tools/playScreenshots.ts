/**
 * Screenshots of the task page of `brain-rnn play` in each state, at 1280×720, into
 * docs/figures/play-*.png: `npx tsx tools/playScreenshots.ts`. Plays a short session of each task
 * in Debian's chromium (the browser tests' launch) with keys, as a participant would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startPlaySession } from '../actors/io/playSession.js';
import { launchChromium } from '../test/e2e/chromium.js';
import { serveStatic } from '../test/e2e/staticServer.js';
import { buildJsPsychBundle } from './buildJsPsych.js';

const figures = new URL('../docs/figures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-shots-'));
const browser = await launchChromium({ width: 1280, height: 720 });
const shot = (page: Page, name: string) => page.screenshot({ path: join(figures, `play-${name}.png`) });
const state = (page: Page, s: string) => page.waitForFunction((want) => document.body.dataset.state === want, s);

try {
  // Long pauses so each state can be caught on screen.
  const timing = { feedbackMs: 1500, transitionMs: 1500 };
  const bandit = await startPlaySession({ task: 'reversal', trials: 2, seed: 7, participant: 'demo', out: join(dir, 'r.csv'), timing });
  let page = await browser.context.newPage();
  await page.goto(bandit.url);
  await state(page, 'instructions');
  await shot(page, 'instructions');
  await page.keyboard.press(' ');
  await state(page, 'choice');
  await shot(page, 'choice');
  await page.keyboard.press('f');
  await state(page, 'feedback');
  await shot(page, 'feedback');
  await state(page, 'choice');
  await page.keyboard.press('j');
  await state(page, 'end');
  await shot(page, 'end');
  await bandit.done;
  await page.close();

  const twoStage = await startPlaySession({ task: 'two_stage', trials: 1, seed: 2, participant: 'demo', out: join(dir, 't.csv'), timing });
  page = await browser.context.newPage();
  await page.goto(twoStage.url);
  await state(page, 'instructions');
  await shot(page, 'two-stage-instructions');
  await page.keyboard.press(' ');
  await state(page, 'choice');
  await shot(page, 'two-stage-choice');
  await page.keyboard.press('j');
  await state(page, 'transition');
  await shot(page, 'two-stage-transition');
  await state(page, 'stage2');
  await shot(page, 'two-stage-stage2');
  await page.keyboard.press('f');
  await state(page, 'feedback');
  await shot(page, 'two-stage-feedback');
  await twoStage.done;
  await page.close();

  // The viewer showing a person live: 60 two-stage trials pressed by keys (a fixed pattern).
  const watched = await startPlaySession({ task: 'two_stage', trials: 60, seed: 5, participant: 'demo', out: join(dir, 'v.csv'), record: join(dir, 'v.ndjson'), timing: { feedbackMs: 10, transitionMs: 10 } });
  const viewer = await browser.context.newPage();
  await viewer.setViewportSize({ width: 1400, height: 1000 });
  await viewer.goto(watched.viewerUrl!);
  page = await browser.context.newPage();
  await page.goto(watched.url);
  await state(page, 'instructions');
  await page.keyboard.press(' ');
  for (let t = 0; t < 60; t++) {
    await page.waitForFunction((n) => document.body.dataset.state === 'choice' && document.getElementById('progress-text')!.textContent === `Trial ${n} of 60`, t + 1);
    await page.keyboard.press(t % 4 === 3 ? 'j' : 'f');
    await state(page, 'stage2');
    await page.keyboard.press(t % 3 === 0 ? 'j' : 'f');
  }
  await watched.done;
  await viewer.waitForFunction(() => (window as unknown as { __viewerStats: { trialsShown: number } }).__viewerStats.trialsShown === 60);
  await viewer.waitForTimeout(500);
  await viewer.screenshot({ path: join(figures, 'play-viewer.png'), fullPage: true });
  await watched.stop();

  // The jsPsych example page, a daw_hybrid participant playing it in visual simulation.
  const dist = join(dir, 'dist');
  await buildJsPsychBundle(dist);
  const site = await serveStatic({ '/dist/': dist, '/': new URL('../web/jspsych/', import.meta.url).pathname });
  try {
    page = await browser.context.newPage();
    await page.goto(`${site.url}/example.html?task=two_stage&trials=20&seed=4&simulate=visual`);
    await page.waitForFunction(() => document.querySelector('.brain-rnn-task.state-0, .brain-rnn-task.state-1') !== null, undefined, { timeout: 20_000 });
    await page.waitForTimeout(400);
    await shot(page, 'jspsych');
    await page.close();
  } finally {
    await site.close();
  }
  console.log(`wrote docs/figures/play-*.png`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
