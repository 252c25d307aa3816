import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, runLive } from '../actors/io/liveRun.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { parseCheckpoint, serializeCheckpoint } from '../src/model/checkpoint.js';
import { createMatureConfig } from '../src/model/config.js';
import type { RecurrentModel } from '../src/model/recurrentModel.js';
import { decodeSafetensors, encodeSafetensors } from '../src/model/safetensors.js';
import { TinyGRU } from '../src/model/tinyGru.js';
import { createRandom } from '../src/random.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import { initialTaskInputs } from '../src/tasks/encoding.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'torch-interop-'));
const PYTHON = '/usr/bin/python3';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'actors/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' });
}

/** Run Python with Debian's torch; a machine without it fails here with the fix, not silently. */
function python(script: string): string {
  const run = spawnSync(PYTHON, ['-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(root, 'interop/python') } });
  if (run.error || run.status !== 0) {
    throw new Error(`${PYTHON} failed (install Debian's python3-torch: apt-get install python3-torch; .ci/run does): ${run.error?.message ?? run.stderr}`);
  }
  return run.stdout;
}

/** B sequences of T trials of reversal inputs (one-hot action, reward, constant 1), the first trial the task's initial input. */
function reversalInputs(B: number, T: number, seed: number): Float32Array {
  const rng = createRandom(seed);
  const first = initialTaskInputs(TaskType.REVERSAL, 1);
  const out = new Float32Array(B * T * 4);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = out.subarray((b * T + t) * 4, (b * T + t + 1) * 4);
      if (t === 0) row.set(first);
      else row.set([...(rng.bernoulli(0.5) ? [1, 0] : [0, 1]), rng.bernoulli(0.6) ? 1 : 0, 1]);
    }
  }
  return out;
}

function ourLogits(model: RecurrentModel, inputs: Float32Array, B: number, T: number): Float64Array {
  return model.forward({ nSessions: B, nTrials: T, nInputs: 4, inputs: Float64Array.from(inputs) }).logits;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const B = 3;
const T = 25;
const inputs = reversalInputs(B, T, 5);
const inputsPath = join(work, 'inputs.safetensors');
writeFileSync(inputsPath, encodeSafetensors({ tensors: [{ name: 'inputs', shape: [B, T, 4], data: inputs }], metadata: {} }));

describe('safetensors', () => {
  it('encodeSafetensors writes an 8-byte little-endian header length, an 8-aligned JSON header and little-endian data that decodeSafetensors reads back', () => {
    const bytes = encodeSafetensors({ tensors: [{ name: 'a', shape: [2], data: Float32Array.of(1.5, -2) }, { name: 'b', shape: [1, 1], data: Float64Array.of(Math.PI) }], metadata: { kind: 'x' } });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(header).toEqual({ __metadata__: { kind: 'x' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F64', shape: [1, 1], data_offsets: [8, 16] } });
    expect(Array.from(bytes.subarray(8 + length, 8 + length + 4))).toEqual([0, 0, 0xc0, 0x3f]); // 1.5f, little-endian
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ kind: 'x' });
    expect(Array.from(back.tensors[1].data)).toEqual([Math.PI]);
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow('exceeds the file');
  });
});

describe('brain-rnn export / import with PyTorch', () => {
  it('brain-rnn export writes a TinyGRU and a low-rank network that brain_rnn.load runs in torch to the project\'s logits (float32 tolerance)', () => {
    const gru = new TinyGRU({ nHidden: 3, nInputs: 4, seed: 11, dtype: 'float32' });
    // Non-zero biases everywhere, so a swapped gate or a misplaced b_hn shows.
    gru.parameters.data.forEach((v, i) => (gru.parameters.data[i] = v + 0.05 * Math.sin(i)));
    const lowRank = new BrainInspiredRNN({ ...createMatureConfig({ nHidden: 8 }), rank: 2 }, { nInputs: 4, seed: 12, dtype: 'float32', kernel: 'js' });
    lowRank.parameters.view('b_out').set([0.3, -0.2]);
    const files = { gru: join(work, 'gru.safetensors'), lowRank: join(work, 'lowrank.safetensors') };
    for (const [name, model] of [['gru', gru], ['lowRank', lowRank]] as const) {
      const checkpoint = join(work, `${name}.json`);
      writeFileSync(checkpoint, serializeCheckpoint(model));
      const run = cli('export', checkpoint, '--format', 'safetensors', '--out', files[name]);
      expect(run.stderr).not.toContain('brain-rnn:');
      expect(run.status).toBe(0);
    }
    const names = decodeSafetensors(readFileSync(files.gru)).tensors.map((t) => `${t.name}[${t.shape}]`);
    expect(names).toEqual(['rnn.weight_ih_l0[9,4]', 'rnn.weight_hh_l0[9,3]', 'rnn.bias_ih_l0[9]', 'rnn.bias_hh_l0[9]', 'readout.weight[2,3]', 'readout.bias[2]', 'value.weight[1,3]', 'value.bias[1]']);
    expect(decodeSafetensors(readFileSync(files.lowRank)).tensors.map((t) => t.name)).toEqual(['m', 'n', 'M', 'N', 'W_in', 'readout.weight', 'readout.bias', 'value.weight', 'value.bias']);
    python(`
import brain_rnn, torch
inputs = brain_rnn.read_safetensors(${JSON.stringify(inputsPath)})[0]["inputs"]
out = {}
for name, path in [("gru", ${JSON.stringify(files.gru)}), ("lowRank", ${JSON.stringify(files.lowRank)})]:
    net = brain_rnn.load(path)
    assert isinstance(net, torch.nn.Module)
    with torch.no_grad():
        out[name] = net(inputs)
    assert tuple(out[name].shape) == (${B}, ${T}, 2), out[name].shape
brain_rnn.write_safetensors(${JSON.stringify(join(work, 'torch-logits.safetensors'))}, out)
`);
    const torchLogits = new Map(decodeSafetensors(readFileSync(join(work, 'torch-logits.safetensors'))).tensors.map((t) => [t.name, t.data]));
    const gruDiff = maxAbsDifference(torchLogits.get('gru')!, ourLogits(gru, inputs, B, T));
    const lowRankDiff = maxAbsDifference(torchLogits.get('lowRank')!, ourLogits(lowRank, inputs, B, T));
    if (process.env.SHOW_INTEROP_DIFF) console.log('max abs difference torch vs ours', gruDiff, lowRankDiff);
    expect(gruDiff).toBeLessThan(1e-5);
    expect(lowRankDiff).toBeLessThan(1e-5);
    // The comparison can fail: the same GRU with its r and z gates swapped is far off.
    const swapped = gru.clone();
    swapped.parameters.view('W_ir').set(gru.parameters.view('W_iz'));
    swapped.parameters.view('W_iz').set(gru.parameters.view('W_ir'));
    expect(maxAbsDifference(torchLogits.get('gru')!, ourLogits(swapped, inputs, B, T))).toBeGreaterThan(1e-3);
  }, 60_000);

  it('brain-rnn import turns a torch nn.GRU + Linear into a checkpoint with torch\'s logits, which a live scenario plays', async () => {
    const torchFile = join(work, 'torch_gru.safetensors');
    python(`
import brain_rnn, torch
from torch import nn
torch.manual_seed(3)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 3, batch_first=True)
        self.readout = nn.Linear(3, 2)
net = Net()
brain_rnn.save(${JSON.stringify(torchFile)}, net)
inputs = brain_rnn.read_safetensors(${JSON.stringify(inputsPath)})[0]["inputs"]
with torch.no_grad():
    hidden, _ = net.rnn(inputs)
    brain_rnn.write_safetensors(${JSON.stringify(join(work, 'torch-import-logits.safetensors'))}, {"logits": net.readout(hidden)})
`);
    const run = cli('import', torchFile);
    expect(run.stderr).not.toContain('brain-rnn:');
    expect(run.status).toBe(0);
    const checkpointPath = join(work, 'torch_gru.json');
    expect(existsSync(checkpointPath)).toBe(true);
    const { model, metadata } = parseCheckpoint(readFileSync(checkpointPath, 'utf8'));
    expect(metadata).toMatchObject({ importedFrom: 'torch_gru.safetensors', source: 'torch' });
    expect([model.kind, model.nHidden, model.nInputs, model.nOutputs]).toEqual(['tiny_gru', 3, 4, 2]);
    const torchLogits = decodeSafetensors(readFileSync(join(work, 'torch-import-logits.safetensors'))).tensors[0].data;
    expect(maxAbsDifference(torchLogits, ourLogits(model, inputs, B, T))).toBeLessThan(1e-5);
    expect(cli('import', torchFile).stderr).toContain(`brain-rnn: ${checkpointPath} already exists; pass --force to overwrite it`);

    // A short live run plays the imported network: its first policy is torch's softmax at the initial input.
    const scenarioPath = join(work, 'play.json');
    const scenario = (nHidden: number) => ({
      name: 'imported-gru', seed: 1, trialsPerEpisode: 20,
      task: { type: 'reversal', options: {} },
      agents: [{ id: 'torch', nSessions: 4, model: { kind: 'tiny_gru', nHidden, checkpoint: 'torch_gru.json' }, trainer: { mode: 'none' } }],
      phases: [{ name: 'play', episodes: 2, learning: false }],
    });
    writeFileSync(scenarioPath, JSON.stringify(scenario(3)));
    let firstPolicy: ArrayLike<number> | undefined;
    let label = '';
    const result = await runLive(loadScenarioFile(scenarioPath), {
      onEvent: (event) => {
        if (event.type === 'run.started') label = event.agents[0].label;
        if (event.type === 'trial.completed' && firstPolicy === undefined) firstPolicy = event.policy;
      },
    });
    expect(result.status).toBe('completed');
    expect(result.cursor.trialsPlayed).toBe(40);
    expect(label).toBe('TinyGRU H=3 (checkpoint)');
    const pChoice1 = 1 / (1 + Math.exp(torchLogits[0] - torchLogits[1]));
    for (let s = 0; s < 4; s++) expect(firstPolicy![2 * s + 1]).toBeCloseTo(pChoice1, 5);
    writeFileSync(scenarioPath, JSON.stringify(scenario(2)));
    await expect(runLive(loadScenarioFile(scenarioPath))).rejects.toThrow('holds a tiny_gru with 3 units, 4 inputs and 2 outputs, but the agent needs a tiny_gru with 2 units');
  }, 60_000);
});
