/**
 * Fixed-point analysis of a trained low-rank RNN per input condition, and eigenvalue tracking
 * across training checkpoints. Between trials the network sees a constant input that encodes the
 * previous trial (action, second-stage state, reward), so each trial type is one autonomous map
 * F(·, u) whose fixed points and slow modes describe how that outcome moves the belief state
 * (Golub & Sussillo 2018; Ji-An et al. 2025 analyse trained agents the same way).
 */
import type { Random } from '../random.js';
import { ConfigError, checkInteger, checkNumber, showValue, checkRandom } from '../validation.js';
import { TaskType } from '../tasks/cohortTask.js';
import { encodeTrialRow, taskInputSize } from '../tasks/encoding.js';
import type { ComplexSpectrum } from './eigenSpectrum.js';
import { FixedPointFinder, sampleInitialStates, type FixedPoint, type FixedPointFinderOptions, type FixedPointSearch } from './fixedPointFinder.js';
import { jacobianEigenvalues, recurrentEigenvalues } from './jacobian.js';
import { toLowRankSystem, type LowRankModelLike, type LowRankSystem } from './lowRankSystem.js';

/** A constant network input and what it stands for. */
export interface InputCondition {
  /** e.g. `a1r0` (previous action 1, unrewarded) or `a0s1r1` (two-stage). */
  label: string;
  /** The input vector, length nInputs. */
  input: Float64Array;
}

/**
 * The inputs that follow each trial type of a task: every (previous action, reward) for reversal
 * and probabilistic reward, every (action, second-stage state, reward) for two-stage.
 * @example
 * trialTypeConditions(TaskType.REVERSAL).map((c) => c.label); // ['a0r0', 'a0r1', 'a1r0', 'a1r1']
 */
export function trialTypeConditions(type: TaskType): InputCondition[] {
  const twoStage = type === TaskType.TWO_STAGE;
  const out: InputCondition[] = [];
  for (const action of [0, 1]) {
    for (const state of twoStage ? [0, 1] : [-1]) {
      for (const reward of [0, 1]) {
        const label = `a${action}${state >= 0 ? `s${state}` : ''}r${reward}`;
        out.push({ label, input: encodeTrialRow(type, { action, state, reward }, new Float64Array(taskInputSize(type))) });
      }
    }
  }
  return out;
}

export interface DynamicsAnalyzerOptions {
  /** Seeded generator for the initial states (sampling and noise). */
  rng: Random;
  /** Initial states per condition (default 64). */
  nInitialStates?: number;
  /** Standard deviation of the Gaussian noise added to sampled initial states (default 0.1). */
  noiseSd?: number;
  /** Options of the FixedPointFinder. */
  finder?: FixedPointFinderOptions;
}

/** The fixed points found under one input condition. */
export interface ConditionFixedPoints extends FixedPointSearch {
  label: string;
  input: Float64Array;
  /** Number of stable fixed points (attractors). */
  nStable: number;
}

/** Leading eigenvalues of one checkpoint. */
export interface CheckpointEigenvalues {
  /** Position in the list of snapshots. */
  index: number;
  /** The `count` leading eigenvalues of W (source 'recurrent') or of J at the most stable fixed point. */
  eigenvalues: ComplexSpectrum;
  /** Source 'fixedPoints': every fixed point's leading eigenvalues. */
  fixedPoints?: { x: Float64Array; stable: boolean; eigenvalues: ComplexSpectrum }[];
}

export interface TrackEigenvaluesOptions {
  /** How many leading eigenvalues to keep (default 3). */
  count?: number;
  /** 'recurrent': eigenvalues of W = A Bᵀ; 'fixedPoints': of J at the fixed points under `input`. */
  source?: 'recurrent' | 'fixedPoints';
  /** Input for source 'fixedPoints' (default none). */
  input?: ArrayLike<number>;
  /** Initial-state pool (row-major rows×N) for source 'fixedPoints'; default around the origin. */
  states?: ArrayLike<number>;
}

function leading(spectrum: ComplexSpectrum, count: number): ComplexSpectrum {
  return { re: spectrum.re.slice(0, count), im: spectrum.im.slice(0, count), modulus: spectrum.modulus.slice(0, count) };
}

/**
 * @example
 * const analyzer = new DynamicsAnalyzer({ rng: createRandom(1) });
 * const byType = analyzer.fixedPointsByCondition(rnn, trialTypeConditions(TaskType.REVERSAL), forward.hidden);
 * byType.map((c) => `${c.label}: ${c.nStable} attractor(s)`);
 */
export class DynamicsAnalyzer {
  readonly finder: FixedPointFinder;
  readonly nInitialStates: number;
  readonly noiseSd: number;
  private readonly rng: Random;

  constructor(options: DynamicsAnalyzerOptions) {
    const { rng, nInitialStates = 64, noiseSd = 0.1, finder = {} } = options;
    checkRandom('rng', rng);
    this.rng = rng;
    this.nInitialStates = checkInteger('nInitialStates', nInitialStates, 1);
    this.noiseSd = checkNumber('noiseSd', noiseSd, { min: 0 });
    this.finder = new FixedPointFinder(finder);
  }

  /**
   * Fixed points of F(·, u) for each condition, searched from states sampled from `states`
   * (row-major rows×N, e.g. ForwardResult.hidden of real trajectories) plus noise.
   */
  fixedPointsByCondition(model: LowRankSystem | LowRankModelLike, conditions: readonly InputCondition[], states: ArrayLike<number> = []): ConditionFixedPoints[] {
    const sys = toLowRankSystem(model);
    return conditions.map(({ label, input }) => {
      const initial = sampleInitialStates(states, sys.nHidden, this.nInitialStates, this.rng, this.noiseSd);
      const search = this.finder.find(sys, input, initial);
      return { ...search, label, input, nStable: search.fixedPoints.filter((p) => p.stable).length };
    });
  }

  /**
   * Leading eigenvalues across checkpoints (models or weight snapshots, in training order).
   * @example
   * analyzer.trackLeadingEigenvalues(checkpoints, { count: 2 }).map((c) => c.eigenvalues.modulus[0]);
   */
  trackLeadingEigenvalues(snapshots: readonly (LowRankSystem | LowRankModelLike)[], options: TrackEigenvaluesOptions = {}): CheckpointEigenvalues[] {
    const { count = 3, source = 'recurrent', input, states = [] } = options;
    checkInteger('count', count, 1);
    if (source !== 'recurrent' && source !== 'fixedPoints') {
      throw new ConfigError([`source must be one of "recurrent", "fixedPoints", got ${showValue(source)}`]);
    }
    return snapshots.map((snapshot, index) => {
      const sys = toLowRankSystem(snapshot);
      if (source === 'recurrent') return { index, eigenvalues: leading(recurrentEigenvalues(sys), count) };
      const initial = sampleInitialStates(states, sys.nHidden, this.nInitialStates, this.rng, this.noiseSd);
      const { fixedPoints } = this.finder.find(sys, input, initial);
      const summary = fixedPoints.map((p: FixedPoint) => ({ x: p.x, stable: p.stable, eigenvalues: leading(jacobianEigenvalues(sys, p.x, input), count) }));
      // The reference point of a checkpoint: its most stable fixed point (smallest |λ|max).
      const reference = [...summary].sort((a, b) => a.eigenvalues.modulus[0] - b.eigenvalues.modulus[0])[0];
      const empty = { re: new Float64Array(0), im: new Float64Array(0), modulus: new Float64Array(0) };
      return { index, eigenvalues: reference?.eigenvalues ?? empty, fixedPoints: summary };
    });
  }
}
