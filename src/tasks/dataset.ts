/**
 * Synthetic behavioural datasets: a policy plays B sessions of T trials of a task, and the
 * choices, rewards, network inputs and latent task truth are kept as session-major columns
 * (index `b * T + t`, times the width for wide columns), ready to be cut into SequenceBatches.
 */
import type { CohortAgent } from '../agents/cohortAgent.js';
import type { SequenceBatch } from '../model/recurrentModel.js';
import { createRandom, type Random } from '../random.js';
import { SEED_STREAMS, pickStreams } from '../randomStreams.js';
import { ConfigError, checkInteger, checkProbability, showValue } from '../validation.js';
import { TaskType } from './cohortTask.js';
import { DEFAULT_TEST_FRACTION, DEFAULT_VALIDATION_FRACTION } from './datasetSplit.js';
import { RandomPolicy, SoftmaxQLearner, sampleChoices, type SoftmaxQLearnerOptions } from './behaviourPolicy.js';
import { createTask } from './createTask.js';
import { parseTaskType } from './encoding.js';
import type { TwoStageTask } from './twoStage.js';

/** Who plays: the softmax Q-learner, the random chooser, or any agent. */
export type DatasetPolicy = 'q_learning' | 'random' | CohortAgent;

export interface TaskDatasetOptions {
  /** Number of sessions B (integer >= 1). */
  nSessions: number;
  /** Trials per session T (integer >= 1). */
  trialsPerSession: number;
  /** Seed of everything: task streams, policy streams and the split. */
  seed: number;
  /** Behavioural policy (default 'q_learning'). A given agent is reset and driven in place. */
  policy?: DatasetPolicy;
  /** Options of the 'q_learning' policy. */
  policyOptions?: SoftmaxQLearnerOptions;
  /** Task-specific options, as for `createTask`. */
  taskOptions?: Record<string, unknown>;
  /** Share of sessions held out for validation, in [0, 1] (default 0.1). */
  validationFraction?: number;
  /** Share of sessions held out for testing, in [0, 1] (default 0.1). */
  testFraction?: number;
}

/** Session indices of each part, sorted ascending; disjoint and together covering 0..B−1. */
export interface DatasetSplit {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * @example
 * const data = new TaskDataset('reversal', { nSessions: 100, trialsPerSession: 200, seed: 1 });
 * const { train } = data.split();
 * for (const batch of data.batches(train, 16, createRandom(2))) model.forward(batch);
 */
export class TaskDataset {
  readonly type: TaskType;
  readonly nSessions: number;
  readonly nTrials: number;
  readonly nInputs: number;
  readonly nActions: number;
  readonly seed: number;
  /** B*T*nInputs; the input at trial t encodes trial t−1 (trial 0: zeros and the constant 1). */
  readonly inputs: Float64Array;
  /** B*T first-stage choices. */
  readonly actions: Int32Array;
  /** The choices as supervised targets (the same array as `actions`). */
  readonly targets: Int32Array;
  /** B*T rewards, 0 or 1. */
  readonly rewards: Float32Array;
  /** B*T*nActions expected reward of each first-stage action (see TrialLatent). */
  readonly actionRewardProbs: Float32Array;
  /** B*T the action with the higher expected reward. */
  readonly betterAction: Int8Array;
  /** B*T, 1 on the first trial after a reversal or jump. */
  readonly reversal: Uint8Array;
  /** Probabilistic reward only: B*T, 1 in volatile blocks. */
  readonly volatile?: Uint8Array;
  /** Two-stage only: B*T second-stage state reached. */
  readonly stage2States?: Int8Array;
  /** Two-stage only: B*T second-stage choice. */
  readonly stage2Actions?: Int8Array;
  /** Two-stage only: B*T, 1 for a common transition. */
  readonly common?: Int8Array;
  /** Two-stage only: B*T*4 reward probabilities, index state*2+action. */
  readonly stage2RewardProbs?: Float32Array;
  private readonly parts: DatasetSplit;

  constructor(type: TaskType | string, options: TaskDatasetOptions) {
    const {
      nSessions,
      trialsPerSession,
      seed,
      policy = 'q_learning',
      policyOptions,
      taskOptions,
      validationFraction = DEFAULT_VALIDATION_FRACTION,
      testFraction = DEFAULT_TEST_FRACTION,
    } = options ?? ({} as TaskDatasetOptions);
    this.type = parseTaskType(type);
    const B = (this.nSessions = checkInteger('nSessions', nSessions, 1));
    const T = (this.nTrials = checkInteger('trialsPerSession', trialsPerSession, 1));
    if (!Number.isSafeInteger(seed)) throw new ConfigError([`seed must be a safe integer, got ${showValue(seed)}`]);
    this.seed = seed;
    checkProbability('validationFraction', validationFraction);
    checkProbability('testFraction', testFraction);
    if (validationFraction + testFraction > 1) {
      throw new ConfigError([`validationFraction + testFraction must be <= 1, got ${validationFraction + testFraction}`]);
    }
    const agent = resolvePolicy(policy, policyOptions);

    // The dataset's streams of the seed; closed-loop evaluation with the same seed takes others.
    const seedStreams = pickStreams(createRandom(seed), SEED_STREAMS, ['datasetTask', 'datasetPolicy', 'datasetSplit']);
    const { datasetTask: taskRng, datasetPolicy: policyRng, datasetSplit: splitRng } = seedStreams;
    const task = createTask(this.type, { nSessions: B, rng: taskRng, options: taskOptions });
    if (agent.nActions !== task.nActions) {
      throw new ConfigError([`policy.nActions must be ${task.nActions} for ${this.type}, got ${agent.nActions}`]);
    }
    const nIn = (this.nInputs = task.nInputs);
    const nA = (this.nActions = task.nActions);
    const twoStage = this.type === TaskType.TWO_STAGE;
    this.inputs = new Float64Array(B * T * nIn);
    this.actions = this.targets = new Int32Array(B * T);
    this.rewards = new Float32Array(B * T);
    this.actionRewardProbs = new Float32Array(B * T * nA);
    this.betterAction = new Int8Array(B * T);
    this.reversal = new Uint8Array(B * T);
    if (this.type === TaskType.PROBABILISTIC_REWARD) this.volatile = new Uint8Array(B * T);
    if (twoStage) {
      this.stage2States = new Int8Array(B * T);
      this.stage2Actions = new Int8Array(B * T);
      this.common = new Int8Array(B * T);
      this.stage2RewardProbs = new Float32Array(B * T * 4);
    }

    // One policy stream per session: session b's data depend only on the seed and b, never on B.
    const streams = policyRng.split(B);
    const probabilities = new Float64Array(B * nA);
    const stage2Probabilities = new Float64Array(B * 2);
    const choices = new Int8Array(B);
    const stage2Choices = new Int8Array(B);
    const chooseStage2 =
      twoStage && agent.stage2Policy
        ? (states: Int8Array) => {
            agent.stage2Policy!(states, stage2Probabilities);
            return sampleChoices(stage2Probabilities, 2, streams, stage2Choices);
          }
        : undefined;

    let stepInputs = task.initialInputs();
    agent.reset(B, stepInputs);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        this.inputs.set(stepInputs.subarray(b * nIn, (b + 1) * nIn), (b * T + t) * nIn);
      }
      agent.policy(probabilities);
      sampleChoices(probabilities, nA, streams, choices);
      const outcome = twoStage ? (task as TwoStageTask).step(choices, chooseStage2) : task.step(choices);
      const { latent } = outcome;
      for (let b = 0; b < B; b++) {
        const i = b * T + t;
        this.actions[i] = outcome.actions[b];
        this.rewards[i] = outcome.rewards[b];
        this.betterAction[i] = latent.betterAction[b];
        this.reversal[i] = latent.reversal[b];
        for (let k = 0; k < nA; k++) this.actionRewardProbs[i * nA + k] = latent.actionRewardProbs[b * nA + k];
        if (this.volatile && latent.volatile) this.volatile[i] = latent.volatile[b];
        if (twoStage) {
          this.stage2States![i] = latent.stage2States![b];
          this.stage2Actions![i] = latent.stage2Actions![b];
          this.common![i] = latent.common![b];
          for (let k = 0; k < 4; k++) this.stage2RewardProbs![i * 4 + k] = latent.stage2RewardProbs![b * 4 + k];
        }
      }
      agent.observe(outcome);
      stepInputs = outcome.nextInputs;
    }
    this.parts = splitSessions(B, validationFraction, testFraction, splitRng);
  }

  /** Train / validation / test session indices, fixed by the seed (fresh arrays on every call). */
  split(): DatasetSplit {
    return { train: [...this.parts.train], validation: [...this.parts.validation], test: [...this.parts.test] };
  }

  /** The given sessions (default all, in order) as a batch with targets and an all-ones mask; copies. */
  toBatch(sessionIndices?: readonly number[]): SequenceBatch {
    const indices = sessionIndices ?? Array.from({ length: this.nSessions }, (_, b) => b);
    const T = this.nTrials;
    const nIn = this.nInputs;
    const n = indices.length;
    if (n === 0) throw new ConfigError(['sessionIndices must not be empty']);
    const inputs = new Float64Array(n * T * nIn);
    const targets = new Int32Array(n * T);
    indices.forEach((b, row) => {
      checkInteger(`sessionIndices[${row}]`, b, 0, this.nSessions - 1);
      inputs.set(this.inputs.subarray(b * T * nIn, (b + 1) * T * nIn), row * T * nIn);
      targets.set(this.actions.subarray(b * T, (b + 1) * T), row * T);
    });
    return { nSessions: n, nTrials: T, nInputs: nIn, inputs, targets, mask: new Uint8Array(n * T).fill(1) };
  }

  /**
   * One pass over the given sessions in an order shuffled by `rng`, in batches of `batchSize`
   * (the last one smaller when batchSize does not divide their number).
   */
  *batches(sessionIndices: readonly number[], batchSize: number, rng: Random): Generator<SequenceBatch> {
    checkInteger('batchSize', batchSize, 1);
    const order = shuffled(sessionIndices, rng);
    for (let start = 0; start < order.length; start += batchSize) {
      yield this.toBatch(order.slice(start, start + batchSize));
    }
  }
}

function resolvePolicy(policy: DatasetPolicy, policyOptions: SoftmaxQLearnerOptions | undefined): CohortAgent {
  if (policy === 'q_learning') return new SoftmaxQLearner(policyOptions);
  if (policy === 'random') return new RandomPolicy();
  const agent = policy as Partial<CohortAgent> | null;
  if (
    agent !== null &&
    typeof agent === 'object' &&
    typeof agent.reset === 'function' &&
    typeof agent.policy === 'function' &&
    typeof agent.observe === 'function'
  ) {
    return agent as CohortAgent;
  }
  throw new ConfigError([`policy must be "q_learning", "random" or a CohortAgent, got ${showValue(policy)}`]);
}

/** Fisher–Yates shuffle of a copy. */
function shuffled(values: readonly number[], rng: Random): number[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function splitSessions(nSessions: number, validationFraction: number, testFraction: number, rng: Random): DatasetSplit {
  const order = shuffled(
    Array.from({ length: nSessions }, (_, b) => b),
    rng,
  );
  const nTest = Math.round(testFraction * nSessions);
  const nValidation = Math.min(Math.round(validationFraction * nSessions), nSessions - nTest);
  const ascending = (a: number, b: number) => a - b;
  return {
    test: order.slice(0, nTest).sort(ascending),
    validation: order.slice(nTest, nTest + nValidation).sort(ascending),
    train: order.slice(nTest + nValidation).sort(ascending),
  };
}
