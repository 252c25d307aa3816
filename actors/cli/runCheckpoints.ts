/**
 * The checkpoints of `brain-rnn run --save-models DIR` and of a `run` sweep with
 * `"saveModels": true`: one file per trained network, `<task>-<stage>-seed<k>.json`, in the
 * checkpoint format scenarios, `brain-rnn export` and `brain-rnn import` use
 * (src/model/checkpoint.ts). The metadata says which network it is and what `run` measured of it,
 * so a user can tell the files apart and check a loaded one against results.json.
 */
import type { DevelopmentalComparisonResults, StageName, TrainedNetwork } from '../../src/experiments/developmentalComparison.js';
import { serializeCheckpoint } from '../../src/model/checkpoint.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';

/**
 * @example
 * checkpointName('reversal', 'mature', 42); // 'reversal-mature-seed42.json'
 */
export function checkpointName(task: string, stage: StageName, seed: number): string {
  return `${task}-${stage}-seed${seed}.json`;
}

/** Every checkpoint a run over these tasks, stages and seeds writes, in the order it writes them. */
export function checkpointNames(tasks: readonly string[], seeds: readonly number[]): string[] {
  return tasks.flatMap((task) => seeds.flatMap((seed) => (['premature', 'mature'] as const).map((stage) => checkpointName(task, stage, seed))));
}

/** A trained network as a cell result carries it, or as the experiment returns it. */
export type SavedNetwork = Pick<TrainedNetwork, 'seed' | 'stage' | 'run' | 'training'> & { model: RecurrentModel };

/**
 * One network's checkpoint file: its name and text. The metadata holds the task, stage, seed and
 * training route with its epochs (kept epoch, validation NLL of the kept weights) or episodes
 * (final block reward), the data set and closed-loop evaluation it was measured on, and every
 * metric results.json reports for it.
 * @example
 * const [name, text] = networkCheckpoint(results, networks[0]);
 */
export function networkCheckpoint(results: DevelopmentalComparisonResults, network: SavedNetwork): [string, string] {
  const { seed, stage, model, run, training } = network;
  const { trainer: _trainer, ...trainingFigures } = training;
  const metadata = {
    command: 'run',
    task: results.task,
    stage,
    seed,
    trainer: training.trainer,
    ...trainingFigures,
    ...(training.trainer === 'supervised' ? { dataset: results.dataset, trainingConfig: results.trainingConfig } : { online: results.online }),
    // The closed-loop play of `run`: evaluateBehaviour(model, task, evaluation, seed) replays it.
    evaluation: results.evaluation,
    metrics: run.metrics,
  };
  return [checkpointName(results.task, stage, seed), serializeCheckpoint(model, metadata)];
}
