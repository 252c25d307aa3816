/**
 * The states a `weights.updated` event carries for response heterogeneity: hidden states of the
 * first session over the last episode, evenly subsampled, with the inputs applied there.
 */
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import type { Episode } from '../../src/training/playEpisode.js';

/**
 * @example
 * const probe = probeStates(model, episode, 32); // { rows: 32, states: 32×N, inputs: 32×nInputs }
 */
export function probeStates(model: RecurrentModel, episode: Episode, rows: number): { rows: number; states: number[]; inputs: number[] } {
  const T = episode.nTrials;
  const nIn = episode.nInputs;
  const N = model.nHidden;
  const inputs = episode.inputs.slice(0, T * nIn);
  const forward = model.forward({ nSessions: 1, nTrials: T, nInputs: nIn, inputs });
  const n = Math.min(rows, T);
  const states: number[] = [];
  const probeInputs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = Math.floor((k * T) / n);
    // The input u_t is applied at the state before trial t, h_t = hidden[t − 1] (zeros at t = 0).
    for (let i = 0; i < N; i++) states.push(t === 0 ? 0 : forward.hidden[(t - 1) * N + i]);
    for (let i = 0; i < nIn; i++) probeInputs.push(inputs[t * nIn + i]);
  }
  return { rows: n, states, inputs: probeInputs };
}
