import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../actors/io/liveRun.js';
import { parseScenario, parseScenarioText } from '../../actors/system/scenario.js';

const base = () => ({
  name: 'x', seed: 1, task: { type: 'reversal', options: { pHigh: 0.8 } }, trialsPerEpisode: 10,
  agents: [{ id: 'a', nSessions: 4, model: { kind: 'low_rank', stage: 'mature', nHidden: 8 }, trainer: { mode: 'a2c' } }],
  phases: [{ name: 'train', episodes: 2, learning: true }],
});

function refusal(edit: (s: any) => void): string {
  const scenario = base();
  edit(scenario);
  try {
    parseScenario(scenario);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('scenario was accepted');
}

describe('parseScenario', () => {
  it('parseScenario(file) accepts every shipped scenario and fills the defaults', () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['reversal-developmental.json', 'tinygru-vs-qlearning.json', 'two-stage-metarl.json', 'volatile-reward.json']);
    for (const file of files) {
      const scenario = loadScenarioFile(join('scenarios', file));
      expect(scenario.analyzer.recoveryTrials).toBe(10);
      expect(scenario.run.trialsPerTick).toBeGreaterThan(0);
    }
    expect(parseScenario(base()).agents[0].trainer).toEqual({
      mode: 'a2c', learningRate: 1e-3, discount: 0.9, valueWeight: 0.05, entropyWeight: 0.05, clipNorm: 1, regularize: true,
    });
  });

  it('parseScenarioText refuses bad JSON, naming the file', () => {
    expect(() => parseScenarioText('{"name": ', 'broken.json')).toThrow(/^broken\.json is not valid JSON/);
  });

  it('parseScenario refuses an unknown field with its path', () => {
    expect(refusal((s) => (s.agents[0].colour = 'red'))).toBe('scenario.agents.0 has unknown field(s) "colour"');
    expect(refusal((s) => (s.extra = 1))).toBe('scenario has unknown field(s) "extra"');
  });

  it('parseScenario refuses a wrong type or an out-of-range value with the path and the allowed range', () => {
    expect(refusal((s) => (s.trialsPerEpisode = 'ten'))).toBe('scenario.trialsPerEpisode must be an integer in [1, 100000], got "ten"');
    expect(refusal((s) => (s.agents[0].nSessions = 0))).toBe('scenario.agents.0.nSessions must be an integer in [1, 4096], got 0');
    expect(refusal((s) => (s.phases[0].learning = 'yes'))).toBe('scenario.phases.0.learning must be true or false, got "yes"');
    expect(refusal((s) => (s.agents[0].model.overrides = { rank: 40 }))).toBe('scenario.agents.0.model.overrides.rank must be an integer in [1, 7], got 40');
    expect(refusal((s) => (s.task.options = { pHigh: 2 }))).toBe('scenario.task.options: pHigh must be a number in [0, 1], got 2');
    expect(refusal((s) => (s.task.options = { pHig: 0.9 }))).toMatch(/^scenario\.task\.options: reversal options have unknown field\(s\) "pHig"; expected pHigh/);
  });

  it('parseScenario refuses an unknown task, model kind, trainer mode or cognitive agent, listing the allowed ones', () => {
    expect(refusal((s) => (s.task.type = 'maze'))).toBe('scenario.task.type must be one of "reversal", "two_stage", "probabilistic_reward", got "maze"');
    expect(refusal((s) => (s.agents[0].model.kind = 'lstm'))).toBe('scenario.agents.0.model.kind must be one of "low_rank", "tiny_gru", "cognitive", got "lstm"');
    expect(refusal((s) => (s.agents[0].trainer.mode = 'ppo'))).toBe('scenario.agents.0.trainer.mode must be one of "a2c", "imitation", "none", got "ppo"');
    expect(refusal((s) => (s.agents[0] = { id: 'q', nSessions: 2, model: { kind: 'cognitive', model: 'sarsa', parameters: {} } }))).toMatch(
      /^scenario\.agents\.0\.model\.model must be one of "q_learning", .*got "sarsa"$/,
    );
    expect(refusal((s) => (s.agents[0] = { id: 'q', nSessions: 2, model: { kind: 'cognitive', model: 'daw_hybrid', parameters: {} } }))).toBe(
      'scenario.agents.0.model.model "daw_hybrid" cannot play task "reversal"; it plays two_stage',
    );
    expect(refusal((s) => (s.agents[0] = { id: 'q', nSessions: 2, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 2, beta: 1, kappa: 0 } } }))).toBe(
      'scenario.agents.0.model.parameters: q_learning alpha must be a number in [0, 1], got 2',
    );
  });

  it('parseScenario refuses duplicate agent ids and a trained cognitive agent', () => {
    expect(refusal((s) => s.agents.push({ ...s.agents[0] }))).toBe('scenario.agents.1.id must be unique, got "a" twice');
    expect(refusal((s) => (s.agents[0] = { id: 'q', nSessions: 2, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.2, beta: 1, kappa: 0 } }, trainer: { mode: 'a2c' } }))).toBe(
      'scenario.agents.0.trainer.mode must be "none" for a cognitive agent, got "a2c"',
    );
  });

  it('parseScenario accepts the registry aliases of kinds and cognitive models and stores the canonical names', () => {
    const scenario = parseScenario({
      name: 'aliases', seed: 1, task: { type: 'two_stage' }, trialsPerEpisode: 5,
      agents: [
        { id: 'a', nSessions: 2, model: { kind: 'lowrank', stage: 'mature', nHidden: 8 } },
        { id: 'b', nSessions: 2, model: { kind: 'TinyGRU', nHidden: 2 }, trainer: { mode: 'imitation', teacher: { kind: 'cognitive', model: 'hybrid', parameters: { alpha1: 0.5, alpha2: 0.5, lambda: 0.5, beta1: 4, beta2: 4, w: 0.5, perseveration: 0 } } } },
        { id: 'c', nSessions: 2, model: { kind: 'cognitive', model: 'model_based', parameters: { alpha2: 0.5, beta1: 5, beta2: 5, perseveration: 0 } } },
      ],
      phases: [{ name: 'p', episodes: 1, learning: true }],
    });
    expect(scenario.agents.map((a) => a.model.kind)).toEqual(['low_rank', 'tiny_gru', 'cognitive']);
    expect(scenario.agents[2].model).toMatchObject({ model: 'model_based_two_step' });
    expect(scenario.agents[1].trainer).toMatchObject({ teacher: { model: 'daw_hybrid' } });
  });

  it('loadScenarioFile refuses a missing file before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-scn-'));
    expect(() => loadScenarioFile(join(dir, 'none.json'))).toThrow(/cannot read scenario .*none\.json: ENOENT/);
    writeFileSync(join(dir, 'bad.json'), readFileSync('scenarios/volatile-reward.json', 'utf8').replace('"seed": 3', '"seed": -3'));
    expect(() => loadScenarioFile(join(dir, 'bad.json'))).toThrow('scenario.seed must be an integer in [0, 2147483647], got -3');
  });
});
