/**
 * The level at which a cognitive model's parameters are fitted: one set for everyone
 * (`population`, the networks' footing), one per subject by maximum likelihood (`individual`,
 * scored by AIC and BIC), or one per subject shrunk toward a fitted group prior (`hierarchical`,
 * fitHierarchical.ts, scored by iBIC). Labs report per-subject parameters to correlate with other
 * measures (Daw et al. 2011; hBayesDM); this file gives them for `fit --level`.
 */
import type { CognitiveModel, ParameterValues } from '../cognitive/cognitiveModel.js';
import { fitSubjects, type FitObjective } from '../cognitive/fit.js';
import { fitHierarchical, type HierarchicalFitResult } from '../cognitive/fitHierarchical.js';
import { parameterVector } from '../cognitive/cognitiveModel.js';
import type { TrialsSession } from '../data/trialsCsv.js';
import { ConfigError } from '../validation.js';

import { FIT_LEVELS, type FitLevel } from './fitDefaults.js';

export { FIT_LEVELS, type FitLevel } from './fitDefaults.js';

export interface SubjectLevelOptions {
  objective?: FitObjective;
  /** Optimiser starts per subject. Default 5. */
  restarts?: number;
  seed?: number;
  /** Samples of the group prior for iBIC (hierarchical). Default 1000. */
  iBicSamples?: number;
}

export interface LevelSummary {
  model: string;
  level: Exclude<FitLevel, 'population'>;
  /** Summed NLL of the fitted choices at the estimates, and their number. */
  nll: number;
  nChoices: number;
  /** Individual: sums of the per-subject AIC and BIC. */
  aic?: number;
  bic?: number;
  /** Hierarchical: integrated BIC, its prior samples, and the group prior (unbounded space). */
  iBic?: number;
  iBicSamples?: number;
  groupMean?: ParameterValues;
  groupVariance?: ParameterValues;
  /** The group mean in natural units (hierarchical) or the subjects' median (individual). */
  typical: ParameterValues;
  /** Hierarchical: the fitted prior, for scoring new subjects (priorPredictiveLogLikelihood). */
  prior?: Pick<HierarchicalFitResult, 'groupMean' | 'groupVariance' | 'objective'>;
  subjects: { subject: string; parameters: ParameterValues }[];
  converged: boolean;
}

/**
 * Per-subject parameters of `model` on `episodes` at `level` (not `population`), with the level's
 * model-comparison figures.
 * @example
 * const summary = fitAtLevel(createQLearningModel(), episodes, 'hierarchical', { objective: 'stage1', seed: 1 });
 * summary.iBic; summary.subjects[0].parameters.alpha;
 */
export function fitAtLevel(model: CognitiveModel, episodes: readonly TrialsSession[], level: Exclude<FitLevel, 'population'>, options: SubjectLevelOptions = {}): LevelSummary {
  const { objective = 'stage1', restarts = 5, seed = 0, iBicSamples = 1000 } = options;
  if (level === 'individual') {
    const fits = fitSubjects(model, episodes, { objective, restarts, seed });
    const subjects = fits.map(({ subject, fit }) => ({ subject, parameters: fit.parameters }));
    const typical = Object.fromEntries(model.parameters.map((p) => [p.name, median(fits.map((f) => f.fit.parameters[p.name]))]));
    return {
      model: model.name,
      level,
      nll: fits.reduce((s, f) => s + f.fit.nll, 0),
      nChoices: fits.reduce((s, f) => s + f.fit.nChoices, 0),
      aic: fits.reduce((s, f) => s + f.fit.aic, 0),
      bic: fits.reduce((s, f) => s + f.fit.bic, 0),
      typical,
      subjects,
      converged: fits.every((f) => f.fit.converged),
    };
  }
  if (level !== 'hierarchical') throw new ConfigError([`level must be one of ${FIT_LEVELS.join(', ')}, got ${JSON.stringify(level)}`]);
  const fit = fitHierarchical(model, episodes, { objective, restarts: Math.min(restarts, 3), seed, iBicSamples });
  return {
    model: model.name,
    level,
    nll: fit.subjects.reduce((s, f) => s + f.nll, 0),
    nChoices: fit.nChoices,
    iBic: fit.iBic,
    iBicSamples: fit.iBicSamples,
    groupMean: fit.groupMean,
    groupVariance: fit.groupVariance,
    typical: fit.groupMeanNatural,
    prior: { groupMean: fit.groupMean, groupVariance: fit.groupVariance, objective: fit.objective },
    subjects: fit.subjects.map((s) => ({ subject: s.subject, parameters: s.parameters })),
    converged: fit.converged,
  };
}

/**
 * Refuse individual fits with folds that hold out whole subjects: a held-out subject has no
 * parameters of its own (a hierarchical fit scores it under the group prior instead).
 */
export function checkLevelUnit(level: FitLevel, unit: string): void {
  if (level !== 'individual' || unit !== 'subject') return;
  throw new ConfigError([
    `--level individual fits each subject's own parameters, which a held-out subject does not have; pass --cv session or --cv block, ` +
      'or --level hierarchical (a held-out subject is scored with its parameters integrated over the group prior)',
  ]);
}

/** Each subject's parameter vector of a level summary. */
export function subjectVectors(model: CognitiveModel, summary: LevelSummary): Map<string, Float64Array> {
  return new Map(summary.subjects.map((s) => [s.subject, parameterVector(model, s.parameters)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
