/**
 * Parameter recovery of the hierarchical fit (src/cognitive/fitHierarchical.ts) next to per-subject
 * maximum likelihood, on Q-learners drawn from a known group prior, each playing independent
 * reversal blocks (simulateBlockedReversal). The figures of docs/fitting.md come from
 *
 *   npx tsx tools/recoveryStudy.ts [subjects=40] [blocks=10] [seeds=1,2,3]
 */
import { fitSubjects } from '../src/cognitive/fit.js';
import { fitHierarchical } from '../src/cognitive/fitHierarchical.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { fromUnbounded } from '../src/cognitive/parameterTransform.js';
import { simulateBlockedReversal } from '../src/cognitive/simulateBlockedReversal.js';
import { splitIntoEpisodes } from '../src/data/episodes.js';
import { parameterRecovery } from '../src/experiments/parameterRecovery.js';
import { createRandom } from '../src/random.js';

/** Group prior in the unbounded space: logit α, log β, κ. */
const GROUP_MEAN = [-0.6, 1.1, 0.4];
const GROUP_SD = [0.6, 0.35, 0.25];

const [nSubjects = 40, nBlocks = 10] = process.argv.slice(2, 4).map(Number);
const seeds = (process.argv[4] ?? '1,2,3').split(',').map(Number);
const model = createQLearningModel();
console.log(`| seed | method | ${model.parameters.map((p) => `r ${p.name} | bias ${p.name}`).join(' | ')} | group mean (logit α, log β, κ) | group variance |`);
console.log(`|${' --- |'.repeat(2 + 2 * model.parameters.length + 2)}`);
for (const seed of seeds) {
  const rng = createRandom(seed);
  const truth = Array.from({ length: nSubjects }, () =>
    Object.fromEntries(model.parameters.map((spec, p) => [spec.name, fromUnbounded(spec, GROUP_MEAN[p] + GROUP_SD[p] * rng.normal())])),
  );
  const { sessions } = simulateBlockedReversal({ model, subjects: truth, sessionsPerSubject: 1, blocksPerSession: nBlocks, rng: rng.split(1)[0], idPrefix: 's' });
  const episodes = splitIntoEpisodes(sessions, 'block');
  const hierarchical = fitHierarchical(model, episodes, { objective: 'stage1', seed: 1 });
  const individual = fitSubjects(model, episodes, { objective: 'stage1', restarts: 3, seed: 1 });
  const rows: [string, ReturnType<typeof parameterRecovery>, string, string][] = [
    ['hierarchical', parameterRecovery(truth, hierarchical.subjects.map((s) => s.parameters)),
      Object.values(hierarchical.groupMean).map((v) => v.toFixed(2)).join(', '), Object.values(hierarchical.groupVariance).map((v) => v.toFixed(3)).join(', ')],
    ['individual ML', parameterRecovery(truth, individual.map((s) => s.fit.parameters)), '-', '-'],
  ];
  for (const [method, recovery, mean, variance] of rows) {
    const cells = model.parameters.flatMap(({ name }) => [recovery[name].correlation.toFixed(3), recovery[name].bias.toFixed(3)]);
    console.log(`| ${seed} | ${method} | ${cells.join(' | ')} | ${mean} | ${variance} |`);
  }
  console.log(`<!-- seed ${seed}: ${hierarchical.iterations} EM iterations, converged ${hierarchical.converged}, iBIC ${hierarchical.iBic.toFixed(1)} (${hierarchical.iBicSamples} samples), Laplace log marginal ${hierarchical.laplaceLogMarginal.toFixed(1)}, sampled ${hierarchical.logMarginal.toFixed(1)} -->`);
}
