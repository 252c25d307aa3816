/**
 * What the charts share: the view they draw (the agents shown and one fixed colour per agent, the
 * same in every card), long-format rows from decimated series (what Plot's line marks take with a
 * `stroke` channel) and the placeholder shown when there is no such data yet.
 */
import * as Plot from '@observablehq/plot';
import type { DecimatedSeries } from '../../src/protocol/decimatedSeries.js';
import type { AgentData } from '../viewerState.js';

/** Tableau 10: one colour per agent, in the order of the run's roster. */
export const AGENT_PALETTE = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'];

/** What a chart draws: the agents shown (one, or all to compare) and the colour of every agent of the run. */
export interface ChartView {
  /** The agents to draw, in roster order. */
  agents: AgentData[];
  /** Every agent id of the run, in roster order: the colour domain (so a colour never changes with the focus). */
  roster: string[];
  /** The run's task (`reversal`, `two_stage`, ...). */
  task: string;
  /** Width of the chart in pixels. */
  width: number;
}

/**
 * Plot's colour scale of the agents: each id keeps its roster colour whichever agents are drawn.
 * @example
 * Plot.plot({ color: agentColor(view), marks: [Plot.line(rows, { stroke: 'agent' })] });
 */
export function agentColor(view: Pick<ChartView, 'roster' | 'agents'>, legend = true) {
  const shown = new Set(view.agents.map((a) => a.info.id));
  const domain = view.roster.filter((id) => shown.has(id));
  const range = domain.map((id) => AGENT_PALETTE[view.roster.indexOf(id) % AGENT_PALETTE.length]);
  return { legend, domain, range };
}

/** The colour of one agent of the roster. */
export function colorOf(roster: string[], id: string): string {
  return AGENT_PALETTE[Math.max(0, roster.indexOf(id)) % AGENT_PALETTE.length];
}

export interface SeriesRow {
  x: number;
  value: number;
  measure: string;
  agent: string;
}

/**
 * One row per (agent, entry, named column), skipping missing values; `labels` maps column names to legend text.
 * @example
 * const rows = seriesRows(view.agents, (a) => a.training, { loss: 'loss', taskLoss: 'task loss' });
 */
export function seriesRows(agents: AgentData[], pick: (agent: AgentData) => DecimatedSeries, labels: Record<string, string>): SeriesRow[] {
  const rows: SeriesRow[] = [];
  for (const agent of agents) {
    const series = pick(agent);
    for (const [name, measure] of Object.entries(labels)) {
      const column = series.values[name];
      if (!column) continue;
      for (let i = 0; i < series.x.length; i++) {
        const value = column[i];
        if (value !== null && Number.isFinite(value)) rows.push({ x: series.x[i], value, measure, agent: agent.info.id });
      }
    }
  }
  return rows;
}

/** The low-rank agents among those shown (the only ones with a recurrent weight matrix W = m nᵀ + M Nᵀ). */
export const lowRankAgents = (view: ChartView) => view.agents.filter((a) => a.info.kind === 'low_rank');

/** A grey line of text standing in for a chart. */
export function emptyChart(message: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = message;
  return p;
}

/** Several small plots side by side (wrapping) under one legend of the agents they draw, as one chart. */
export function panels(view: Pick<ChartView, 'roster' | 'agents'>, children: Element[]): HTMLElement {
  const chart = document.createElement('div');
  const box = document.createElement('div');
  box.className = 'pair';
  box.append(...children);
  chart.append(Plot.legend({ color: agentColor(view) }), box);
  return chart;
}

/** A one-line key for what line styles mean (colour always means the agent). */
export function styleKey(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'key';
  p.textContent = text;
  return p;
}
