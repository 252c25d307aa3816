/**
 * Developmental configurations of the low-rank RNN (the seed's `DevelopmentalConfig`).
 *
 * Where the numbers come from:
 * - rank 8 / 5 and target decay γ = 0.2 / 0.4: the seed's Expected Results table, which reads
 *   premature infant fMRI as effective rank ≈ 7-8 with slow singular-value decay (γ ≈ 0.2) and
 *   mature as ≈ 5-6 with fast decay (γ ≈ 0.4). The low-rank part M Nᵀ gets that rank; the extra
 *   rank-one term m nᵀ (Mastrogiuseppe & Ostojic 2018) brings the total to rank + 1.
 * - leak 0.2: the benchmark workload (shared/bench/WORKLOADS.md) and a time constant of 5 trials.
 * - regulariser weights α = β = 1e-3, spectral 1e-2, heterogeneity λ = 1e-3: the benchmark
 *   workload's loss. They are the same for both stages on purpose, so that a premature/mature
 *   comparison varies only what the seed says differs (rank and γ).
 * - connectivity initialised i.i.d. N(0, g²/N) per factor entry with g = 1 (the scaling of
 *   Mastrogiuseppe & Ostojic 2018, under which the overlap nᵀm is O(1)).
 */
import { z } from 'zod';
import { showValue, ConfigError } from '../validation.js';
import { parseWith, zInteger, zNumber } from '../schemaValidation.js';

export type DevelopmentalStage = 'premature' | 'mature' | 'custom';

export interface DevelopmentalConfig {
  /** Which preset this came from ('custom' when built by hand). */
  stage: DevelopmentalStage;
  /** Number of recurrent units N. */
  nHidden: number;
  /** Rank of the M Nᵀ part, in [1, nHidden − 1]; W_rec has rank at most rank + 1. */
  rank: number;
  /** Leak (α of the seed's dynamics, dt/τ) in (0, 1]: h' = (1 − leak) h + leak tanh(...). */
  leak: number;
  /** Target singular-value decay γ of L_spectral: σᵢ^target = σ₀ e^{−γ i}. */
  targetGamma: number;
  /** Weight α of the nuclear norm ‖W_rec‖*. */
  nuclearWeight: number;
  /** Weight β of the effective rank D_eff(W_rec). */
  effectiveRankWeight: number;
  /** Weight of L_spectral. */
  spectralWeight: number;
  /** Weight λ of the response heterogeneity L_hetero (subtracted: heterogeneity is rewarded). */
  heterogeneityWeight: number;
  /** Epochs over which the regulariser weights ramp linearly from 0 to their values (0 = none). */
  regularizerWarmupEpochs: number;
  /** Gain g of the connectivity initialisation, entries ~ N(0, g²/N). */
  connectivityGain: number;
  /** Standard deviation of input weights W_in at initialisation, times 1/sqrt(nInputs). */
  inputGain: number;
}

const configSchema = z
  .object({
    stage: z.enum(['premature', 'mature', 'custom']),
    nHidden: zInteger(2, 4096),
    // Its bound depends on nHidden: checked by validateDevelopmentalConfig, which names it.
    rank: z.unknown(),
    leak: zNumber({ min: 0, minExclusive: true, max: 1 }),
    targetGamma: zNumber({ min: 0 }),
    nuclearWeight: zNumber({ min: 0 }),
    effectiveRankWeight: zNumber({ min: 0 }),
    spectralWeight: zNumber({ min: 0 }),
    heterogeneityWeight: zNumber({ min: 0 }),
    regularizerWarmupEpochs: zInteger(0),
    connectivityGain: zNumber({ min: 0 }),
    inputGain: zNumber({ min: 0 }),
  })
  .strict();

/**
 * Check every field (and rank < nHidden); returns a fresh object, never the caller's. Every bad
 * field is listed; the rank's range is the one its nHidden allows.
 * @example
 * validateDevelopmentalConfig({ ...createMatureConfig(), rank: 40 }); // throws: rank must be an integer in [1, 31], got 40
 */
export function validateDevelopmentalConfig(config: unknown, what = 'config'): DevelopmentalConfig {
  const issues: string[] = [];
  let parsed: DevelopmentalConfig | undefined;
  try {
    parsed = parseWith(configSchema, config, what) as DevelopmentalConfig;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  if (typeof config === 'object' && config !== null) {
    const { nHidden, rank } = config as Record<string, unknown>;
    const knownHidden = typeof nHidden === 'number' && Number.isInteger(nHidden) && nHidden >= 2 && nHidden <= 4096;
    const allowed = knownHidden ? `an integer in [1, ${nHidden - 1}]` : 'an integer in [1, nHidden - 1]';
    if (rank === undefined) issues.push(`${what}.rank is required`);
    else if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1 || (knownHidden && rank > nHidden - 1) || rank > 4095) {
      issues.push(`${what}.rank must be ${allowed}, got ${showValue(rank)}`);
    }
  }
  if (issues.length > 0 || parsed === undefined) throw new ConfigError(issues);
  return { ...parsed };
}

export interface StageOptions {
  /** Number of recurrent units (default 32). */
  nHidden?: number;
  /** Override any other field of the preset. */
  overrides?: Partial<Omit<DevelopmentalConfig, 'stage' | 'nHidden'>>;
}

function preset(stage: 'premature' | 'mature', rank: number, targetGamma: number, { nHidden = 32, overrides = {} }: StageOptions): DevelopmentalConfig {
  return validateDevelopmentalConfig({
    stage,
    nHidden,
    rank: Math.min(rank, nHidden - 1),
    leak: 0.2,
    targetGamma,
    nuclearWeight: 1e-3,
    effectiveRankWeight: 1e-3,
    spectralWeight: 1e-2,
    heterogeneityWeight: 1e-3,
    regularizerWarmupEpochs: 10,
    connectivityGain: 1,
    inputGain: 1,
    ...overrides,
  });
}

/**
 * Premature configuration: low-rank part of rank 8, slow singular-value decay γ = 0.2.
 * @example
 * const cfg = createPrematureConfig({ nHidden: 32 }); // cfg.rank === 8
 */
export function createPrematureConfig(options: StageOptions = {}): DevelopmentalConfig {
  return preset('premature', 8, 0.2, options);
}

/**
 * Mature configuration: low-rank part of rank 5, fast singular-value decay γ = 0.4.
 * @example
 * const cfg = createMatureConfig({ nHidden: 32 }); // cfg.rank === 5
 */
export function createMatureConfig(options: StageOptions = {}): DevelopmentalConfig {
  return preset('mature', 5, 0.4, options);
}
