/**
 * Online meta-reinforcement learning of one agent outside the actor system: the same A2C update
 * the trainer actor applies (Wang et al. 2018), in a plain loop, for experiments that need many
 * trained agents (the developmental comparison's online route). Every episode is a fresh task
 * cohort; the hidden state starts from zero each episode.
 */
import type { RecurrentModel } from '../model/recurrentModel.js';
import type { Random } from '../random.js';
import { allocateStreams } from '../randomStreams.js';
import { createTask, type TaskOptions } from '../tasks/createTask.js';
import type { TaskType } from '../tasks/cohortTask.js';
import { A2CTrainer, type A2COptions } from '../training/a2cTrainer.js';
import { playEpisode } from '../training/playEpisode.js';
import { checkInteger } from '../validation.js';

export interface OnlineTrainingOptions {
  /** Training episodes (one A2C update each). */
  episodes: number;
  /** Sessions played in parallel per episode (default 64). */
  nSessions?: number;
  /** Trials per episode (default 100). */
  nTrials?: number;
  /** Task parameters (e.g. `{ rewardMode: 'state' }` for the Wang et al. two-stage variant). */
  taskOptions?: TaskOptions;
  /** A2C hyper-parameters (defaults: Adam 1e-3, discount 0.9, value 0.05, entropy 0.05, clip 1). */
  a2c?: A2COptions;
  /** Episodes per entry of the returned curves (default 50). */
  blockEpisodes?: number;
  /** Called after every block with its index and mean reward. */
  onBlock?: (block: number, meanReward: number) => void;
}

export interface OnlineTrainingHistory {
  /** Mean reward per trial over each block of episodes. */
  reward: number[];
  /** Mean A2C loss (with regularisers) over each block. */
  loss: number[];
  /** Mean policy entropy over each block. */
  entropy: number[];
}

/**
 * @example
 * const history = trainOnline(model, TaskType.REVERSAL, createRandom(1), { episodes: 4000 });
 */
export function trainOnline(model: RecurrentModel, task: TaskType, rng: Random, options: OnlineTrainingOptions): OnlineTrainingHistory {
  const { episodes, nSessions = 64, nTrials = 100, taskOptions, a2c = {}, blockEpisodes = 50, onBlock } = options;
  checkInteger('episodes', episodes, 1);
  checkInteger('nSessions', nSessions, 1);
  checkInteger('nTrials', nTrials, 2);
  checkInteger('blockEpisodes', blockEpisodes, 1);
  const trainer = new A2CTrainer(model, a2c);
  const { task: taskRng, actions: actionRng } = allocateStreams(rng, ['task', 'actions']);
  const history: OnlineTrainingHistory = { reward: [], loss: [], entropy: [] };
  let sums = { reward: 0, loss: 0, entropy: 0, n: 0 };
  for (let episode = 0; episode < episodes; episode++) {
    const cohort = createTask(task, { nSessions, rng: taskRng, options: taskOptions });
    const update = trainer.update(playEpisode(model, cohort, { nTrials, rng: actionRng }));
    sums = { reward: sums.reward + update.meanReward, loss: sums.loss + update.loss, entropy: sums.entropy + update.entropy, n: sums.n + 1 };
    if (sums.n === blockEpisodes || episode === episodes - 1) {
      history.reward.push(sums.reward / sums.n);
      history.loss.push(sums.loss / sums.n);
      history.entropy.push(sums.entropy / sums.n);
      onBlock?.(history.reward.length - 1, sums.reward / sums.n);
      sums = { reward: 0, loss: 0, entropy: 0, n: 0 };
    }
  }
  return history;
}
