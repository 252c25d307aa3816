/**
 * One line per command: the top-level help lists them without loading the commands (main.ts),
 * and each command's own help shows the same line.
 */
export const COMMAND_SUMMARIES = {
  train: 'train a premature and a mature low-rank RNN on one task and print their metrics side by side',
  live: 'play a scenario live: agents act, learn and are analysed trial by trial',
  replay: 'replay a recording into the analyzer (and the viewer) and print its summary',
  fit: 'cross-validate recurrent networks and cognitive models on a trials CSV; held-out NLL per choice per model',
  run: 'the developmental comparison over several seeds: results.json and report.md in the output folder',
  sweep: 'run a sweep file (scenarios/sweeps/*.json) as cells on this machine, BullMQ workers or SLURM, then reduce them',
  worker: 'run cells of BullMQ sweeps from Redis, on this machine, until SIGTERM',
  play: 'serve a task page on 127.0.0.1 for a person to play; each trial is stored in a trials CSV at once',
  'convert-jspsych': 'convert jsPsych data (CSV or JSON) of the brain-rnn plugins into a trials CSV',
  export: "write a checkpoint's network as safetensors with PyTorch's names (load it with interop/python/brain_rnn.py)",
  import: 'turn a safetensors file (PyTorch nn.GRU + Linear, or an exported network) into a checkpoint that scenarios can play',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;
