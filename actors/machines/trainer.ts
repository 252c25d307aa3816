/**
 * The trainer actor: turns its agent's trial stream into episodes and updates the weights after
 * each one. Modes: 'a2c' (online meta-RL, Wang et al. 2018: A2C with BPTT over the episode plus
 * the developmental regularisers), 'imitation' (cross-entropy on another agent's choices, the
 * learner reading the same inputs the acting teacher produced) and 'none'. Outside learning
 * phases it is frozen and ignores trials. Publishes `training.updated` after every update and
 * `weights.updated` every `weightsEvery` updates (plain arrays, never tensors).
 *
 * The update is the named action `updateWeights`: tests swap it with `.provide()`. The model, the
 * optimiser and the episode buffer are owned resources (the update and the trials write into
 * them); the update count changes through `assign`.
 */
import { assign, setup } from 'xstate';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import type { TaskType } from '../../src/tasks/cohortTask.js';
import { initialTaskInputs, taskInputSize } from '../../src/tasks/encoding.js';
import { A2CTrainer } from '../../src/training/a2cTrainer.js';
import type { Episode } from '../../src/training/playEpisode.js';
import { Trainer } from '../../src/training/trainer.js';
import { EVENT_VERSION, type EpisodeCompletedEvent, type EpisodeStartedEvent, type PhaseStartedEvent, type RunEvent, type TrialCompletedEvent } from '../../src/protocol/events.js';
import type { TrainerSpec } from '../system/scenario.js';
import { probeStates } from './probeStates.js';

export interface TrainerInput {
  agent: string;
  spec: TrainerSpec;
  /** The learner's network (absent for cognitive agents, whose trainer is always 'none'). */
  model: RecurrentModel | undefined;
  taskType: TaskType;
  nSessions: number;
  trialsPerEpisode: number;
  /** Publish weights every this many updates (0: never). */
  weightsEvery: number;
  /** Rows of (state, input) pairs in the weights probe. */
  probeRows: number;
  publish: (event: RunEvent) => void;
}

export type TrainerEvent = PhaseStartedEvent | EpisodeStartedEvent | TrialCompletedEvent | EpisodeCompletedEvent;

interface TrainerContext extends TrainerInput {
  a2c: A2CTrainer | undefined;
  supervised: Trainer | undefined;
  episode: Episode | undefined;
  /** Updates so far. */
  updates: number;
}

function allocateEpisode(S: number, T: number, nInputs: number, A: number): Episode {
  return {
    nSessions: S, nTrials: T, nInputs, nActions: A,
    inputs: new Float64Array(S * T * nInputs), actions: new Int32Array(S * T), rewards: new Float32Array(S * T),
    policy: new Float64Array(S * T * A), values: new Float64Array(S * T), betterAction: new Int8Array(S * T),
    reversal: new Uint8Array(S * T), stage2States: new Int8Array(S * T).fill(-1), common: new Uint8Array(S * T),
  };
}

/** Warm-up of the regularisers over the config's warm-up, counted in updates (as epochs offline). */
function warmupFactor(model: RecurrentModel, updates: number): number {
  if (!(model instanceof BrainInspiredRNN)) return 0;
  const n = model.config.regularizerWarmupEpochs;
  return n === 0 ? 1 : Math.min(1, (updates + 1) / n);
}

const learns = (spec: TrainerSpec, model: RecurrentModel | undefined, learning: boolean) => learning && spec.mode !== 'none' && model !== undefined;

export const trainerMachine = setup({
  types: { context: {} as TrainerContext, events: {} as TrainerEvent, input: {} as TrainerInput },
  guards: {
    learns: ({ context, event }) => event.type === 'phase.started' && learns(context.spec, context.model, event.learning),
    freezes: ({ context, event }) => event.type === 'phase.started' && !learns(context.spec, context.model, event.learning),
    weightsDue: ({ context }) => context.weightsEvery > 0 && (context.updates + 1) % context.weightsEvery === 0,
  },
  actions: {
    /** Row 0 of every session gets the task's trial-0 input; later rows come from the trial events. */
    startEpisode: ({ context }) => {
      const { episode } = context;
      if (episode === undefined) return;
      const initial = initialTaskInputs(context.taskType, context.nSessions);
      const { nTrials: T, nInputs: nIn } = episode;
      for (let s = 0; s < episode.nSessions; s++) episode.inputs.set(initial.subarray(s * nIn, (s + 1) * nIn), s * T * nIn);
    },
    collect: ({ context, event }) => {
      if (event.type !== 'trial.completed' || context.episode === undefined) return;
      const { episode } = context;
      const T = episode.nTrials;
      const t = event.trial;
      if (t >= T) return;
      const nIn = episode.nInputs;
      for (let s = 0; s < event.nSessions; s++) {
        const row = s * T + t;
        episode.actions[row] = event.actions[s];
        episode.rewards[row] = event.rewards[s];
        if (t + 1 < T) episode.inputs.set(event.nextInputs.subarray(s * nIn, (s + 1) * nIn), (row + 1) * nIn);
      }
    },
    updateWeights: ({ context, event }) => {
      if (event.type !== 'episode.completed' || context.episode === undefined || context.model === undefined) return;
      const { model, episode, spec } = context;
      const warmup = warmupFactor(model, context.updates);
      const base = { v: EVENT_VERSION, agent: context.agent, phase: event.phase, episode: event.episode, update: context.updates + 1 } as const;
      if (spec.mode === 'a2c') {
        const result = context.a2c!.update(episode, warmup);
        context.publish({
          type: 'training.updated', ...base, mode: 'a2c', loss: result.loss, taskLoss: result.loss - (result.regularizers?.value ?? 0),
          policyLoss: result.policyLoss, valueLoss: result.valueLoss, entropy: result.entropy, gradientNorm: result.gradientNorm,
          ...(result.regularizers && { regularizers: { ...result.regularizers } }),
        });
      } else if (spec.mode === 'imitation') {
        const targets = Int32Array.from(episode.actions);
        const result = context.supervised!.step({ nSessions: episode.nSessions, nTrials: episode.nTrials, nInputs: episode.nInputs, inputs: episode.inputs, targets }, warmup);
        context.publish({
          type: 'training.updated', ...base, mode: 'imitation', loss: result.loss, taskLoss: result.taskLoss, gradientNorm: result.gradientNorm,
          ...(result.regularizers && { regularizers: { ...result.regularizers } }),
        });
      }
    },
    countUpdate: assign({ updates: ({ context }) => context.updates + 1 }),
    publishWeights: ({ context }) => {
      const { model, episode } = context;
      if (model === undefined || episode === undefined) return;
      const json = model.toJSON();
      context.publish({
        type: 'weights.updated', v: EVENT_VERSION, agent: context.agent, update: context.updates,
        model: { kind: json.kind, config: json.config, nInputs: json.nInputs, nOutputs: json.nOutputs, parameters: json.parameters },
        probe: probeStates(model, episode, context.probeRows),
      });
    },
  },
}).createMachine({
  id: 'trainer',
  context: ({ input }) => {
    const { spec, model, nSessions, trialsPerEpisode } = input;
    return {
      ...input,
      a2c: spec.mode === 'a2c' && model ? new A2CTrainer(model, {
        learningRate: spec.learningRate, discount: spec.discount, valueWeight: spec.valueWeight,
        entropyWeight: spec.entropyWeight, clipNorm: spec.clipNorm, regularize: spec.regularize,
      }) : undefined,
      supervised: spec.mode === 'imitation' && model ? new Trainer(model, {
        learningRate: spec.learningRate, clipNorm: spec.clipNorm, regularize: spec.regularize, nEpochs: 1, batchSize: nSessions,
      }) : undefined,
      episode: model && spec.mode !== 'none' ? allocateEpisode(nSessions, trialsPerEpisode, taskInputSize(input.taskType), model.nOutputs) : undefined,
      updates: 0,
    };
  },
  initial: 'frozen',
  states: {
    frozen: {
      on: { 'phase.started': { guard: 'learns', target: 'learning' } },
    },
    learning: {
      on: {
        'phase.started': { guard: 'freezes', target: 'frozen' },
        'episode.started': { actions: 'startEpisode' },
        'trial.completed': { actions: 'collect' },
        'episode.completed': [
          { guard: 'weightsDue', actions: ['updateWeights', 'countUpdate', 'publishWeights'] },
          { actions: ['updateWeights', 'countUpdate'] },
        ],
      },
    },
  },
});
