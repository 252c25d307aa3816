/**
 * What `brain-rnn fit` prints and writes besides its numbers: the comparison and per-level tables,
 * the sentence that says which CV unit and episode boundary were used (and why, when defaulted),
 * the reversal-aligned behaviour of reversal data, and each fold's chosen network as a checkpoint.
 */
import { analyzeReversalAdaptation } from '../../src/analysis/reversalAdaptation.js';
import { columnsFromTrialsSessions } from '../../src/analysis/behaviourColumns.js';
import { MIN_UNITS_FOR_DEFAULT, splitIntoEpisodes, type CvUnit, type ResetOn } from '../../src/data/episodes.js';
import type { ModelComparison } from '../../src/experiments/compareModels.js';
import { modelFromJSON, serializeCheckpoint } from '../../src/model/checkpoint.js';

export function fixed(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** The CV unit and the episode boundary of a comparison, each with why when it was the default. */
export function describeSplit(result: Pick<ModelComparison, 'cv' | 'resetOn' | 'nUnits' | 'nSubjects' | 'nSessions' | 'task'>, given: { cv?: CvUnit; resetOn?: ResetOn; hasBlocks?: boolean }): string {
  const { cv, resetOn, nUnits, nSubjects, nSessions } = result;
  const cvWhy =
    given.cv !== undefined
      ? ''
      : cv === 'block'
        ? `; default: ${nSubjects} subjects and ${nSessions} sessions, both < ${MIN_UNITS_FOR_DEFAULT}`
        : nSubjects >= MIN_UNITS_FOR_DEFAULT
          ? `; default: >= ${MIN_UNITS_FOR_DEFAULT} subjects`
          : cv === 'session' && nSessions >= MIN_UNITS_FOR_DEFAULT
            ? `; default: ${nSubjects} subjects < ${MIN_UNITS_FOR_DEFAULT}, ${nSessions} sessions`
            : `; default: fewer than ${MIN_UNITS_FOR_DEFAULT} subjects and sessions and no blocks`;
  const resetWhy =
    given.resetOn !== undefined
      ? ''
      : resetOn === 'block'
        ? ' (default: the block column has values)'
        : result.task === 'two_stage' && given.hasBlocks
          ? ' (default for two-stage data; --reset-on block restarts at each block)'
          : ' (default: no block column)';
  return `CV over ${cv}s (${nUnits}${cvWhy}), learners restart at each ${resetOn}${resetWhy}`;
}

/**
 * The reversal-aligned behaviour of reversal data whose `reversal` column flags reversals, over
 * episodes (no pair crosses a restart); the better option is inferred per phase from reward rates.
 */
export function reversalBehaviour(sessions: Parameters<typeof splitIntoEpisodes>[0], resetOn: ResetOn) {
  if (sessions[0]?.task !== 'reversal' || !sessions.some((s) => s.reversal.some((r) => r === 1))) return undefined;
  const adaptation = analyzeReversalAdaptation(columnsFromTrialsSessions(splitIntoEpisodes(sessions, resetOn)));
  const { curve, nReversals, meanTrialsToCriterion, winStay, loseShift, recovery } = adaptation;
  const at = (k: number) => curve.pBetter[curve.offsets.indexOf(k)];
  const line =
    `behaviour: ${nReversals} reversals (from the reversal column; better option inferred from reward rates): P(better) ${fixed(at(-1), 3)} before, ` +
    `${fixed(at(0), 3)} at, ${fixed(at(10), 3)} 10 trials after; recovery tau ${fixed(recovery.tau, 2)} trials; trials to criterion ${fixed(meanTrialsToCriterion, 2)}; ` +
    `win-stay ${fixed(winStay, 3)}, lose-shift ${fixed(loseShift, 3)}`;
  const summary = {
    nReversals,
    offsets: Array.from(curve.offsets),
    pBetter: Array.from(curve.pBetter),
    counts: Array.from(curve.counts),
    recovery,
    meanTrialsToCriterion,
    winStay,
    loseShift,
  };
  return { line, summary };
}

/**
 * The cognitive models fitted per subject to all data (`--level individual | hierarchical`):
 * summed AIC and BIC, or iBIC with the group prior, and the typical subject's parameters.
 */
export function formatLevelTable(result: ModelComparison): string | undefined {
  const fits = result.models.flatMap((m) => (m.levelFit ? [m.levelFit] : []));
  if (fits.length === 0) return undefined;
  const hierarchical = result.level === 'hierarchical';
  const show = (values: Record<string, number> | undefined) => (values ? Object.entries(values).map(([k, v]) => `${k} ${v.toPrecision(3)}`).join(', ') : '-');
  const header = hierarchical
    ? ['model', 'NLL at MAP', `iBIC (${fits[0].iBicSamples} prior samples)`, 'group mean (natural units)', 'group mean / variance (unbounded)']
    : ['model', 'NLL', 'AIC (sum)', 'BIC (sum)', 'median subject'];
  const rows = [...fits]
    .sort((a, b) => (hierarchical ? a.iBic! - b.iBic! : a.bic! - b.bic!))
    .map((f) =>
      hierarchical
        ? [f.model, f.nll.toFixed(1), f.iBic!.toFixed(1), show(f.typical), Object.keys(f.groupMean!).map((k) => `${k} ${f.groupMean![k].toFixed(2)} / ${f.groupVariance![k].toFixed(3)}`).join(', ')]
        : [f.model, f.nll.toFixed(1), f.aic!.toFixed(1), f.bic!.toFixed(1), show(f.typical)],
    );
  const title = `${hierarchical ? 'Hierarchical (EM, Laplace; Huys et al. 2011)' : 'Individual (maximum likelihood per subject)'} fits of the cognitive models to all data, ${result.nSubjects} subjects, best first:`;
  return [title, '', `| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * Each network's chosen run of each fold as a checkpoint `checkpoint-<label>-fold<k>.json`
 * (`brain-rnn export` or a scenario's `model.checkpoint` can load it).
 */
export function foldCheckpoints(result: ModelComparison, metadata: Record<string, unknown>): [string, string][] {
  return result.models.flatMap((entry) =>
    (entry.recurrent?.folds ?? []).map((fold, k): [string, string] => [
      `checkpoint-${entry.label.replace(/[^A-Za-z0-9_.-]/g, '_')}-fold${k}.json`,
      serializeCheckpoint(modelFromJSON(fold.model), {
        ...metadata, command: 'fit', model: entry.label, fold: k, cv: result.cv, resetOn: result.resetOn, testUnits: fold.testSubjects,
        validationNll: fold.runs[fold.chosenRun].validationNll, heldOutNllPerChoice: fold.nllPerChoice, inputEncoding: entry.recurrent!.inputEncoding,
      }),
    ]),
  );
}

/** The comparison as a markdown table, best model first. */
export function formatComparisonTable(result: ModelComparison): string {
  const byLabel = new Map(result.models.map((m) => [m.label, m]));
  const nFolds = result.folds.length;
  const header = ['model', 'held-out NLL / choice', ...Array.from({ length: nFolds }, (_, f) => `fold ${f}`), `Δ vs ${result.winner} (± SE)`, `${result.cv ?? 'subject'}s better`];
  const rows = result.ranking.map((label) => {
    const m = byLabel.get(label)!;
    const paired = m.versusWinner;
    return [
      label === result.winner ? `**${label}** (winner)` : label,
      fixed(m.nllPerChoice),
      ...m.foldNllPerChoice.map((v) => fixed(v)),
      paired ? `${paired.meanDifference >= 0 ? '+' : ''}${fixed(paired.meanDifference)} ± ${fixed(paired.standardError)}` : '-',
      paired ? `${paired.nBetter}/${paired.nSubjects}` : '-',
    ];
  });
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

