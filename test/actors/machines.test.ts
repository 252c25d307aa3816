import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { runLive } from '../../actors/io/liveRun.js';
import { agentMachine } from '../../actors/machines/agent.js';
import {
  environmentMachine, environmentTransition, initialEnvironmentContext, type ActionsChosenEvent, type EnvironmentContext, type EnvironmentEvent, type EnvironmentInput,
} from '../../actors/machines/environment.js';
import { trainerMachine } from '../../actors/machines/trainer.js';
import { analyzerMachine } from '../../actors/machines/analyzer.js';
import { startRun } from '../../actors/system/startRun.js';
import { EVENT_VERSION, type RunEvent, type TrialCompletedEvent } from '../../src/protocol/events.js';
import { createRandom } from '../../src/random.js';
import { createLiveCognitiveModel } from '../../src/registry/cognitiveModels.js';
import { fromTransition } from 'xstate';
import type { AnalyzerContext, AnalyzerEvent } from '../../actors/machines/analyzer.js';
import { AnalyzerState, type AnalyzerOutput, type AnalyzerSettings } from '../../src/analysis/online/analyzerState.js';
import { TaskType } from '../../src/tasks/cohortTask.js';
import { encodeCohortInputs } from '../../src/tasks/encoding.js';
import { tinyScenario } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-machines-'));

describe('environment and agent actors', () => {
  it('an agent asked for a trial emits actions.chosen; its environment publishes the trial with the next inputs the task encoded', () => {
    const published: RunEvent[] = [];
    const environment = createActor(environmentMachine, {
      input: { agent: 'a', taskType: 'reversal', taskOptions: {}, nSessions: 3, publish: (e) => published.push(e) },
    }).start();
    const agent = createActor(agentMachine, {
      input: {
        agent: 'a', learner: createLiveCognitiveModel('q_learning', 'reversal').createAgent({ alpha: 0.4, beta: 5, kappa: 0 }),
        taskType: TaskType.REVERSAL, nSessions: 3, rng: createRandom(1),
      },
    }).start();
    const chosen: ActionsChosenEvent[] = [];
    agent.on('actions.chosen', (choice) => {
      chosen.push(choice);
      environment.send(choice);
    });
    environment.send({ type: 'episode.start', phase: 0, episode: 0, taskSeed: 5 });
    agent.send({ type: 'phase.started', v: EVENT_VERSION, phase: 0, name: 'p', learning: false });
    agent.send({ type: 'episode.started', v: EVENT_VERSION, agent: 'a', phase: 0, episode: 0, taskSeed: 5 });
    agent.send({ type: 'trial.requested' });
    expect(chosen).toHaveLength(1);
    const trial = published.find((e) => e.type === 'trial.completed') as TrialCompletedEvent;
    expect(Array.from(trial.actions)).toEqual(Array.from(chosen[0].actions));
    const expected = encodeCohortInputs(TaskType.REVERSAL, trial.actions, undefined, trial.rewards, new Float64Array(3 * 4));
    expect(Array.from(trial.nextInputs)).toEqual(Array.from(expected));
    environment.send({ type: 'episode.finish', time: 7 });
    const episode = published.at(-1)!;
    expect(episode).toMatchObject({ type: 'episode.completed', trials: 1, time: 7 });
    expect((episode as { meanReward: number }).meanReward).toBeCloseTo(trial.rewards.reduce((s, r) => s + r, 0) / 3, 12);
  });
});

describe('trainer machine', () => {
  it('with updateWeights swapped by .provide(), a run counts one update per learning episode and publishes weights every weightsEvery updates', async () => {
    let calls = 0;
    const trainer = trainerMachine.provide({ actions: { updateWeights: () => void (calls += 1) } });
    const events: RunEvent[] = [];
    const result = await startRun(tinyScenario(), { machines: { trainer }, onEvent: (e) => events.push(e) }).done;
    expect(result.status).toBe('completed');
    // 4 learning episodes × 2 learning agents (premature a2c, gru imitation); the q agent never learns.
    expect(calls).toBe(8);
    // The swapped update published nothing; weights still go out at updates 2 and 4 of each learner.
    expect(events.filter((e) => e.type === 'training.updated')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'weights.updated').map((e) => `${(e as { agent: string }).agent}@${(e as { update: number }).update}`))
      .toEqual(['premature@2', 'gru@2', 'premature@4', 'gru@4']);
  });
});

describe('a failure inside an actor', () => {
  it('ends the run in failed, publishes run.failed naming the agent, role and phase last, and the recording ends with it', async () => {
    const trainer = trainerMachine.provide({
      actions: {
        updateWeights: ({ context }) => {
          if (context.agent === 'gru') throw new Error('loss is NaN');
        },
      },
    });
    const path = join(dir, 'failed.ndjson');
    const events: RunEvent[] = [];
    const result = await runLive(tinyScenario(), { record: path, machines: { trainer }, onEvent: (e) => events.push(e) });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ role: 'trainer', agent: 'gru', phase: 0, phaseName: 'train', message: 'loss is NaN' });
    expect(result.failure!.summary).toBe('agent "gru" (trainer) failed in phase 0 "train": loss is NaN');
    expect(events.at(-1)).toEqual({ type: 'run.failed', v: 1, time: expect.any(Number), agent: 'gru', role: 'trainer', phase: 0, phaseName: 'train', message: 'loss is NaN' });
    // The run stopped at the failing episode's end: no trial of a later episode was played.
    const firstEnd = events.findIndex((e) => e.type === 'episode.completed');
    expect(events.slice(firstEnd).some((e) => e.type === 'trial.completed')).toBe(false);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'run.failed', agent: 'gru', role: 'trainer' });
  });

  it('in an environment names that agent', async () => {
    const environment = fromTransition<EnvironmentContext, EnvironmentEvent, never, EnvironmentInput>(
      (context, event) => {
        if (event.type === 'actions.chosen' && context.agent === 'q') throw new Error('task stepped out of range');
        return environmentTransition(context, event);
      },
      initialEnvironmentContext,
    );
    const result = await startRun(tinyScenario(), { machines: { environment } }).done;
    expect(result.status).toBe('failed');
    expect(result.failure?.summary).toBe('agent "q" (environment) failed in phase 0 "train": task stepped out of range');
  });

  it('in the analyzer names the agent whose event it was folding', async () => {
    const analyzer = fromTransition<AnalyzerContext, AnalyzerEvent, never, { settings: AnalyzerSettings }, AnalyzerOutput>(
      (context, event) => {
        if (event.type === 'weights.updated' && event.agent === 'gru') throw new Error('spectrum did not converge');
        return context;
      },
      ({ input }) => ({ state: new AnalyzerState(input.settings) }),
    );
    const events: RunEvent[] = [];
    const result = await startRun(tinyScenario(), { machines: { analyzer }, onEvent: (e) => events.push(e) }).done;
    expect(result.failure?.summary).toBe('agent "gru" (analyzer) failed in phase 0 "train": spectrum did not converge');
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', role: 'analyzer', agent: 'gru' });
  });
});
