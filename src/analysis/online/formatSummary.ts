/**
 * The end-of-run table, the same for a live run and its replay: one row per agent and phase.
 */
import type { AgentMetrics } from './analyzerState.js';

const fmt = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));

/**
 * @example
 * process.stdout.write(formatSummary(result.metrics));
 */
export function formatSummary(metrics: readonly AgentMetrics[], recoveryTrials = 10): string {
  const header = ['agent', 'phase', 'trials', 'reward', 'P(better)', `P(better) ≤${recoveryTrials} after rev.`, 'MB index', 'MF index', 'loss', 'D_eff', 'γ', '‖W‖*', 'heterogeneity'];
  const rows: string[][] = [];
  for (const agent of metrics) {
    for (const phase of agent.phases) {
      rows.push([
        `${agent.agent} (${agent.label})`, phase.name, String(phase.trials), fmt(phase.rewardRate), fmt(phase.pBetter), fmt(phase.recoveryPBetter),
        fmt(phase.modelBasedIndex), fmt(phase.modelFreeIndex), fmt(agent.training?.loss), fmt(agent.weights?.effectiveRank, 2),
        fmt(agent.weights?.svDecayGamma), fmt(agent.weights?.nuclearNorm, 2), fmt(agent.weights?.responseHeterogeneity, 5),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/**
 * One line naming what failed in a run, e.g. `agent "mature" (trainer) failed in phase 0 "train": loss is NaN`.
 * @example
 * process.stderr.write(`${formatFailure(runFailedEvent)}\n`);
 */
export function formatFailure(failure: { role: string; agent?: string; phase: number; phaseName: string; message: string }): string {
  const who = failure.agent === undefined ? `the ${failure.role}` : `agent "${failure.agent}" (${failure.role})`;
  return `${who} failed in phase ${failure.phase} "${failure.phaseName}": ${failure.message}`;
}
