import { describe, expect, it } from 'vitest';
import { RecurrentAgent } from '../src/agents/recurrentAgent.js';
import { serializeCheckpoint } from '../src/model/checkpoint.js';
import { TinyGRU } from '../src/model/tinyGru.js';
import { SimulatedParticipant } from '../src/agents/simulatedParticipant.js';
import { simulateSessions } from '../src/cognitive/simulateSessions.js';
import { createLiveCognitiveModel } from '../src/registry/cognitiveModels.js';
import { participantTrialsSession } from '../src/data/participantTrials.js';
import { formatTrialsCsv, parseTrialsCsv } from '../src/data/trialsCsv.js';
import { createRandom } from '../src/random.js';
import { createTask } from '../src/tasks/createTask.js';
import { ParticipantTask } from '../src/tasks/participantTask.js';
import { TwoStageTask } from '../src/tasks/twoStage.js';

/** A fixed, irregular choice sequence (no generator shared with the tasks). */
const choiceAt = (t: number) => (t * 7 + (t >> 2)) % 3 === 0 ? 1 : 0;

describe('ParticipantTask', () => {
  for (const task of ['reversal', 'probabilistic_reward'] as const) {
    it(`ParticipantTask(${task}) pays the rewards createTask(${task}) pays for the same seed and choices`, () => {
      const participant = new ParticipantTask({ task, seed: 11, nTrials: 120 });
      const node = createTask(task, { nSessions: 1, rng: createRandom(11) });
      for (let t = 0; t < 120; t++) {
        const result = participant.choose(choiceAt(t), 300 + t);
        expect(result.stage).toBe('outcome');
        expect(result.stage === 'outcome' && result.trial.reward).toBe(node.step([choiceAt(t)]).rewards[0]);
      }
      expect(participant.done).toBe(true);
      expect(() => participant.choose(0)).toThrow('all 120 trials have been played');
    });
  }

  it('ParticipantTask(two_stage) gives the states and rewards of TwoStageTask.step with the same second-stage choices', () => {
    const participant = new ParticipantTask({ task: 'two_stage', seed: 3, nTrials: 60, options: { rewardMode: 'state' } });
    const node = new TwoStageTask({ nSessions: 1, rng: createRandom(3), rewardMode: 'state' });
    for (let t = 0; t < 60; t++) {
      const first = participant.choose(choiceAt(t), 500);
      expect(first.stage).toBe('second');
      if (first.stage !== 'second') return;
      const stage2 = (first.state + t) % 2;
      const expected = node.step([choiceAt(t)], [stage2]);
      expect(first.state).toBe(expected.latent.stage2States![0]);
      expect(first.common).toBe(expected.latent.common![0] === 1);
      const done = participant.chooseSecond(stage2, 400);
      expect(done.stage === 'outcome' && [done.trial.reward, done.trial.rt, done.trial.rt2]).toEqual([expected.rewards[0], 500, 400]);
    }
    expect(participant.trials.map((r) => r.common)).toContain(0);
  });

  it('TwoStageTask.beginTrial refuses a second trial before the first completes', () => {
    const task = new TwoStageTask({ nSessions: 1, rng: createRandom(1) });
    const pending = task.beginTrial([0]);
    expect(() => task.beginTrial([1])).toThrow('trial 0 has begun and not completed');
    pending.complete([1]);
    expect(() => pending.complete([1])).toThrow('already completed');
  });

  it('ParticipantTask refuses bad choices, reaction times and out-of-order stages by name', () => {
    const participant = new ParticipantTask({ task: 'reversal', seed: 1, nTrials: 2 });
    expect(() => participant.choose(2)).toThrow('choice must be 0 or 1, got 2');
    expect(() => participant.choose(0, -5)).toThrow(/rt must be .*>= 0.*-5/);
    expect(() => participant.chooseSecond(0)).toThrow('the reversal task has one stage');
    expect(() => new ParticipantTask({ task: 'bandit', seed: 1, nTrials: 2 })).toThrow('unknown task type "bandit"');
    expect(() => new ParticipantTask({ task: 'reversal', seed: 1, nTrials: 0 })).toThrow(/nTrials must be an integer/);
  });
});

describe('trials CSV with reaction times', () => {
  it('formatTrialsCsv(participantTrialsSession(...), { includeReactionTimes }) round-trips through parseTrialsCsv with rt and rt2', () => {
    const participant = new ParticipantTask({ task: 'two_stage', seed: 5, nTrials: 5 });
    for (let t = 0; t < 5; t++) participant.play(choiceAt(t), 1 - choiceAt(t), 321.26 + t, t === 2 ? NaN : 250);
    const text = formatTrialsCsv([participantTrialsSession(participant.trials, { task: 'two_stage', subject: 'P01' })], { includeReactionTimes: true });
    expect(text.split('\n')[0]).toBe('task,subject,session,trial,choice,stage2_state,stage2_choice,reward,block,reversal,common,rt,rt2');
    expect(text.split('\n')[3].split(',').slice(-2)).toEqual(['323.3', '']);
    const table = parseTrialsCsv(text);
    expect(table.reactionTimes).toEqual(['rt', 'rt2']);
    const [session] = table.sessions;
    expect(Array.from(session.reward)).toEqual(participant.trials.map((r) => r.reward));
    expect(Array.from(session.common)).toEqual(participant.trials.map((r) => r.common));
    expect(Array.from(session.rt!)).toEqual([321.3, 322.3, 323.3, 324.3, 325.3]);
    expect(Number.isNaN(session.rt2![2])).toBe(true);
  });

  it('parseTrialsCsv accepts a reversal file with rt and refuses rt2 there, a negative time, and columns out of order', () => {
    const header = 'task,subject,session,trial,choice,stage2_state,stage2_choice,reward,block,reversal';
    expect(parseTrialsCsv(`${header},rt\nreversal,p,p,0,1,,,0,0,0,412\n`).sessions[0].rt![0]).toBe(412);
    expect(() => parseTrialsCsv(`${header},rt,rt2\nreversal,p,p,0,1,,,0,0,0,412,3\n`)).toThrow('line 2, column "rt2": a reversal file has one stage');
    expect(() => parseTrialsCsv(`${header},rt\nreversal,p,p,0,1,,,0,0,0,-4\n`)).toThrow('line 2, column "rt": expected a reaction time in ms (a number >= 0) or empty, got "-4"');
    expect(() => parseTrialsCsv(`${header},rt2,rt\nreversal,p,p,0,1,,,0,0,0,4,4\n`)).toThrow('then common, rt and rt2 optional, in that order');
  });
});

describe('SimulatedParticipant', () => {
  it('SimulatedParticipant(q_learning) makes the choices simulateSessions makes with the same agent, task seed and choice seed', () => {
    const parameters = { alpha: 0.35, beta: 4, kappa: 0.2 };
    const participant = new ParticipantTask({ task: 'reversal', seed: 21, nTrials: 80 });
    const agent = new SimulatedParticipant({ kind: 'cognitive', model: 'q_learning', parameters }, { task: 'reversal', rng: createRandom(9) });
    while (!participant.done) agent.play(participant);
    const [expected] = simulateSessions(createLiveCognitiveModel('q_learning', 'reversal').createAgent(parameters), createTask('reversal', { nSessions: 1, rng: createRandom(21) }), { nTrials: 80, rng: createRandom(9) });
    expect(participant.trials.map((t) => t.choice)).toEqual(Array.from(expected.choice));
    expect(participant.trials.map((t) => t.reward)).toEqual(Array.from(expected.reward));
  });

  it('SimulatedParticipant(daw_hybrid) plays both stages as simulateSessions does on the two-stage task', () => {
    const parameters = { alpha1: 0.5, alpha2: 0.5, lambda: 0.6, beta1: 4, beta2: 4, w: 0.5, perseveration: 0.1 };
    const participant = new ParticipantTask({ task: 'two_stage', seed: 4, nTrials: 60 });
    const agent = new SimulatedParticipant({ kind: 'cognitive', model: 'hybrid', parameters }, { task: 'two_stage', rng: createRandom(5) });
    while (!participant.done) agent.play(participant);
    const [expected] = simulateSessions(createLiveCognitiveModel('daw_hybrid', 'two_stage').createAgent(parameters), new TwoStageTask({ nSessions: 1, rng: createRandom(4) }), { nTrials: 60, rng: createRandom(5) });
    expect(participant.trials.map((t) => [t.choice, t.stage2State, t.stage2Choice, t.reward])).toEqual(
      Array.from({ length: 60 }, (_, t) => [expected.choice[t], expected.stage2State[t], expected.stage2Choice[t], expected.reward[t]]),
    );
  });

  it('SimulatedParticipant(checkpoint) plays a TinyGRU checkpoint as simulateSessions plays the network itself', () => {
    const network = new TinyGRU({ nHidden: 2, nInputs: 4, nOutputs: 2, rng: createRandom(8) });
    const participant = new ParticipantTask({ task: 'reversal', seed: 2, nTrials: 50 });
    const agent = new SimulatedParticipant({ kind: 'checkpoint', checkpoint: serializeCheckpoint(network) }, { task: 'reversal', rng: createRandom(3) });
    while (!participant.done) agent.play(participant);
    const [expected] = simulateSessions(new RecurrentAgent(network), createTask('reversal', { nSessions: 1, rng: createRandom(2) }), { nTrials: 50, rng: createRandom(3) });
    expect(participant.trials.map((t) => t.choice)).toEqual(Array.from(expected.choice));
  });

  it('SimulatedParticipant refuses an unknown kind and a model that cannot play the task', () => {
    const rng = createRandom(1);
    expect(() => new SimulatedParticipant({ kind: 'oracle' } as never, { task: 'reversal', rng })).toThrow('simulated participant kind must be "cognitive" or "checkpoint", got "oracle"');
    expect(() => new SimulatedParticipant({ kind: 'cognitive', model: 'q_learning', parameters: {} }, { task: 'two_stage', rng })).toThrow('cannot play task "two_stage"');
  });
});
