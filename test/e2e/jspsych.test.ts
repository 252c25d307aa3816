import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './launchChromium.js';
import { openPage, type Browser } from './taskPage.js';
import { serveStatic, type StaticServer } from './staticServer.js';
import { buildJsPsychBundle } from '../../tools/buildJsPsych.js';
import { SimulatedParticipant } from '../../src/agents/simulatedParticipant.js';
import { convertJsPsychData } from '../../src/data/jsPsychTrials.js';
import { formatTrialsCsv, parseTrialsCsv } from '../../src/data/trialsCsv.js';
import { serializeCheckpoint } from '../../src/model/checkpoint.js';
import { TinyGRU } from '../../src/model/tinyGru.js';
import { createRandom } from '../../src/random.js';
import { ParticipantTask } from '../../src/tasks/participantTask.js';

if (!hasChromium) console.warn(`test/e2e/jspsych.test.ts skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const exampleDir = fileURLToPath(new URL('../../web/jspsych/', import.meta.url));

describe.skipIf(!hasChromium)('the jsPsych plugins in a real browser (chromium)', () => {
  let browser: Browser;
  let server: StaticServer;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'brain-rnn-jspsych-'));
    await buildJsPsychBundle(dist);
    server = await serveStatic({ '/dist/': dist, '/': exampleDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  /** Run example.html in simulation mode; resolves with jsPsych's JSON data (and its CSV). */
  async function simulate(query: string): Promise<string> {
    return (await simulateBoth(query)).json;
  }

  async function simulateBoth(query: string): Promise<{ json: string; csv: string }> {
    const page = await openPage(browser);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${server.url}/example.html?${query}`);
    await page.waitForFunction(() => (window as { __brainRnnData?: string }).__brainRnnData !== undefined, undefined, { timeout: 30_000 });
    const result = await page.evaluate(() => {
      const w = window as unknown as { __brainRnnData: string; __brainRnnCsv: string };
      return { json: w.__brainRnnData, csv: w.__brainRnnCsv };
    });
    expect(errors).toEqual([]);
    await page.close();
    return result;
  }

  it('example.html in jsPsych visual simulation: a q_learning participant presses F/J in the page; the converted data load and equal the same participant in Node', async () => {
    const json = await simulate('task=reversal&trials=15&seed=5&participant=sim01&simulate=visual&fast');
    const conversion = convertJsPsychData(json);
    expect(conversion.rowsUsed).toBe(15);
    expect(conversion.mapped).toMatchObject({ task: 'task', subject: 'subject', choice: 'choice', reward: 'reward', rt: 'rt' });
    const table = parseTrialsCsv(formatTrialsCsv(conversion.sessions, { includeReactionTimes: true }));
    const [session] = table.sessions;
    expect([table.task, session.subject, session.nTrials]).toEqual(['reversal', 'sim01', 15]);
    // The same participant (model, parameters, seeds) on the same task in Node makes the same choices.
    const node = new ParticipantTask({ task: 'reversal', seed: 5, nTrials: 15 });
    const agent = new SimulatedParticipant({ kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0 } }, { task: 'reversal', rng: createRandom(6).split(1)[0] });
    while (!node.done) agent.play(node);
    expect(Array.from(session.choice)).toEqual(node.trials.map((t) => t.choice));
    expect(Array.from(session.reward)).toEqual(node.trials.map((t) => t.reward));
  });

  it('example.html with ?checkpoint=: a TinyGRU checkpoint chooses in the page as it does in Node; jsPsych CSV and JSON convert alike', async () => {
    const network = new TinyGRU({ nHidden: 2, nInputs: 4, nOutputs: 2, rng: createRandom(8) });
    const text = serializeCheckpoint(network, { task: 'reversal' });
    writeFileSync(join(dist, 'gru.json'), text);
    const { json, csv } = await simulateBoth('task=reversal&trials=12&seed=3&simulate=data-only&fast&checkpoint=./dist/gru.json');
    const fromJson = convertJsPsychData(json);
    const fromCsv = convertJsPsychData(csv);
    expect(formatTrialsCsv(fromCsv.sessions, { includeReactionTimes: true })).toBe(formatTrialsCsv(fromJson.sessions, { includeReactionTimes: true }));
    expect(fromCsv.rowsSkipped).toBe(0);
    const node = new ParticipantTask({ task: 'reversal', seed: 3, nTrials: 12 });
    const agent = new SimulatedParticipant({ kind: 'checkpoint', checkpoint: text }, { task: 'reversal', rng: createRandom(4).split(1)[0] });
    while (!node.done) agent.play(node);
    expect(Array.from(fromJson.sessions[0].choice)).toEqual(node.trials.map((t) => t.choice));
  });

  it('example.html two-stage in data-only simulation (daw_hybrid participant): jsPsych rows convert to a two-stage trials CSV that loads', async () => {
    const json = await simulate('task=two_stage&trials=30&seed=9&simulate=data-only&fast');
    const rows = JSON.parse(json) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({ trial_type: 'brain-rnn-two-stage', task: 'two_stage', trial: 0, simulated: true });
    const { sessions, task } = convertJsPsychData(json);
    const table = parseTrialsCsv(formatTrialsCsv(sessions, { includeReactionTimes: true }));
    expect([task, table.hasCommon, table.reactionTimes, table.sessions[0].nTrials]).toEqual(['two_stage', true, ['rt', 'rt2'], 30]);
    const s = table.sessions[0];
    for (let t = 0; t < 30; t++) expect(s.common[t]).toBe(s.choice[t] === s.stage2State[t] ? 1 : 0);
  });
});
