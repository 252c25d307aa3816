/**
 * A network's weights under PyTorch's names, and back: the bridge of `brain-rnn export` /
 * `brain-rnn import` and interop/python/brain_rnn.py.
 *
 * TinyGRU ↔ nn.GRU(nInputs, H, batch_first=True) + nn.Linear(H, nOutputs): PyTorch stacks the
 * gates in the order r, z, n, so `rnn.weight_ih_l0` = [W_ir; W_iz; W_ic] (3H × I), `rnn.weight_hh_l0`
 * = [W_hr; W_hz; W_hc], and the biases likewise. Its candidate n = tanh(W_in x + b_in + r ⊙ (W_hn h +
 * b_hn)) applies r after the recurrent matrix and its bias, exactly as gruKernel.ts does (checked
 * against torch in test/torchInterop.test.ts), so no weight is transformed, only stacked.
 * The low-rank network keeps its own names (`m`, `n`, `M`, `N`, `W_in`) with `readout.*` and
 * `value.*` for the heads. The model's configuration travels in `__metadata__`.
 */
import { ConfigError } from '../validation.js';
import { BrainInspiredRNN } from './brainInspiredRnn.js';
import { validateDevelopmentalConfig } from './config.js';
import type { RecurrentModel } from './recurrentModel.js';
import type { NamedTensor, SafetensorsFile } from './safetensors.js';
import { TinyGRU } from './tinyGru.js';

const GATES = ['r', 'z', 'c'] as const;

/**
 * The weights (as float32, PyTorch's default dtype) and configuration of a TinyGRU or low-rank network.
 * @example
 * const file = toTorchTensors(model); encodeSafetensors(file);
 */
export function toTorchTensors(model: RecurrentModel): SafetensorsFile {
  const p = model.parameters;
  const f32 = (values: ArrayLike<number>) => Float32Array.from(values);
  const stack = (names: string[]) => f32(names.flatMap((n) => Array.from(p.view(n))));
  const H = model.nHidden;
  const I = model.nInputs;
  const O = model.nOutputs;
  const heads: NamedTensor[] = [
    { name: 'readout.weight', shape: [O, H], data: f32(p.view('W_out')) },
    { name: 'readout.bias', shape: [O], data: f32(p.view('b_out')) },
    { name: 'value.weight', shape: [1, H], data: f32(p.view('w_value')) },
    { name: 'value.bias', shape: [1], data: f32(p.view('b_value')) },
  ];
  const common = { format: 'brain-inspired-rnn', nInputs: String(I), nOutputs: String(O), nHidden: String(H) };
  if (model instanceof TinyGRU) {
    return {
      tensors: [
        { name: 'rnn.weight_ih_l0', shape: [3 * H, I], data: stack(GATES.map((g) => `W_i${g}`)) },
        { name: 'rnn.weight_hh_l0', shape: [3 * H, H], data: stack(GATES.map((g) => `W_h${g}`)) },
        { name: 'rnn.bias_ih_l0', shape: [3 * H], data: stack(GATES.map((g) => `b_i${g}`)) },
        { name: 'rnn.bias_hh_l0', shape: [3 * H], data: stack(GATES.map((g) => `b_h${g}`)) },
        ...heads,
      ],
      metadata: { ...common, kind: 'tiny_gru' },
    };
  }
  if (model instanceof BrainInspiredRNN) {
    const { rank, leak } = model.config;
    return {
      tensors: [
        { name: 'm', shape: [H], data: f32(p.view('m')) },
        { name: 'n', shape: [H], data: f32(p.view('n')) },
        { name: 'M', shape: [H, rank], data: f32(p.view('M')) },
        { name: 'N', shape: [H, rank], data: f32(p.view('N')) },
        { name: 'W_in', shape: [H, I], data: f32(p.view('W_in')) },
        ...heads,
      ],
      metadata: { ...common, kind: 'brain_inspired_rnn', rank: String(rank), leak: String(leak), config: JSON.stringify(model.config) },
    };
  }
  throw new ConfigError([`only TinyGRU and BrainInspiredRNN networks can be exported, got ${(model as { kind?: unknown }).kind}`]);
}

/**
 * A network from PyTorch-named weights: a GRU from `rnn.*_l0` + `readout.*` (`value.*` optional:
 * zeros when absent, as a plain nn.GRU + nn.Linear has no value head), or a low-rank network
 * from a file this project exported. Sizes come from the shapes; every shape is checked.
 * @example
 * const model = fromTorchTensors(decodeSafetensors(readFileSync('gru.safetensors')));
 */
export function fromTorchTensors(file: SafetensorsFile): TinyGRU | BrainInspiredRNN {
  const byName = new Map(file.tensors.map((t) => [t.name, t]));
  const need = (name: string, shape?: number[]) => {
    const tensor = byName.get(name);
    if (tensor === undefined) throw new ConfigError([`the file has no tensor ${name}; it has ${[...byName.keys()].join(', ') || 'none'}`]);
    if (shape && (tensor.shape.length !== shape.length || tensor.shape.some((n, i) => n !== shape[i]))) {
      throw new ConfigError([`tensor ${name} must have shape [${shape}], got [${tensor.shape}]`]);
    }
    return tensor;
  };
  const isGru = byName.has('rnn.weight_ih_l0');
  const lowRank = !isGru && file.metadata.kind === 'brain_inspired_rnn';
  if (!isGru && !lowRank) throw new ConfigError([`expected a GRU (rnn.weight_ih_l0, ...) or a low-rank network exported by brain-rnn; the file has ${[...byName.keys()].join(', ')}`]);
  const readoutWeight = need('readout.weight');
  const [O, H] = readoutWeight.shape;
  const model = isGru
    ? new TinyGRU({ nHidden: H, nInputs: need('rnn.weight_ih_l0').shape[1], nOutputs: O })
    : new BrainInspiredRNN(validateDevelopmentalConfig(JSON.parse(file.metadata.config ?? 'null'), '__metadata__.config'), { nInputs: need('W_in').shape[1], nOutputs: O });
  const p = model.parameters;
  const put = (name: string, values: ArrayLike<number>) => p.view(name).set(values);
  if (isGru) {
    const I = model.nInputs;
    if (need('rnn.weight_ih_l0').shape[0] !== 3 * H) throw new ConfigError([`tensor rnn.weight_ih_l0 must have 3 × ${H} rows (gates r, z, n), got ${need('rnn.weight_ih_l0').shape[0]}`]);
    const unstack = (name: string, prefix: string, rows: number, cols: number) => {
      const { data } = need(name, cols > 0 ? [3 * rows, cols] : [3 * rows]);
      const size = rows * Math.max(cols, 1);
      GATES.forEach((g, k) => put(`${prefix}${g}`, data.subarray(k * size, (k + 1) * size)));
    };
    unstack('rnn.weight_ih_l0', 'W_i', H, I);
    unstack('rnn.weight_hh_l0', 'W_h', H, H);
    unstack('rnn.bias_ih_l0', 'b_i', H, 0);
    unstack('rnn.bias_hh_l0', 'b_h', H, 0);
  } else {
    const { rank } = (model as BrainInspiredRNN).config;
    put('m', need('m', [H]).data);
    put('n', need('n', [H]).data);
    put('M', need('M', [H, rank]).data);
    put('N', need('N', [H, rank]).data);
    put('W_in', need('W_in', [H, model.nInputs]).data);
  }
  put('W_out', readoutWeight.data);
  put('b_out', need('readout.bias', [O]).data);
  if (byName.has('value.weight')) {
    put('w_value', need('value.weight', [1, H]).data);
    put('b_value', need('value.bias', [1]).data);
  }
  return model;
}
