/**
 * A data set shaped like animal reversal-learning data as tinyRNN distributes it (Ji-An, Benna &
 * Mattar 2025; monkeys of Bartolo & Averbeck 2020): a few subjects, a few sessions each, every
 * session a series of blocks that are independent episodes. In each block one option is better
 * (rewarded with `pHigh`, the other with 1 − pHigh); at a random trial inside the block the
 * contingencies reverse. Choices come from a cognitive model bound to each subject's parameters,
 * whose state restarts at every block, as the animals' task does. The truth (which option was
 * better) is returned beside the trials so tests can check analyses against it.
 */
import { emptyTrialsSession, type TrialsSession } from '../data/trialsCsv.js';
import type { Random } from '../random.js';
import { ConfigError, checkInteger, checkProbability, checkRandom } from '../validation.js';
import { parameterVector, sigmoid, type CognitiveModel, type ParameterValues } from './cognitiveModel.js';

export interface BlockedReversalOptions {
  /** The model that chooses (a reversal-task model, e.g. `createQLearningModel()`). */
  model: CognitiveModel;
  /** One parameter set per subject; subject ids are `${idPrefix}${i}`. */
  subjects: readonly ParameterValues[];
  /** Sessions per subject. Default 3. */
  sessionsPerSubject?: number;
  /** Blocks per session. Default 35. */
  blocksPerSession?: number;
  /** Trials per block. Default 80. */
  trialsPerBlock?: number;
  /** The reversal falls on a trial drawn uniformly from this range (0-based, inclusive). Default [30, 50]. */
  reversalTrials?: readonly [number, number];
  /** Reward probability of the better option (the other's is 1 − pHigh). Default 0.8. */
  pHigh?: number;
  /** Draws the schedules, the choices and the rewards. */
  rng: Random;
  /** Default `animal`. */
  idPrefix?: string;
}

export interface BlockedReversalData {
  /** One trials-CSV session per (subject, session); `block` and `reversal` filled. */
  sessions: TrialsSession[];
  /** Per session: the better option on each trial. */
  betterAction: Int8Array[];
}

/**
 * @example
 * const { sessions } = simulateBlockedReversal({ model: createQLearningModel(), rng: createRandom(1),
 *   subjects: [{ alpha: 0.5, beta: 6, kappa: 0.4 }, { alpha: 0.35, beta: 8, kappa: 0.2 }] });
 * formatTrialsCsv(sessions); // 2 × 3 × 35 × 80 trials
 */
export function simulateBlockedReversal(options: BlockedReversalOptions): BlockedReversalData {
  const { model, subjects, sessionsPerSubject = 3, blocksPerSession = 35, trialsPerBlock = 80, reversalTrials = [30, 50], pHigh = 0.8, rng, idPrefix = 'animal' } = options;
  if (model.task !== 'reversal') throw new ConfigError([`model must fit reversal data, got ${model.name} (${model.task})`]);
  if (subjects.length === 0) throw new ConfigError(['subjects must hold at least one parameter set, got 0']);
  checkInteger('sessionsPerSubject', sessionsPerSubject, 1);
  checkInteger('blocksPerSession', blocksPerSession, 1);
  checkInteger('trialsPerBlock', trialsPerBlock, 2);
  checkInteger('reversalTrials[0]', reversalTrials[0], 1, trialsPerBlock - 1);
  checkInteger('reversalTrials[1]', reversalTrials[1], reversalTrials[0], trialsPerBlock - 1);
  checkProbability('pHigh', pHigh);
  checkRandom('rng', rng);
  const sessions: TrialsSession[] = [];
  const betterAction: Int8Array[] = [];
  const streams = rng.split(subjects.length);
  subjects.forEach((parameters, i) => {
    const kernel = model.bind(parameterVector(model, parameters));
    const state = new Float64Array(kernel.stateSize);
    const draw = streams[i];
    for (let k = 0; k < sessionsPerSubject; k++) {
      const nTrials = blocksPerSession * trialsPerBlock;
      const session = emptyTrialsSession('reversal', `${idPrefix}${i}`, `${idPrefix}${i}_s${k}`, nTrials);
      const better = new Int8Array(nTrials);
      for (let b = 0; b < blocksPerSession; b++) {
        const reversalAt = draw.integer(reversalTrials[0], reversalTrials[1]);
        let good = draw.integer(0, 1);
        kernel.init(state, 0);
        for (let j = 0; j < trialsPerBlock; j++) {
          const t = b * trialsPerBlock + j;
          if (j === reversalAt) good = 1 - good;
          const choice = draw.uniform() < sigmoid(kernel.choiceLogit(state, 0)) ? 1 : 0;
          const reward = draw.uniform() < (choice === good ? pHigh : 1 - pHigh) ? 1 : 0;
          kernel.update(state, 0, choice, -1, -1, reward);
          session.choice[t] = choice;
          session.valid[t] = 1;
          session.reward[t] = reward;
          session.block[t] = b;
          session.reversal[t] = j === reversalAt ? 1 : 0;
          better[t] = good;
        }
      }
      sessions.push(session);
      betterAction.push(better);
    }
  });
  return { sessions, betterAction };
}

