/**
 * `brain-rnn import FILE.safetensors`: a PyTorch nn.GRU + nn.Linear (names rnn.*_l0, readout.*,
 * as interop/python/brain_rnn.py's `save` writes them), or a network this project exported,
 * becomes a checkpoint that a scenario plays (`"model": { "kind": "tiny_gru", "nHidden": H,
 * "checkpoint": "FILE.json" }`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';

export interface ImportCommandOptions {
  /** Checkpoint to write; default FILE with .json for .safetensors. */
  out?: string;
  force?: boolean;
}

/**
 * @example
 * await runImportCommand('torch_gru.safetensors', { out: 'gru.json' });
 */
export async function runImportCommand(file: string, options: ImportCommandOptions = {}): Promise<string> {
  const { force = false } = options;
  const out = options.out ?? join(dirname(file), `${basename(file, extname(file))}.json`);
  if (existsSync(out) && !force) throw new Error(`${out} already exists; pass --force to overwrite it`);
  const [{ serializeCheckpoint }, { fromTorchTensors }, { decodeSafetensors }, { writeAtomically }] = await Promise.all([
    import('../../src/model/checkpoint.js'),
    import('../../src/model/torchTensors.js'),
    import('../../src/model/safetensors.js'),
    import('../io/outputFolder.js'),
  ]);
  const tensors = decodeSafetensors(readFileSync(file));
  const model = fromTorchTensors(tensors);
  writeAtomically(dirname(out), basename(out), serializeCheckpoint(model, { importedFrom: basename(file), source: tensors.metadata.source ?? tensors.metadata.format ?? 'safetensors' }));
  process.stderr.write(`wrote ${out}: ${model.kind}, ${model.nHidden} units, ${model.nInputs} inputs, ${model.nOutputs} outputs\n`);
  return out;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import <file>')
    .description('turn a safetensors file (PyTorch nn.GRU + Linear, or an exported network) into a checkpoint that scenarios can play')
    .option('--out <checkpoint>', 'checkpoint to write (default: FILE with .json)')
    .option('--force', 'overwrite an existing checkpoint', false)
    .action(async (file: string, options: ImportCommandOptions) => {
      await runImportCommand(file, options);
    });
}
