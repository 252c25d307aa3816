import { describe, expect, it } from 'vitest';
import { runReplay } from '../actors/io/replayRun.js';
import { AnalyzerState } from '../src/analysis/online/analyzerState.js';
import { twoStageStayTable, analyzeTwoStageSignatures } from '../src/analysis/twoStageSignatures.js';
import { measureSerializedWeights } from '../src/analysis/weightMetrics.js';
import { BrainInspiredRNN, createPrematureConfig, effectiveRankFromSingularValues, nuclearNormFromSingularValues, singularValues, svDecayGammaFromSingularValues } from '../src/index.js';
import { EventDecoder, toWire } from '../src/protocol/eventCodec.js';
import type { RunEvent, TrialCompletedEvent } from '../src/protocol/events.js';
import { encodeCohortInputs } from '../src/tasks/encoding.js';
import { TaskType } from '../src/tasks/cohortTask.js';

const recording = new URL('./fixtures/recordings/two-stage-main.ndjson.gz', import.meta.url).pathname;

async function recordedEvents(): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  await runReplay(recording, { onEvent: (e) => events.push(e) });
  return events;
}

describe('AnalyzerState (the live fold)', () => {
  it('counts the same stay table and indices as twoStageStayTable over the same trials, per phase', async () => {
    const events = await recordedEvents();
    const state = new AnalyzerState({ windowEpisodes: 4, reversalCurveLength: 6, recoveryTrials: 3 });
    for (const e of events) state.apply(e);
    for (const agent of ['lowrank', 'gru', 'mb']) {
      const online = state.agentMetrics(agent)!;
      for (const phase of online.phases) {
        // The same trials as offline behaviour columns: one session per (episode, session), trials in order.
        const trials = events.filter((e): e is TrialCompletedEvent => e.type === 'trial.completed' && e.agent === agent && e.phase === phase.phase);
        const S = trials[0].nSessions;
        const rows: { session: number; trial: number; choice: number; reward: number; common: number }[] = [];
        for (const t of trials) for (let s = 0; s < S; s++) rows.push({ session: t.episode * S + s, trial: t.trial, choice: t.actions[s], reward: t.rewards[s], common: t.common![s] });
        rows.sort((a, b) => a.session - b.session || a.trial - b.trial);
        const columns = {
          choices: rows.map((r) => r.choice), rewards: rows.map((r) => r.reward), common: rows.map((r) => r.common), sessionIds: rows.map((r) => r.session),
        };
        const offline = twoStageStayTable(columns);
        for (const cell of ['commonRewarded', 'commonUnrewarded', 'rareRewarded', 'rareUnrewarded'] as const) {
          expect(phase.stayTable![cell]).toBe(offline[cell].stayProbability);
        }
        const signatures = analyzeTwoStageSignatures(columns);
        expect(phase.modelBasedIndex).toBe(signatures.modelBasedIndex);
        expect(phase.modelFreeIndex).toBe(signatures.modelFreeIndex);
      }
    }
  });

  it('reports trials in bins of binTrials that add up to every trial, the partial last bin at the end of the run', async () => {
    const events = await recordedEvents();
    const state = new AnalyzerState({ windowEpisodes: 4, reversalCurveLength: 6, recoveryTrials: 3, binTrials: 7 });
    const bins: { agent: string; trials: number; reward: number; trialsPlayed: number }[] = [];
    for (const e of events) state.apply(e, (out) => out.type === 'trials.binned' && bins.push(out));
    const lowrank = bins.filter((b) => b.agent === 'lowrank');
    const trials = events.filter((e): e is TrialCompletedEvent => e.type === 'trial.completed' && e.agent === 'lowrank');
    expect(lowrank.reduce((n, b) => n + b.trials, 0)).toBe(trials.length);
    expect(lowrank.slice(0, -1).every((b) => b.trials === 7)).toBe(true);
    expect(lowrank.at(-1)!.trialsPlayed).toBe(trials.length);
    const reward = trials.reduce((sum, t) => sum + t.rewards.reduce((a, r) => a + r, 0), 0);
    expect(lowrank.reduce((sum, b) => sum + b.reward, 0)).toBe(reward);
  });
});

describe('measureSerializedWeights(model, probe, update)', () => {
  it('gives the spectrum, effective rank, γ and nuclear norm of a full SVD of the materialised W_rec, through the k×k route', () => {
    const model = new BrainInspiredRNN(createPrematureConfig({ nHidden: 24 }), { nInputs: 4, seed: 3 });
    const metrics = measureSerializedWeights(model.toJSON(), { rows: 0, states: [], inputs: [] }, 9)!;
    const full = singularValues(model.recurrentWeights());
    expect(metrics.update).toBe(9);
    expect(metrics.singularValues).toHaveLength(24);
    metrics.singularValues.forEach((value, i) => expect(value).toBeCloseTo(full[i], 10));
    // rank 8 + the m nᵀ term: exactly nine non-zero values.
    expect(metrics.singularValues.slice(9).every((v) => v === 0)).toBe(true);
    expect(metrics.effectiveRank).toBeCloseTo(effectiveRankFromSingularValues(full), 10);
    expect(metrics.nuclearNorm).toBeCloseTo(nuclearNormFromSingularValues(full), 10);
    expect(metrics.svDecayGamma).toBeCloseTo(svDecayGammaFromSingularValues(full, { maxValues: 9 }).gamma, 10);
    expect(metrics.responseHeterogeneity).toBeNaN();
  });

  it('is undefined for a TinyGRU (no low-rank W_rec)', async () => {
    const { TinyGRU } = await import('../src/index.js');
    expect(measureSerializedWeights(new TinyGRU({ nHidden: 2, nInputs: 4, seed: 1 }).toJSON(), { rows: 0, states: [], inputs: [] }, 1)).toBeUndefined();
  });
});

describe('EventDecoder', () => {
  const started = { type: 'run.started', v: 1, scenario: 's', task: 'two_stage', trialsPerEpisode: 2, agents: [], phases: [] };
  const trial = {
    type: 'trial.completed', v: 1, agent: 'a', phase: 0, episode: 0, trial: 0, nSessions: 2, nActions: 2,
    actions: [1, 0], rewards: [1, 0], policy: [0.25, 0.75, 0.5, 0.5], values: [0, 0], betterAction: [1, 1], reversal: [0, 0],
    actionRewardProbs: [0.125, 0.875, 0.125, 0.875], stage2States: [1, 1], stage2Actions: [0, 1], common: [1, 0],
  };

  it('rebuilds the typed columns and the next inputs the task would have encoded; toWire leaves the derived column out', () => {
    const decoder = new EventDecoder();
    decoder.decode(started);
    const event = decoder.decode(trial) as TrialCompletedEvent;
    expect(event.actions).toBeInstanceOf(Int8Array);
    expect(event.policy).toEqual(Float32Array.of(0.25, 0.75, 0.5, 0.5));
    const expected = encodeCohortInputs(TaskType.TWO_STAGE, Int8Array.of(1, 0), Int8Array.of(1, 1), Float32Array.of(1, 0), new Float64Array(12));
    expect(event.nextInputs).toEqual(expected);
    expect(toWire(event)).toEqual(trial);
  });

  it('refuses a trial before run.started and a column of the wrong length, naming the field', () => {
    expect(() => new EventDecoder().decode(trial, 'line 2')).toThrow('line 2: a trial.completed event before run.started');
    const decoder = new EventDecoder();
    decoder.decode(started);
    expect(() => decoder.decode({ ...trial, policy: [0.5, 0.5] }, 'line 3')).toThrow('line 3.policy must have 4 entries (nSessions × nActions), got 2');
  });
});
