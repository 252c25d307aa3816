/**
 * Small helpers the charts share: long-format rows from a decimated series (what Plot's line marks
 * take with a `stroke` channel) and the placeholder shown when an agent has no such data.
 */
import type { DecimatedSeries } from '../../src/protocol/decimatedSeries.js';

export interface SeriesRow {
  x: number;
  value: number;
  measure: string;
}

/**
 * One row per (entry, named column), skipping missing values; `labels` maps column names to legend text.
 * @example
 * const rows = seriesRows(agent.training, { loss: 'loss', taskLoss: 'task loss' });
 */
export function seriesRows(series: DecimatedSeries, labels: Record<string, string>): SeriesRow[] {
  const rows: SeriesRow[] = [];
  for (const [name, measure] of Object.entries(labels)) {
    const column = series.values[name];
    if (!column) continue;
    for (let i = 0; i < series.x.length; i++) {
      const value = column[i];
      if (value !== null && Number.isFinite(value)) rows.push({ x: series.x[i], value, measure });
    }
  }
  return rows;
}

/** A grey line of text standing in for a chart. */
export function emptyChart(message: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = message;
  return p;
}
