/**
 * How much memory a scenario's run will need, estimated from its sizes before anything is
 * allocated, so that `parseScenario` can refuse a run that would exhaust the machine (16 agents ×
 * 4096 sessions × 512 units × 100,000 trials passed validation and then took 6 GB in 23 s before
 * its first trial). The estimate counts what grows with the scenario's sizes, byte by byte from
 * the allocations of the code it runs; docs/reliability.md ("Input files") compares it with
 * measured peak RSS.
 *
 * With S sessions, T trials per episode, N hidden units, k = rank + 1, I task inputs and A = 2
 * actions, per agent:
 * - episode buffer of a learning agent (actors/machines/trainer.ts `allocateEpisode`), held for the
 *   whole run: S·T·(8I + 36) bytes;
 * - BPTT cache of a learning agent's update, per session-trial (rows padded to 4 sessions on the
 *   float32 kernel):
 *   - low_rank float32 (WebAssembly kernel, lowRankWasmKernel.ts): wasm memory U, H, X, K, staging,
 *     logits, values and their gradients, 4I + 8N + 4k + 16A + 16 plus a staging row of 8N (a2c
 *     with the regularisers) or 8I (otherwise: the rest is never written, so never resident), kept
 *     for the whole run (wasm memory never shrinks); during the update 16A + 16 of readouts and
 *     loss gradients, plus for a2c with the regularisers x_t unpacked to float64 and its
 *     heterogeneity gradient (16N + 8);
 *   - low_rank float64 (JavaScript kernel): the backward workspace 8N + 8k, kept; during the update
 *     the forward pass 16N + 8k + 8A + 8, loss gradients 8A + 8 and, with the regularisers, the
 *     heterogeneity gradient 8N + 8 (a2c) or 16N + 8 (imitation);
 *   - tiny_gru: during the update the forward pass and gates 40N + 8A + 8 and loss gradients 8A + 8;
 * - trial events of one tick: each trial allocates its event's columns and the agent's choice,
 *   about 64 + 8I bytes per session (+16 for imitation), trialsPerTick trials before the run yields;
 * - per-session state (network state, inputs, policies, task, analyzer columns): S·(16N + 16I + 128);
 * - weights: the parameters, their gradients, Adam's moments and kernel copies (about 10 copies of
 *   2kN + N(I + A + 1) + A + 1 numbers) and the dense N×N matrices of the weight metrics (3N² · 8).
 *
 * What is kept adds up over agents. Updates run one after the other, so what an update allocates
 * and drops counts for the largest one; twice when two or more agents learn, since one agent's
 * garbage is often still uncollected when the next agent's update allocates (measured: the peak
 * held 1.35-1.4 updates' worth with 2 and 4 learners). A run's fixed cost (Node, the modules, the
 * CLI, the heap of a long run) is BASELINE_BYTES. Measured peaks (docs/reliability.md) were
 * 0.80-0.95 of the estimate: it errs on the safe side.
 */
import { wasmSimdAvailable } from '../../src/model/kernels/lowRankSimdModule.js';
import { createMatureConfig, createPrematureConfig } from '../../src/model/config.js';
import { parseTaskType, taskInputSize } from '../../src/tasks/encoding.js';
import { ConfigError } from '../../src/validation.js';
import type { Scenario } from './scenario.js';

/**
 * Resident memory of `brain-rnn live` apart from the scenario's arrays: measured 372-388 MB on the
 * shipped scenarios (Node 20, tsx), whose arrays are a few MB.
 */
export const BASELINE_BYTES = 400e6;

/**
 * Default limit of `parseScenario`: conservative, so that a run refused nowhere still fits a small
 * machine or CI runner. The command line passes a share of the machine's memory instead.
 */
export const DEFAULT_MAX_MEMORY_BYTES = 2e9;

/** Share of the machine's memory (os.totalmem()) the command line allows a run by default. */
export const DEFAULT_MEMORY_SHARE = 0.6;

/** A WebAssembly (32-bit) memory holds at most 65,536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT_BYTES = 2 ** 32;

const ACTIONS = 2;

export interface AgentMemoryEstimate {
  /** JSON path of the agent, e.g. `scenario.agents.0`. */
  path: string;
  nSessions: number;
  /** Bytes per session-trial of the episode buffer and BPTT cache (0 when the agent does not learn). */
  bytesPerSessionTrial: number;
  /** Bytes held for the whole run. */
  kept: number;
  /** Bytes a learning update allocates and drops again. */
  transient: number;
  /** Float32 low-rank learners: bytes of the kernel's WebAssembly memory. */
  wasmBytes: number;
}

export interface ScenarioMemoryEstimate {
  /** Baseline + every agent's kept and transient bytes. */
  totalBytes: number;
  agents: AgentMemoryEstimate[];
}

function lowRankRank(model: Extract<Scenario['agents'][number]['model'], { kind: 'low_rank' }>): number {
  const override = model.overrides?.rank;
  if (typeof override === 'number') return override;
  return (model.stage === 'premature' ? createPrematureConfig : createMatureConfig)({ nHidden: model.nHidden }).rank;
}

/**
 * The estimate of a parsed scenario (formula in the file's comment).
 * @example
 * estimateScenarioMemory(parseScenario(json)).totalBytes; // about 0.3e9 for scenarios/reversal-developmental.json
 */
export function estimateScenarioMemory(scenario: Scenario, what = 'scenario'): ScenarioMemoryEstimate {
  const I = taskInputSize(parseTaskType(scenario.task.type));
  const A = ACTIONS;
  const T = scenario.trialsPerEpisode;
  const tick = Math.min(scenario.run.trialsPerTick, T * scenario.phases.reduce((n, p) => n + p.episodes, 0));
  const agents = scenario.agents.map((agent, i): AgentMemoryEstimate => {
    const S = agent.nSessions;
    const { model, trainer } = agent;
    const imitation = trainer.mode === 'imitation';
    const learns = 'nHidden' in model && trainer.mode !== 'none';
    const regularize = trainer.mode !== 'none' && trainer.regularize;
    // Cognitive models and people have no hidden units.
    const N = 'nHidden' in model ? model.nHidden : 0;
    const k = model.kind === 'low_rank' ? lowRankRank(model) + 1 : 0;
    const events = tick * S * (64 + 8 * I + (imitation ? 16 : 0));
    const state = S * (16 * N + 16 * I + 128);
    const nParameters = N === 0 ? 0 : model.kind === 'low_rank' ? 2 * k * N + N * (I + A + 1) + A + 1 : 3 * N * (N + I + 1) + N * (A + 1) + A + 1;
    const weights = 10 * 8 * nParameters + 3 * 8 * N * N;
    let keptPerStep = 0;
    let transientPerStep = 0;
    let steps = S * T;
    let wasmBytes = 0;
    if (learns) {
      keptPerStep += 8 * I + 36;
      const lossGradients = trainer.mode === 'a2c' ? 8 * A + 8 : 8 * A + 4;
      if (model.kind === 'low_rank' && (model.precision ?? 'float32') === 'float32' && wasmSimdAvailable()) {
        steps = 4 * Math.ceil(S / 4) * T;
        // The staging region is N wide, but only pages written are resident: its first I floats
        // per trial carry the inputs, and only a2c with the regularisers unpacks x_t through it.
        const staging = trainer.mode === 'a2c' && regularize ? 8 * Math.max(N, I) : 8 * I;
        wasmBytes = steps * (4 * I + 8 * N + 4 * k + 8 * Math.max(N, I) + 16 * A + 16);
        keptPerStep += 4 * I + 8 * N + 4 * k + staging + 16 * A + 16;
        transientPerStep += 8 * A + 8 + lossGradients;
        // A2CTrainer releases each pass after its backward, so no copy of the previous one is made.
        if (trainer.mode === 'a2c' && regularize) transientPerStep += 16 * N + 8;
      } else if (model.kind === 'low_rank') {
        keptPerStep += 8 * N + 8 * k;
        transientPerStep += 16 * N + 8 * k + 8 * A + 8 + lossGradients + (regularize ? (imitation ? 16 * N : 8 * N) + 8 : 0);
      } else {
        transientPerStep += 40 * N + 8 * A + 8 + lossGradients;
      }
    }
    const bptt = steps * keptPerStep;
    return {
      path: `${what}.agents.${i}`,
      nSessions: S,
      bytesPerSessionTrial: learns ? (bptt + steps * transientPerStep) / (S * T) : 0,
      kept: bptt + state + weights + events,
      transient: steps * transientPerStep,
      wasmBytes,
    };
  });
  const kept = agents.reduce((sum, a) => sum + a.kept, 0);
  const transients = agents.map((a) => a.transient).filter((bytes) => bytes > 0);
  const stacked = Math.max(0, ...transients) * Math.min(transients.length, 2);
  return { totalBytes: BASELINE_BYTES + kept + stacked, agents };
}

/**
 * Refuse a scenario whose estimate is above `maxMemoryBytes`, or whose float32 low-rank learner
 * would need more WebAssembly memory than one instance can hold, naming the largest agents.
 * @example
 * checkScenarioMemory(scenario, 0.6 * os.totalmem()); // throws: scenario needs about 6.3 TB of memory (...)
 */
export function checkScenarioMemory(scenario: Scenario, maxMemoryBytes: number, what = 'scenario'): void {
  const estimate = estimateScenarioMemory(scenario, what);
  const T = scenario.trialsPerEpisode;
  if (estimate.totalBytes > maxMemoryBytes) {
    const largest = [...estimate.agents].sort((a, b) => b.kept + b.transient - (a.kept + a.transient)).slice(0, 3);
    const parts = largest.map((a) =>
      a.bytesPerSessionTrial > 0
        ? `${a.path}: ${a.nSessions} sessions × ${T} trials × ${formatBytes(a.bytesPerSessionTrial)} per session-trial for its episode buffer and BPTT cache`
        : `${a.path}: ${formatBytes(a.kept)}`,
    );
    const more = estimate.agents.length - largest.length;
    throw new ConfigError([
      `${what} needs about ${formatBytes(estimate.totalBytes)} of memory (${parts.join('; ')}${more > 0 ? `; ${more} more agent(s)` : ''}), ` +
        `above the limit of ${formatBytes(maxMemoryBytes)}; lower nSessions, trialsPerEpisode or nHidden, ` +
        'or raise the limit (maxMemoryBytes; --max-memory on the command line)',
    ]);
  }
  for (const agent of estimate.agents) {
    if (agent.wasmBytes > WASM_MEMORY_LIMIT_BYTES) {
      throw new ConfigError([
        `${agent.path}: its float32 kernel keeps an episode's BPTT cache in WebAssembly memory, ${agent.nSessions} sessions × ${T} trials = ` +
          `${formatBytes(agent.wasmBytes)}, above the ${formatBytes(WASM_MEMORY_LIMIT_BYTES)} a WebAssembly memory can hold; ` +
          `lower ${agent.path}.nSessions or ${what}.trialsPerEpisode, or set ${agent.path}.model.precision to "float64"`,
      ]);
    }
  }
}

/**
 * Bytes as people read them: `6.3 GB`, `840 MB`, `12 kB` (powers of 1000).
 * @example
 * formatBytes(6.3e9); // '6.3 GB'
 */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
    }
  }
  return `${Math.round(bytes)} B`;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/**
 * A memory size as a person writes it (`8GB`, `512 MiB`, `6e9`) in bytes, for `--max-memory`.
 * @example
 * parseMemorySize('4.8GB'); // 4.8e9
 */
export function parseMemorySize(text: string, what = '--max-memory'): number {
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? SIZE_UNITS[match[2].toLowerCase() || 'b'] : undefined;
  const bytes = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!(bytes > 0) || !Number.isFinite(bytes)) {
    throw new ConfigError([`${what} must be a size such as 8GB, 512MB or 6e9 (bytes), got ${JSON.stringify(text)}`]);
  }
  return bytes;
}
