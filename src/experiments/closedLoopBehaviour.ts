/**
 * Closed-loop behaviour of a frozen network: it plays a fresh cohort of the task, and the episode is
 * scored with the behavioural analyses (reversal adaptation; two-stage stay table and indices).
 */
import { analyzeReversalAdaptation } from '../analysis/reversalAdaptation.js';
import { analyzeTwoStageSignatures } from '../analysis/twoStageSignatures.js';
import type { BehaviourColumns } from '../analysis/behaviourColumns.js';
import type { RecurrentModel } from '../model/recurrentModel.js';
import { createRandom } from '../random.js';
import { SEED_STREAMS, pickStreams } from '../randomStreams.js';
import { TaskType } from '../tasks/cohortTask.js';
import { createTask, type TaskOptions } from '../tasks/createTask.js';
import { playEpisode, type Episode } from '../training/playEpisode.js';

/** Trials after a reversal over which P(better) is averaged ("the first 10 trials"). */
export const EARLY_REVERSAL_TRIALS = 10;

/** How a frozen network is played for its behavioural metrics. */
export interface PlayedEvaluation {
  /** Sessions played in parallel. */
  nSessions: number;
  /** Trials per session. */
  nTrials: number;
  /** Task parameters of the played cohort. */
  taskOptions?: TaskOptions;
}

/** Stay probabilities after common/rare × rewarded/unrewarded trials. */
export interface PlayedStayProbabilities {
  commonRewarded: number;
  commonUnrewarded: number;
  rareRewarded: number;
  rareUnrewarded: number;
}

/** Behaviour columns of a played episode (session-major rows s·T + t). */
export function columnsFromEpisode(episode: Episode, task: TaskType): BehaviourColumns {
  const n = episode.nSessions * episode.nTrials;
  const columns: BehaviourColumns = {
    choices: episode.actions,
    rewards: episode.rewards,
    sessionIds: Int32Array.from({ length: n }, (_, i) => Math.floor(i / episode.nTrials)),
    betterAction: episode.betterAction,
    reversal: episode.reversal,
  };
  if (task === TaskType.TWO_STAGE) Object.assign(columns, { stage2States: episode.stage2States, common: episode.common });
  return columns;
}

/** Closed-loop behaviour metrics of a frozen model (adaptation; two-stage signatures). */
export function evaluateBehaviour(model: RecurrentModel, taskType: TaskType, evaluation: PlayedEvaluation, seed: number) {
  // Its own streams of the seed, so that the played cohort never replays the schedule of a
  // TaskDataset built with the same seed.
  const { evaluationTask: taskRng, evaluationPlay: playRng } = pickStreams(createRandom(seed), SEED_STREAMS, ['evaluationTask', 'evaluationPlay']);
  const task = createTask(taskType, { nSessions: evaluation.nSessions, rng: taskRng, options: evaluation.taskOptions });
  const episode = playEpisode(model, task, { nTrials: evaluation.nTrials, rng: playRng });
  const columns = columnsFromEpisode(episode, taskType);
  const adaptation = analyzeReversalAdaptation(columns);
  const { offsets, pBetter, counts } = adaptation.curve;
  let hits = 0;
  let total = 0;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] < 0 || offsets[i] >= EARLY_REVERSAL_TRIALS || counts[i] === 0) continue;
    hits += pBetter[i] * counts[i];
    total += counts[i];
  }
  const reached = adaptation.nReversals > 0;
  const metrics = {
    pBetterAfterReversal: total > 0 ? hits / total : NaN,
    recoveryTau: reached ? adaptation.recovery.tau : NaN,
    trialsToCriterion: adaptation.meanTrialsToCriterion,
    winStay: adaptation.winStay,
    loseShift: adaptation.loseShift,
    meanReward: episode.rewards.reduce((s, r) => s + r, 0) / episode.rewards.length,
    modelBasedIndex: NaN,
    modelFreeIndex: NaN,
  };
  let stayTable: PlayedStayProbabilities | undefined;
  if (taskType === TaskType.TWO_STAGE) {
    const signatures = analyzeTwoStageSignatures(columns);
    metrics.modelBasedIndex = signatures.modelBasedIndex;
    metrics.modelFreeIndex = signatures.modelFreeIndex;
    const t = signatures.stayTable;
    stayTable = {
      commonRewarded: t.commonRewarded.stayProbability,
      commonUnrewarded: t.commonUnrewarded.stayProbability,
      rareRewarded: t.rareRewarded.stayProbability,
      rareUnrewarded: t.rareUnrewarded.stayProbability,
    };
  }
  const reversalCurve = reached
    ? { offsets: Array.from(offsets), pBetter: Array.from(pBetter), counts: Array.from(counts) }
    : { offsets: [], pBetter: [], counts: [] };
  return { metrics, stayTable, reversalCurve, episode };
}

