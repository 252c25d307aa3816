/**
 * `brain-rnn export CHECKPOINT --format safetensors --out FILE`: a checkpoint's network in the
 * safetensors format under PyTorch's names (src/model/torchTensors.ts), for
 * interop/python/brain_rnn.py's `load`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';

export interface ExportCommandOptions {
  format: string;
  out: string;
  force?: boolean;
}

/**
 * @example
 * await runExportCommand('gru.json', { format: 'safetensors', out: 'gru.safetensors' });
 */
export async function runExportCommand(checkpoint: string, options: ExportCommandOptions): Promise<void> {
  const { format, out, force = false } = options;
  if (format !== 'safetensors') throw new Error(`--format must be safetensors, got ${JSON.stringify(format)}`);
  if (existsSync(out) && !force) throw new Error(`${out} already exists; pass --force to overwrite it`);
  const [{ parseCheckpoint }, { toTorchTensors }, { encodeSafetensors }, { writeAtomically }] = await Promise.all([
    import('../../src/model/checkpoint.js'),
    import('../../src/model/torchTensors.js'),
    import('../../src/model/safetensors.js'),
    import('../io/outputFolder.js'),
  ]);
  const { model } = parseCheckpoint(readFileSync(checkpoint, 'utf8'));
  const file = toTorchTensors(model);
  writeAtomically(dirname(out), basename(out), encodeSafetensors(file));
  process.stderr.write(`wrote ${out}: ${file.metadata.kind}, ${file.tensors.map((t) => `${t.name} [${t.shape}]`).join(', ')}\n`);
}

export function registerExportCommand(program: Command): void {
  program
    .command('export <checkpoint>')
    .description("write a checkpoint's network as safetensors with PyTorch's names (load it with interop/python/brain_rnn.py)")
    .requiredOption('--out <file>', 'the .safetensors file to write')
    .option('--format <format>', 'safetensors', 'safetensors')
    .option('--force', 'overwrite an existing file', false)
    .action((checkpoint: string, options: ExportCommandOptions) => runExportCommand(checkpoint, options));
}
