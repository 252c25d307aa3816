/**
 * Build what an agent spec of a scenario stands for: a recurrent model wrapped as a CohortAgent,
 * or a cognitive agent, plus its label for tables.
 */
import { readFileSync } from 'node:fs';
import { RecurrentAgent } from '../../src/agents/recurrentAgent.js';
import { parseCheckpoint } from '../../src/model/checkpoint.js';
import type { CohortAgent } from '../../src/agents/cohortAgent.js';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import { TinyGRU } from '../../src/model/tinyGru.js';
import type { Random } from '../../src/random.js';
import { taskInputSize } from '../../src/tasks/encoding.js';
import type { TaskType } from '../../src/tasks/cohortTask.js';
import { createLiveCognitiveModel } from '../../src/registry/cognitiveModels.js';
import { ConfigError } from '../../src/validation.js';
import { lowRankConfig, type CognitiveSpec, type AgentModelSpec } from './scenario.js';

export interface BuiltAgent {
  agent: CohortAgent;
  /** The trainable network, absent for cognitive agents. */
  model?: RecurrentModel;
  label: string;
}

/** A cognitive agent with its parameters; two-step learners plan with the task's transition probability. */
export function buildCognitiveAgent(spec: CognitiveSpec, taskType: TaskType, taskOptions: Record<string, unknown>): BuiltAgent {
  const model = createLiveCognitiveModel(spec.model, taskType, taskOptions);
  return { agent: model.createAgent(spec.parameters), label: spec.model };
}

/**
 * @example
 * const { agent, model } = buildAgent(scenario.agents[0].model, 'reversal', {}, createRandom(1));
 */
export function buildAgent(spec: AgentModelSpec, taskType: TaskType, taskOptions: Record<string, unknown>, init: Random): BuiltAgent {
  const nInputs = taskInputSize(taskType);
  if (spec.kind === 'human') throw new ConfigError([`agent "${spec.participant}" is a person (model kind "human"): people play through \`brain-rnn play\`, and their recordings replay with \`brain-rnn replay\``]);
  if (spec.kind === 'cognitive') return buildCognitiveAgent(spec, taskType, taskOptions);
  const fresh: RecurrentModel =
    spec.kind === 'low_rank'
      ? new BrainInspiredRNN(lowRankConfig(spec), { nInputs, nOutputs: 2, rng: init, dtype: (spec.precision ?? 'float32') as 'float32' | 'float64' })
      : new TinyGRU({ nHidden: spec.nHidden, nInputs, nOutputs: 2, rng: init });
  const model = spec.checkpoint === undefined ? fresh : loadWeights(fresh, spec.checkpoint);
  const label = (spec.kind === 'low_rank' ? `${spec.stage} low-rank N=${spec.nHidden}` : `TinyGRU H=${spec.nHidden}`) + (spec.checkpoint ? ' (checkpoint)' : '');
  return { agent: new RecurrentAgent(model), model, label };
}

/**
 * The scenario's network with the weights of a checkpoint file: kind, size and input width must be
 * those the scenario and its task give (the scenario's sizes stay the single statement of them).
 */
function loadWeights(fresh: RecurrentModel, path: string): RecurrentModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read checkpoint ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { model } = parseCheckpoint(text);
  const want = `${fresh.kind} with ${fresh.nHidden} units, ${fresh.nInputs} inputs and ${fresh.nOutputs} outputs`;
  const got = `${model.kind} with ${model.nHidden} units, ${model.nInputs} inputs and ${model.nOutputs} outputs`;
  if (want !== got) throw new Error(`checkpoint ${path} holds a ${got}, but the agent needs a ${want}`);
  fresh.parameters.copyFromSameLayout(model.parameters, `checkpoint ${path}`);
  return fresh;
}
