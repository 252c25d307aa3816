import { parseScenario, type Scenario } from '../../actors/system/scenario.js';

/** A tiny reversal scenario: two low-rank agents and a Q-learner, a few short episodes. */
export function tinyScenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'tiny', seed: 3,
    task: { type: 'reversal', options: { blockLengthMin: 5, blockLengthMax: 10 } },
    trialsPerEpisode: 20,
    agents: [
      { id: 'premature', nSessions: 4, model: { kind: 'low_rank', stage: 'premature', nHidden: 12 }, trainer: { mode: 'a2c', learningRate: 0.01 } },
      { id: 'gru', nSessions: 3, model: { kind: 'tiny_gru', nHidden: 2 }, trainer: { mode: 'imitation', teacher: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0.2 } } } },
      { id: 'q', nSessions: 2, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0 } } },
    ],
    phases: [{ name: 'train', episodes: 4, learning: true }, { name: 'test', episodes: 2, learning: false }],
    analyzer: { weightsEvery: 2, probeRows: 8, reversalCurveLength: 5, recoveryTrials: 3 },
    run: { trialsPerTick: 7 },
    ...overrides,
  });
}
