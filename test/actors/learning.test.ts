import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../actors/system/scenario.js';
import { startRun } from '../../actors/system/startRun.js';

/** A short meta-RL run of one mature low-rank agent, then a frozen test phase. */
function metaRl(task: Record<string, unknown>, episodes: number, learningRate: number) {
  return parseScenario({
    name: 'learning', seed: 1, task, trialsPerEpisode: 50,
    agents: [{ id: 'mature', nSessions: 32, model: { kind: 'low_rank', stage: 'mature', nHidden: 32 }, trainer: { mode: 'a2c', learningRate } }],
    phases: [{ name: 'train', episodes, learning: true }, { name: 'test', episodes: 10, learning: false }],
    analyzer: { weightsEvery: 0 },
  });
}

describe('online meta-RL through the actor system', () => {
  it('after A2C training on reversal, frozen agents recover P(better) within 10 trials of a reversal well above chance', async () => {
    const result = await startRun(metaRl({ type: 'reversal', options: { blockLengthMin: 10, blockLengthMax: 20 } }, 160, 0.03)).done;
    const [train, test] = result.metrics[0].phases;
    expect(test.trials).toBe(10 * 50 * 32);
    expect(test.pBetter).toBeGreaterThan(0.62);
    expect(test.recoveryPBetter).toBeGreaterThan(0.6);
    // Learning happened during training, not by luck of the initial weights.
    expect(test.rewardRate).toBeGreaterThan(train.rewardRate);
  }, 60_000);

  it('after A2C training on the two-stage "state" variant, frozen agents show a positive reward × transition interaction', async () => {
    const result = await startRun(metaRl({ type: 'two_stage', options: { rewardMode: 'state', swapProb: 0.05 } }, 250, 0.01)).done;
    const test = result.metrics[0].phases[1];
    expect(test.modelBasedIndex).toBeGreaterThan(0.2);
    expect(test.rewardRate).toBeGreaterThan(0.55);
    expect(test.stayTable!.commonRewarded).toBeGreaterThan(test.stayTable!.commonUnrewarded);
  }, 60_000);
});
