import { describe, expect, it } from 'vitest';
import { participantAgentId, participantScenario } from '../actors/io/participantRun.js';
import { parseScenario } from '../actors/system/scenario.js';
import { startRun } from '../actors/system/startRun.js';

describe('participantScenario', () => {
  it('participantScenario(...) is a scenario of one human agent that `live` refuses to run, and a trainer on a person is refused', () => {
    const scenario = participantScenario({ task: 'two_stage', taskOptions: { rewardMode: 'state' }, seed: 4, nTrials: 30, participant: 'P 01/a' });
    expect(scenario.agents).toEqual([{ id: 'P_01_a', nSessions: 1, model: { kind: 'human', participant: 'P 01/a' }, trainer: { mode: 'none' } }]);
    expect(() => startRun(scenario)).toThrow('agent "P 01/a" is a person (model kind "human"): people play through `brain-rnn play`');
    const json = { ...scenario, agents: [{ ...scenario.agents[0], trainer: { mode: 'a2c' } }] };
    expect(() => parseScenario(json)).toThrow('scenario.agents.0.trainer.mode must be "none" for a person, got "a2c"');
    expect(participantAgentId('')).toBe('participant');
  });
});
