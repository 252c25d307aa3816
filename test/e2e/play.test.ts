import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runCli } from '../io/cli.js';
import { CHROMIUM, hasChromium, launchChromium } from './launchChromium.js';
import { openPage, type Browser } from './taskPage.js';
import { startPlaySession, type PlaySessionOptions } from '../../actors/io/playSession.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { parseTrialsCsv } from '../../src/data/trialsCsv.js';
import { createRandom } from '../../src/random.js';
import { createTask } from '../../src/tasks/createTask.js';
import { TwoStageTask } from '../../src/tasks/twoStage.js';

if (!hasChromium) console.warn(`test/e2e/play.test.ts skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** The keys a participant presses, fixed in advance (F: left = 0, J: right = 1). */
const choiceAt = (t: number) => ((t * 5 + (t >> 1)) % 3 === 0 ? 1 : 0);
const key = (choice: number) => (choice === 0 ? 'f' : 'j');
const FAST = { feedbackMs: 20, transitionMs: 20 };

/** Wait until the page shows `state` for trial `trial` (0-based). */
async function waitFor(page: Page, state: string, trial: number, nTrials: number): Promise<void> {
  await page.waitForFunction(
    ([s, text]) => document.body.dataset.state === s && document.getElementById('progress-text')!.textContent === text,
    [state, `Trial ${trial + 1} of ${nTrials}`] as const, { timeout: 10_000 },
  );
}

describe.skipIf(!hasChromium)('brain-rnn play in a real browser (chromium)', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'brain-rnn-play-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (options: Partial<PlaySessionOptions> & Pick<PlaySessionOptions, 'task' | 'trials' | 'out'>) =>
    startPlaySession({ seed: 7, participant: 'P01', timing: FAST, ...options });

  it('20 reversal trials by F/J key presses: the CSV loads, its rewards equal the Node task for the seed and choices, the recording replays, the viewer shows them', async () => {
    const out = join(dir, 'reversal.csv');
    const record = join(dir, 'reversal.ndjson');
    const play = await start({ task: 'reversal', trials: 20, seed: 7, out, record });
    const page = await openPage(browser);
    const viewer = await openPage(browser);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await viewer.goto(play.viewerUrl!);
    await page.goto(play.url);
    await page.waitForFunction(() => document.body.dataset.state === 'instructions');
    expect(await page.textContent('#instructions-text')).toContain('20 trials');
    await page.keyboard.press(' ');
    for (let t = 0; t < 20; t++) {
      await waitFor(page, 'choice', t, 20);
      await page.keyboard.press(key(choiceAt(t)));
    }
    const result = await play.done;
    expect(result).toEqual({ status: 'completed', trials: 20 });
    await page.waitForFunction(() => document.body.dataset.state === 'end');
    expect(await page.textContent('#screen-end')).toContain('Thank you');

    const table = parseTrialsCsv(readFileSync(out));
    expect(table.reactionTimes).toEqual(['rt']);
    const [session] = table.sessions;
    expect([table.task, session.subject, session.nTrials]).toEqual(['reversal', 'P01', 20]);
    expect(Array.from(session.choice)).toEqual(Array.from({ length: 20 }, (_, t) => choiceAt(t)));
    const node = createTask('reversal', { nSessions: 1, rng: createRandom(7) });
    const nodeRewards = Array.from({ length: 20 }, (_, t) => node.step([choiceAt(t)]).rewards[0]);
    expect(Array.from(session.reward)).toEqual(nodeRewards);
    // The task bundled into the page paid the same, before the server checked it.
    expect(await page.evaluate(() => (window as unknown as { __pageTrials: { reward: number }[] }).__pageTrials.map((t) => t.reward))).toEqual(nodeRewards);
    expect(session.rt!.every((rt) => rt >= 0 && Number.isFinite(rt))).toBe(true);

    // The viewer drew the person's 20 trials from the live events.
    await viewer.waitForFunction(() => window.__viewerStats.trialsShown === 20, undefined, { timeout: 10_000 });
    await play.stop();
    const replay = await runReplay(record);
    expect(replay.events).toBe(2 + 1 + 20 + 2);
    expect(replay.metrics[0].label).toBe('participant P01');
    expect(replay.metrics[0].phases[0].rewardRate).toBeCloseTo(session.reward.reduce((a, b) => a + b, 0) / 20, 10);
    expect(errors).toEqual([]);
    await Promise.all([page.close(), viewer.close()]);
  });

  it('10 two-stage trials by key presses, both stages: states and rewards equal TwoStageTask.step for the seed and choices', async () => {
    const out = join(dir, 'two-stage.csv');
    const play = await start({ task: 'two_stage', trials: 10, seed: 12, out });
    const page = await openPage(browser);
    await page.goto(play.url);
    await page.waitForFunction(() => document.body.dataset.state === 'instructions');
    await page.click('#start');
    const stage2At = (t: number) => (t % 3 === 1 ? 1 : 0);
    const seen: string[] = [];
    for (let t = 0; t < 10; t++) {
      await waitFor(page, 'choice', t, 10);
      await page.keyboard.press(key(choiceAt(t)));
      await waitFor(page, 'stage2', t, 10);
      seen.push((await page.textContent('.banner'))!);
      await page.keyboard.press(key(stage2At(t)));
    }
    expect(await play.done).toEqual({ status: 'completed', trials: 10 });
    const [session] = parseTrialsCsv(readFileSync(out)).sessions;
    const node = new TwoStageTask({ nSessions: 1, rng: createRandom(12) });
    const expected = Array.from({ length: 10 }, (_, t) => node.step([choiceAt(t)], [stage2At(t)]));
    expect(Array.from(session.choice)).toEqual(expected.map((o) => o.actions[0]));
    expect(Array.from(session.stage2State)).toEqual(expected.map((o) => o.latent.stage2States![0]));
    expect(Array.from(session.stage2Choice)).toEqual(expected.map((o) => o.latent.stage2Actions![0]));
    expect(Array.from(session.common)).toEqual(expected.map((o) => o.latent.common![0]));
    expect(Array.from(session.reward)).toEqual(expected.map((o) => o.rewards[0]));
    const pageTrials = await page.evaluate(() => (window as unknown as { __pageTrials: { state: number; reward: number }[] }).__pageTrials);
    expect(pageTrials).toEqual(expected.map((o) => ({ state: o.latent.stage2States![0], reward: o.rewards[0] })));
    expect(session.rt2!.every((rt) => rt >= 0)).toBe(true);
    // The transition the person saw names the planet the task drew.
    const planets = ['Red planet', 'Purple planet'];
    seen.forEach((text, t) => expect(text).toContain(planets[expected[t].latent.stage2States![0]]));
    await page.close();
  });

  it('a tab closed mid-trial leaves a loadable file of the finished trials; the reopened page resumes there', async () => {
    const out = join(dir, 'closed.csv');
    const lines: string[] = [];
    const play = await start({ task: 'two_stage', trials: 6, seed: 3, out, log: (line) => lines.push(line) });
    const page = await openPage(browser);
    await page.goto(play.url);
    await page.waitForFunction(() => document.body.dataset.state === 'instructions');
    await page.keyboard.press(' ');
    for (let t = 0; t < 3; t++) {
      await waitFor(page, 'choice', t, 6);
      await page.keyboard.press('f');
      await waitFor(page, 'stage2', t, 6);
      await page.keyboard.press('j');
    }
    await waitFor(page, 'choice', 3, 6);
    await page.keyboard.press('j');
    await waitFor(page, 'stage2', 3, 6);
    await page.close({ runBeforeUnload: true });
    const table = parseTrialsCsv(readFileSync(out));
    expect(table.sessions[0].nTrials).toBe(3);
    const again = await openPage(browser);
    await again.goto(play.url);
    await again.waitForFunction(() => document.body.dataset.state === 'instructions');
    expect(await again.textContent('#instructions-text')).toContain('you have played 3 of 6 trials');
    expect(lines.some((line) => line.includes('closed or reloaded after 3 of 6 trials'))).toBe(true);
    expect(await play.stop()).toEqual({ status: 'stopped', trials: 3 });
    await again.close();
  });
});

describe.skipIf(!hasChromium)('brain-rnn play as a command (chromium)', () => {
  it('brain-rnn play --task probabilistic_reward --record prints the page URL, stores 3 played trials, keeps the viewer until Ctrl-C; brain-rnn replay replays the recording', async () => {
    const browser = await launchChromium();
    const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-play-cli-'));
    try {
      const out = join(dir, 'p.csv');
      const record = join(dir, 'p.ndjson');
      let child!: ChildProcess;
      let resolveUrl!: (url: string) => void;
      const url = new Promise<string>((resolve) => (resolveUrl = resolve));
      const finished = runCli(['play', '--task', 'probabilistic_reward', '--trials', '3', '--seed', '2', '--participant', 'P 7', '--out', out, '--record', record], {
        onSpawn: (spawned) => {
          child = spawned;
          spawned.stdout!.on('data', (chunk: Buffer) => {
            const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\w+/.exec(chunk.toString());
            if (match) resolveUrl(match[0]);
          });
        },
      });
      void finished.then((result) => resolveUrl(`about:blank#exited-early:${result.stderr}`));
      const page = await openPage(browser);
      await page.goto(await url);
      await page.waitForFunction(() => document.body.dataset.state === 'instructions');
      await page.keyboard.press(' ');
      for (let t = 0; t < 3; t++) {
        await waitFor(page, 'choice', t, 3);
        await page.keyboard.press(key(choiceAt(t)));
      }
      await page.waitForFunction(() => document.body.dataset.state === 'end', undefined, { timeout: 10_000 });
      await new Promise<void>((resolve) => {
        const poll = () => (existsSync(out) && parseTrialsCsv(readFileSync(out)).sessions[0].nTrials === 3 ? resolve() : setTimeout(poll, 50));
        poll();
      });
      child.kill('SIGINT');
      const result = await finished;
      expect(result.status).toBe(0);
      expect(result.stderr).toContain('probabilistic_reward, 3 trials, seed 2, participant "P 7"');
      expect(result.stderr).toMatch(/viewer: http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect(result.stderr).toContain(`done: 3 trials in ${out}`);
      const [session] = parseTrialsCsv(readFileSync(out)).sessions;
      const node = createTask('probabilistic_reward', { nSessions: 1, rng: createRandom(2) });
      expect(Array.from(session.reward)).toEqual([0, 1, 2].map((t) => node.step([choiceAt(t)]).rewards[0]));
      expect(session.subject).toBe('P 7');
      const replay = await runCli(['replay', record, '--no-serve', '--exit']);
      expect(replay.status).toBe(0);
      expect(replay.stderr).toContain('replayed 8 events of play probabilistic_reward (P 7) (seed 2');
      expect(replay.stdout).toContain('participant P 7');
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
