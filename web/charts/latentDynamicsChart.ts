/**
 * Latent dynamics of low-rank agents (Mastrogiuseppe & Ostojic 2018): per agent, in the plane of
 * its two leading latent coordinates (z1, z2 along the leading right singular vectors of
 * W = m nᵀ + M Nᵀ), the flow of the autonomous map under the resting input (arrows), its fixed
 * points (filled: stable, open: unstable), the fixed points under each outcome's input (diamonds
 * in the outcome's colour: where trials of that outcome pull the state) and a few sessions'
 * trajectories over the last trials, each state coloured by the outcome it just took in (action ×
 * reward). Each agent has its own
 * plane, so agents are drawn side by side, titled in their roster colour.
 */
import * as Plot from '@observablehq/plot';
import type { LatentDynamicsView } from '../../src/protocol/viewerMessages.js';
import { colorOf, emptyChart, lowRankAgents, type ChartView } from './chartHelpers.js';
import { pathArrows, pathDots } from './pathMarks.js';

/** Outcome colours: the action's hue, dark when rewarded. */
export const OUTCOME_COLORS = { a0r1: '#2166ac', a0r0: '#92c5de', a1r1: '#b2182b', a1r0: '#f4a582', start: '#999999' } as const;

function portrait(latent: LatentDynamicsView, width: number, legend: boolean): Element {
  const arrows = latent.flow.z1.flatMap((z1, i) => {
    const z2 = latent.flow.z2[i], dz1 = latent.flow.dz1[i], dz2 = latent.flow.dz2[i];
    if (z1 === null || z2 === null || dz1 === null || dz2 === null) return [];
    // Plot's rotate is clockwise from up, in degrees.
    return [{ z1, z2, length: Math.hypot(dz1, dz2), rotate: (Math.atan2(dz1, dz2) * 180) / Math.PI }];
  });
  const path = latent.trajectories.flatMap((t, session) => t.z1.map((z1, i) => ({ session, z1, z2: t.z2[i], outcome: t.labels[i] })));
  const points = latent.fixedPoints.map((p) => ({ ...p, kind: p.stable ? 'stable' : 'unstable' }));
  const conditioned = latent.conditionedFixedPoints.map((p) => ({ ...p, kind: p.stable ? 'stable' : 'unstable' }));
  const domain = Object.keys(OUTCOME_COLORS).filter((label) => path.some((p) => p.outcome === label) || conditioned.some((p) => p.label === label));
  return Plot.plot({
    width, height: width * 0.8, marginLeft: 40,
    x: { label: 'z1 (leading latent coordinate)' },
    y: { label: 'z2', grid: true },
    length: { range: [2, 14] },
    color: { legend, domain, range: domain.map((d) => OUTCOME_COLORS[d as keyof typeof OUTCOME_COLORS]) },
    marks: [
      Plot.vector(arrows, { x: 'z1', y: 'z2', length: 'length', rotate: 'rotate', stroke: '#bbb', strokeWidth: 1, render: pathArrows() }),
      Plot.line(path, { x: 'z1', y: 'z2', z: 'session', stroke: '#777', strokeOpacity: 0.35, strokeWidth: 0.8 }),
      Plot.dot(path, { x: 'z1', y: 'z2', fill: 'outcome', r: 2.2, render: pathDots(2.2) }),
      // Under each outcome's input: diamonds in the outcome's colour, filled when stable.
      Plot.dot(conditioned.filter((p) => p.stable), { x: 'z1', y: 'z2', r: 5, symbol: 'diamond2', fill: 'label', stroke: 'black', strokeWidth: 0.8, title: (p) => `${p.kind} fixed point under ${p.label}'s input, |λ|max ${p.maxModulus?.toFixed(3)}` }),
      Plot.dot(conditioned.filter((p) => !p.stable), { x: 'z1', y: 'z2', r: 5, symbol: 'diamond2', fill: 'white', stroke: 'label', strokeWidth: 1.5, title: (p) => `${p.kind} fixed point under ${p.label}'s input, |λ|max ${p.maxModulus?.toFixed(3)}` }),
      Plot.dot(points, { x: 'z1', y: 'z2', r: 5, stroke: 'black', strokeWidth: 1.5, fill: (p) => (p.stable ? 'black' : 'white'), title: (p) => `${p.kind} fixed point at rest, |λ|max ${p.maxModulus?.toFixed(3)}` }),
    ],
  });
}

/**
 * Each agent's drawn portrait, by the data it shows: an agent's latent dynamics arrive as a new
 * object when its model is published, so a card redrawn because another agent's changed reuses
 * this one's figure (moved into the new card) instead of drawing it again.
 */
const drawn = new WeakMap<LatentDynamicsView, { width: number; legend: boolean; figure: Element }>();

function cachedPortrait(latent: LatentDynamicsView, width: number, legend: boolean): Element {
  const cached = drawn.get(latent);
  if (cached && cached.width === width && cached.legend === legend) return cached.figure;
  const figure = portrait(latent, width, legend);
  drawn.set(latent, { width, legend, figure });
  return figure;
}

/**
 * @example
 * card.replaceChildren(latentDynamicsChart({ agents, roster, task: 'reversal', width: 860 }));
 */
export function latentDynamicsChart(view: ChartView): Element {
  const agents = lowRankAgents(view).filter((a) => a.latentDynamics);
  if (agents.length === 0) return emptyChart('no weights published yet');
  const width = agents.length === 1 ? Math.min(view.width, 520) : Math.floor((view.width - 8 * (agents.length - 1)) / agents.length);
  const box = document.createElement('div');
  box.className = 'pair';
  agents.forEach((agent, i) => {
    const latent = agent.latentDynamics!;
    const panel = document.createElement('figure');
    panel.className = 'panel';
    panel.style.width = `${Math.max(240, width)}px`;
    const title = document.createElement('figcaption');
    title.style.color = colorOf(view.roster, agent.info.id);
    const stable = latent.fixedPoints.filter((p) => p.stable).length;
    const conditionedStable = latent.conditionedFixedPoints.filter((p) => p.stable).length;
    title.textContent = `${agent.info.id} · update ${latent.update} · fixed points at rest: ${stable} stable ●, ${latent.fixedPoints.length - stable} unstable ○` +
      (latent.conditionedFixedPoints.length > 0 ? ` · under each outcome's input: ${conditionedStable} stable ◆, ${latent.conditionedFixedPoints.length - conditionedStable} unstable ◇` : '');
    panel.append(title, cachedPortrait(latent, Math.max(240, width), i === 0));
    box.append(panel);
  });
  return box;
}
