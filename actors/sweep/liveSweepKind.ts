/**
 * The `live` kind of sweep: `brain-rnn live SCENARIO --seed S` over seeds × overrides, one cell per
 * pair. Each cell keeps its summary metrics and (with `record`, the default) its recording, which
 * travels back gzipped with the result; the reduce writes every recording, results.json (every
 * cell's metrics) and summary.md, one table over the cells.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentMetrics } from '../../src/analysis/online/analyzerState.js';
import { runLive } from '../io/liveRun.js';
import { parseScenario, type Scenario } from '../system/scenario.js';
import type { LiveSweep } from './sweepFile.js';
import type { SweepKind } from './sweepKind.js';

/** Objects merged field by field; anything else (arrays included) replaced. */
function merge(base: unknown, override: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof override !== 'object' || override === null || Array.isArray(override)) return override;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) out[key] = merge(out[key], value);
  return out;
}

/** The scenarios of the overrides, each checked like a scenario file (errors name the override). */
function scenarios(sweep: LiveSweep): Scenario[] {
  return sweep.overrides.map((override, i) => parseScenario(merge(sweep.scenario, override), { what: `sweep.overrides.${i}` }));
}

interface LiveCellResult {
  status: string;
  trialsPlayed: number;
  metrics: AgentMetrics[];
  /** The gzipped NDJSON recording, base64. */
  recording?: string;
}

/** Largest recording a cell sends back (its base64 must stay well inside a V8 string). */
const MAX_RECORDING_BYTES = 256e6;

const fmt = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

export const liveSweepKind: SweepKind<LiveSweep, { scenarios: Scenario[]; record: boolean }> = {
  readsData: false,
  expand(sweep) {
    scenarios(sweep);
    return { keys: sweep.overrides.flatMap((_, override) => sweep.seeds.map((seed) => ({ seed, override }))) };
  },
  prepare: (sweep) => ({ scenarios: scenarios(sweep), record: sweep.record }),
  async runCell(prepared, key) {
    const scenario = prepared.scenarios[key.override as number];
    const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-cell-'));
    const record = prepared.record ? join(dir, 'recording.ndjson.gz') : undefined;
    try {
      const result = await runLive(scenario, { seed: key.seed as number, record });
      if (result.status === 'failed') throw new Error(result.failure?.summary ?? 'the run failed');
      const bytes = record ? readFileSync(record) : undefined;
      // The recording travels inside the result (a JSON string): beyond a few hundred MB it cannot.
      if (bytes && bytes.length > MAX_RECORDING_BYTES) throw new Error(`the recording of this cell is ${(bytes.length / 1e6).toFixed(0)} MB, more than the ${MAX_RECORDING_BYTES / 1e6} MB a cell result can carry; set "record": false in the sweep`);
      const cell: LiveCellResult = { status: result.status, trialsPlayed: result.cursor.trialsPlayed, metrics: result.metrics, ...(bytes ? { recording: bytes.toString('base64') } : {}) };
      return cell;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  reduce(sweep, _prepared, results, seconds) {
    const cells = results as LiveCellResult[];
    const keys = sweep.overrides.flatMap((_, override) => sweep.seeds.map((seed) => ({ seed, override })));
    const header = ['cell', 'seed', 'override', 'agent', 'phase', 'trials', 'reward', 'P(better)', 'P(better) after rev.', 'MB index', 'MF index', 'D_eff', 'γ'];
    const rows = cells.flatMap((cell, i) =>
      cell.metrics.flatMap((agent) =>
        agent.phases.map((phase) => [
          String(i), String(keys[i].seed), String(keys[i].override), `${agent.agent} (${agent.label})`, phase.name, String(phase.trials), fmt(phase.rewardRate), fmt(phase.pBetter),
          fmt(phase.recoveryPBetter), fmt(phase.modelBasedIndex), fmt(phase.modelFreeIndex), fmt(agent.weights?.effectiveRank, 2), fmt(agent.weights?.svDecayGamma),
        ]),
      ),
    );
    const table = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 5 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
    const summary = `${sweep.name}: ${cells.length} runs of ${String(sweep.scenario.name)} (seeds ${sweep.seeds.join(', ')}; ${sweep.overrides.length} override(s))\n\n${table}\n`;
    const recordings: [string, Uint8Array][] = sweep.record ? cells.map((cell, i) => [`recording_${i}.ndjson.gz`, Buffer.from(cell.recording ?? '', 'base64')]) : [];
    const json = { command: 'live', sweep: { ...sweep, scenario: undefined }, scenario: sweep.scenario, seconds, cells: cells.map((cell, i) => ({ ...keys[i], status: cell.status, trialsPlayed: cell.trialsPlayed, metrics: cell.metrics })) };
    return { command: 'live', summary, files: [['results.json', `${JSON.stringify(json, null, 1)}\n`], ['summary.md', summary], ...recordings] };
  },
};
