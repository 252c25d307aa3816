// Run as a child process by parallelSupervisedStep.test.ts: one parallel step, then either close()
// (argv[2] === 'close') or nothing; the process must then exit on its own.
import { BrainInspiredRNN, Trainer, createPrematureConfig, type SequenceBatch } from '../../src/index.js';
import { ParallelSupervisedStep } from '../../actors/parallel/parallelSupervisedStep.js';

const model = new BrainInspiredRNN(createPrematureConfig({ nHidden: 16 }), { nInputs: 3, seed: 1, dtype: 'float32' });
const engine = new ParallelSupervisedStep(model, { threads: 2 });
const batch: SequenceBatch = {
  nSessions: 8, nTrials: 5, nInputs: 3,
  inputs: Float64Array.from({ length: 8 * 5 * 3 }, (_, i) => (i % 3 === 2 ? 1 : (i * 7) % 2)),
  targets: Int32Array.from({ length: 8 * 5 }, (_, i) => i % 2),
};
const result = new Trainer(model, {}, { gradientEngine: engine }).step(batch);
if (process.argv[2] === 'close') void engine.close();
process.stdout.write(`stepped ${Number.isFinite(result.loss)}\n`);
