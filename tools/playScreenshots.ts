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
import { launchChromium } from '../test/e2e/launchChromium.js';
import { openPage } from '../test/e2e/taskPage.js';
import { serveStatic } from '../test/e2e/staticServer.js';
import { buildJsPsychBundle } from './buildJsPsych.js';

const figures = new URL('../docs/figures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-shots-'));
const browser = await launchChromium();
const shot = (page: Page, name: string) => page.screenshot({ path: join(figures, `play-${name}.png`) });
const state = (page: Page, s: string) => page.waitForFunction((want) => document.body.dataset.state === want, s);

try {
  // Long pauses so each state can be caught on screen.
  const timing = { feedbackMs: 1500, transitionMs: 1500 };
  // Each step: a key to press, a state to wait for, or a screenshot to take.
  const sessions: [Parameters<typeof startPlaySession>[0]['task'], number, string[]][] = [
    ['reversal', 2, ['=instructions', '#instructions', ' ', '=choice', '#choice', 'f', '=feedback', '#feedback', '=choice', 'j', '=end', '#end']],
    ['two_stage', 1, ['=instructions', '#two-stage-instructions', ' ', '=choice', '#two-stage-choice', 'j', '=transition', '#two-stage-transition', '=stage2', '#two-stage-stage2', 'f', '=feedback', '#two-stage-feedback']],
  ];
  let page!: Page;
  for (const [task, trials, steps] of sessions) {
    const play = await startPlaySession({ task, trials, seed: task === 'reversal' ? 7 : 2, participant: 'demo', out: join(dir, `${task}.csv`), timing });
    page = await openPage(browser);
    await page.goto(play.url);
    for (const step of steps) {
      if (step.startsWith('=')) await state(page, step.slice(1));
      else if (step.startsWith('#')) await shot(page, step.slice(1));
      else await page.keyboard.press(step);
    }
    await play.done;
    await page.close();
  }

  // The viewer showing a person live: 60 two-stage trials pressed by keys (a fixed pattern).
  const watched = await startPlaySession({ task: 'two_stage', trials: 60, seed: 5, participant: 'demo', out: join(dir, 'v.csv'), record: join(dir, 'v.ndjson'), timing: { feedbackMs: 10, transitionMs: 10 } });
  const viewer = await openPage(browser);
  await viewer.setViewportSize({ width: 1400, height: 1000 });
  await viewer.goto(watched.viewerUrl!);
  page = await openPage(browser);
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
    page = await openPage(browser);
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
