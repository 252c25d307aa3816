/**
 * Fixed ComparisonResults for the figure tests, drawn from a seeded generator so that snapshots
 * are reproducible: premature (slower spectral decay, higher rank) and mature (faster decay).
 */
import { createRandom } from '../../src/index.js';
import type { ComparisonResults, ConfigResults, SeedResults } from '../../src/figures/comparisonResults.js';

const round = (x: number) => Math.round(x * 1e4) / 1e4;

function seedResults(seed: number, gamma: number, rank: number, heterogeneity: number, learningRate: number, rng: ReturnType<typeof createRandom>): SeedResults {
  const nHidden = 16;
  const singularValues = Array.from({ length: nHidden }, (_, i) =>
    // Beyond rank + 1 the values are round-off, as for W = mnᵀ + MNᵀ.
    i <= rank ? round(3 * Math.exp(-gamma * i) * (1 + 0.05 * rng.normal())) : 1e-9 * rng.uniform(),
  );
  const nEpochs = 18 + rng.integer(0, 5);
  const trainLoss = Array.from({ length: nEpochs }, (_, e) => round(0.5 + 0.2 * Math.exp(-e / 4) + 0.005 * rng.normal()));
  const validationLoss = trainLoss.map((v, e) => round(v + 0.02 + 0.001 * e));
  const offsets = Array.from({ length: 26 }, (_, i) => i - 5);
  const pBetter = offsets.map((k) => (k < 0 ? 0.85 : round(0.85 - 0.7 * Math.exp(-k / learningRate) + 0.03 * rng.normal())));
  return {
    seed,
    singularValues,
    effectiveRank: round(rank + 0.4 * rng.normal()),
    responseHeterogeneity: round(heterogeneity * (1 + 0.1 * rng.normal())),
    learningCurve: { trainLoss, validationLoss },
    reversalCurve: { offsets, pBetter: pBetter.map((p, i) => (i === 3 && seed === 1 ? null : Math.min(1, Math.max(0, p)))) },
    stayProbabilities: {
      commonRewarded: round(0.85 + 0.03 * rng.normal()),
      commonUnrewarded: round(0.6 + 0.03 * rng.normal()),
      rareRewarded: round(0.65 + 0.03 * rng.normal()),
      rareUnrewarded: round(0.75 + 0.03 * rng.normal()),
    },
  };
}

/** Two configurations × `nSeeds` seeds. */
export function syntheticComparisonResults(nSeeds = 4): ComparisonResults {
  const [rngPremature, rngMature] = createRandom(2025).split(2);
  const premature: ConfigResults = {
    name: 'premature',
    seeds: Array.from({ length: nSeeds }, (_, s) => seedResults(s + 1, 0.2, 8, 0.012, 6, rngPremature)),
  };
  const mature: ConfigResults = {
    name: 'mature',
    seeds: Array.from({ length: nSeeds }, (_, s) => seedResults(s + 1, 0.4, 5, 0.02, 3, rngMature)),
  };
  return { task: 'reversal', configs: [premature, mature] };
}
