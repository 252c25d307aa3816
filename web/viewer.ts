/**
 * The viewer page: keeps the run's state from the socket, redraws the charts of the selected agent
 * at most ten times a second (only those whose data changed), and sends pause / resume / speed
 * back to the server. Controlling takes the run's token, which the page reads from its own address
 * (`/?token=…`, as the CLI prints it) and passes on in the socket URL; without one the page only
 * watches (docs/viewer-protocol.md, "Security"). Each redraw's duration is kept in `window.__viewerStats` (the e2e test reads
 * it to check the page stays responsive).
 */
import { PROTOCOL_VERSION, type RunStatus, type ServerMessage } from '../src/protocol/viewerMessages.js';
import { heterogeneityChart } from './charts/heterogeneityChart.js';
import { latentDynamicsChart } from './charts/latentDynamicsChart.js';
import { logitDynamicsChart } from './charts/logitDynamicsChart.js';
import { lossChart } from './charts/lossChart.js';
import { reversalCurveChart } from './charts/reversalCurveChart.js';
import { rewardChart } from './charts/rewardChart.js';
import { spectrumChart } from './charts/spectrumChart.js';
import { stayProbabilityChart } from './charts/stayProbabilityChart.js';
import { weightMetricsChart } from './charts/weightMetricsChart.js';
import { downloadPng, downloadReport, downloadSvg } from './exportCard.js';
import { connectViewer } from './socket.js';
import { ViewerState, type ChartData } from './viewerState.js';
import { lowRankAgents, type ChartView } from './charts/chartHelpers.js';

export interface ViewerStats {
  /** Redraws so far. */
  redraws: number;
  /** Milliseconds of the most recent redraws (at most 1000 kept). */
  durations: number[];
  /** Trials shown by the reward chart at the last redraw. */
  trialsShown: number;
  /** Server messages received. */
  messages: number;
  /** Run state at the last message. */
  state: string;
  /** Per card title: milliseconds of its recent renders (at most 200 kept). */
  charts: Record<string, number[]>;
  /** The slowest redraw so far: its milliseconds and the cards it drew, each with its render time. */
  slowest?: { ms: number; cards: string[] };
}

declare global {
  interface Window {
    __viewerStats: ViewerStats;
  }
}

interface ChartSpec {
  title: string;
  data: ChartData[];
  render: (view: ChartView) => Element;
  /** Redraw at most this often (ms; default every tick): for a costly chart whose data changes every episode. */
  minIntervalMs?: number;
  /** Spans two grid columns (charts with panels per trial type). */
  wide?: boolean;
  /** Whether the card applies to this run and these agents (default: always); a card that does not is hidden. */
  applies?: (view: ChartView) => boolean;
}

const hasLowRank = (view: ChartView) => lowRankAgents(view).length > 0;
const CHARTS: ChartSpec[] = [
  { title: 'Reward rate and P(better option) over trials', data: ['trials'], render: rewardChart },
  { title: 'Reversal-aligned choice', data: ['phases'], render: reversalCurveChart },
  { title: 'Two-stage stay probabilities', data: ['phases'], render: stayProbabilityChart, applies: (view) => view.task === 'two_stage' },
  { title: 'Singular-value spectrum (recurrent weights)', data: ['spectra'], render: spectrumChart, applies: hasLowRank },
  { title: 'Effective rank and γ over training', data: ['weights'], render: weightMetricsChart, applies: hasLowRank },
  { title: 'Response heterogeneity over training', data: ['weights'], render: heterogeneityChart, applies: hasLowRank },
  { title: 'Training losses', data: ['training'], render: lossChart },
  { title: 'Latent dynamics', data: ['latent'], render: latentDynamicsChart, wide: true, applies: hasLowRank },
  { title: 'Logit dynamics', data: ['logits'], render: logitDynamicsChart, wide: true, minIntervalMs: 1000, applies: (view) => view.agents.some((a) => a.info.nActions === 2) },
];
/** The agent menu's value for the compare view (every agent in one chart). */
const ALL_AGENTS = '*';
const MIN_REDRAW_MS = 100;
/**
 * A redraw stops starting new charts after this many milliseconds and leaves the rest to a
 * follow-up task, so no single task blocks the page for long (clicks stay responsive) even when
 * every chart changed at once.
 */
const REDRAW_BUDGET_MS = 16;
const KEPT_DURATIONS = 1000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $('status');
const agentSelect = $<HTMLSelectElement>('agent');
const speedControl = $('speed-control');
const speedSelect = $<HTMLSelectElement>('speed');
const timelineControl = $('timeline-control');
const timeline = $<HTMLInputElement>('timeline');
const timelineValue = $('timeline-value');
/** True while the user holds the timeline's thumb: the run's position must not move it. */
let draggingTimeline = false;
const pauseButton = $<HTMLButtonElement>('pause');
const resumeButton = $<HTMLButtonElement>('resume');
const notice = $('notice');

/** The control token from the page's address; null: viewing only. */
const token = new URLSearchParams(location.search).get('token');

const stats: ViewerStats = { redraws: 0, durations: [], trialsShown: 0, messages: 0, state: 'connecting', charts: {} };
window.__viewerStats = stats;

const state = new ViewerState();
const slots = CHARTS.map((spec) => {
  const card = document.createElement('section');
  card.className = spec.wide ? 'card wide' : 'card';
  const title = document.createElement('h2');
  const name = Object.assign(document.createElement('span'), { className: 'title', textContent: spec.title });
  title.append(name);
  const exports = document.createElement('span');
  exports.className = 'export';
  const svgButton = Object.assign(document.createElement('button'), { type: 'button', textContent: 'SVG', title: `download "${spec.title}" as SVG` });
  const pngButton = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', title: `download "${spec.title}" as PNG` });
  svgButton.addEventListener('click', () => downloadSvg(card, spec.title));
  pngButton.addEventListener('click', () => void downloadPng(card, spec.title).catch((error: Error) => showNotice(error.message)));
  exports.append(svgButton, pngButton);
  title.append(exports);
  const body = document.createElement('div');
  card.append(title, body);
  $('charts').append(card);
  // A chart not drawn yet is estimated at a whole budget: its first render runs code the browser has
  // not compiled yet (the slowest render of every card), so it starts a redraw of its own instead of
  // following other charts in one.
  return { spec, card, body, drawn: '', drawnAt: -Infinity, cost: REDRAW_BUDGET_MS };
});

let connected = false;
let shownRoster = -1;
let lastDraw = -Infinity;
let scheduled = false;
/** Where the last redraw stopped, so a budget-limited redraw never starves the later charts. */
let nextSlot = 0;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function describe(status: RunStatus | undefined): string {
  if (!connected) return '<span class="state disconnected">disconnected</span> (retrying)';
  if (!status) return 'waiting for the run…';
  const parts = [
    `<span class="state ${status.state}">${status.mode} · ${status.state}</span>`,
    escapeHtml(status.scenario),
    `trial ${status.trials.toLocaleString()} / ${status.totalTrials.toLocaleString()}`,
    `${status.episodes} episodes`,
  ];
  if (status.state === 'running') parts.push(`${status.trialsPerSecond.toLocaleString()} trials/s`);
  if (status.mode === 'replay') parts.push(`speed ${status.speed === null ? 'max' : `${status.speed}×`}`);
  if (token === null) parts.push('view only (open the URL the command printed to control the run)');
  return parts.join(' · ');
}

function syncAgents(): void {
  if (shownRoster === state.roster) return;
  shownRoster = state.roster;
  const previous = agentSelect.value;
  agentSelect.replaceChildren(
    new Option('all agents (compare)', ALL_AGENTS),
    ...[...state.agents.values()].map(({ info }) => new Option(`${info.id} (${info.label})`, info.id)),
  );
  agentSelect.value = state.agents.has(previous) ? previous : ALL_AGENTS;
}

/** The speed menu shows the replay's speed as the status line reports it (null = max), adding an entry for a value the menu lacks (`--speed 3`). */
function syncSpeed(speed: number | null | undefined): void {
  if (speed === undefined || document.activeElement === speedSelect) return;
  const value = speed === null ? 'max' : String(speed);
  if (![...speedSelect.options].some((o) => o.value === value)) speedSelect.append(new Option(`${value}×`, value));
  speedSelect.value = value;
}

/** The agents the charts draw: the focused one, or all of them in roster order. */
function chartView(width: number): ChartView {
  const all = [...state.agents.values()];
  const focus = state.agents.get(agentSelect.value);
  return { agents: focus ? [focus] : all, roster: all.map((a) => a.info.id), task: state.status?.task ?? '', width };
}

function draw(continuation = false): void {
  scheduled = false;
  const start = performance.now();
  if (!continuation) lastDraw = start;
  const status = state.status;
  statusLine.innerHTML = describe(status);
  speedControl.hidden = status?.mode !== 'replay';
  speedSelect.disabled = token === null;
  pauseButton.disabled = token === null || !connected || status?.state !== 'running';
  resumeButton.disabled = token === null || !connected || status?.state !== 'paused';
  if (status?.mode === 'replay') syncSpeed(status.speed);
  timelineControl.hidden = status?.mode !== 'replay' || status.totalEpisodes === undefined;
  // A finished replay still seeks while `brain-rnn replay` keeps serving (it refuses with a notice otherwise).
  timeline.disabled = token === null || !connected || !['running', 'paused', 'completed'].includes(status?.state ?? '');
  if (status?.mode === 'replay' && !draggingTimeline) {
    timeline.max = String(status.totalEpisodes ?? 0);
    timeline.value = String(status.episodes);
    timelineValue.textContent = `${status.episodes} / ${status.totalEpisodes ?? '?'}`;
  }
  syncAgents();
  const cards: string[] = [];
  if (state.agents.size > 0) {
    let drawn = 0;
    // Which cards show first, then every width in one layout: reading a width after a chart was
    // replaced would force a layout of the whole page per chart.
    for (const slot of slots) slot.card.hidden = !(slot.spec.applies?.(chartView(0)) ?? true);
    const widths = slots.map((slot) => Math.max(280, slot.card.clientWidth - 22));
    for (let k = 0; k < slots.length; k++) {
      const index = (nextSlot + k) % slots.length;
      const slot = slots[index];
      if (slot.card.hidden) continue;
      const width = widths[index];
      const view = chartView(width);
      const key = [agentSelect.value, state.roster, width, ...view.agents.flatMap((a) => slot.spec.data.map((d) => a.versions[d]))].join('|');
      if (key === slot.drawn) continue;
      const now = performance.now();
      const due = slot.drawnAt + (slot.spec.minIntervalMs ?? 0);
      if (now < due && slot.drawn.startsWith(`${agentSelect.value}|${state.roster}|${width}|`)) {
        // Not yet: a later tick draws it (the data keeps changing while the run plays).
        setTimeout(requestRedraw, due - now);
        continue;
      }
      // Stop before a chart that would take the task past the budget (its last render time as the estimate).
      if (drawn > 0 && now - start + slot.cost > REDRAW_BUDGET_MS) {
        nextSlot = index;
        scheduled = true;
        setTimeout(() => draw(true), 0);
        break;
      }
      const began = performance.now();
      slot.body.replaceChildren(slot.spec.render(view));
      const took = performance.now() - began;
      slot.cost = took;
      cards.push(`${slot.spec.title} ${took.toFixed(1)} ms`);
      slot.drawnAt = began;
      const times = (stats.charts[slot.spec.title] ??= []);
      times.push(took);
      if (times.length > 200) times.shift();
      slot.drawn = key;
      drawn += 1;
      if (index === 0) stats.trialsShown = Math.max(0, ...view.agents.map((a) => a.trials.x.at(-1) ?? 0));
    }
  }
  stats.redraws += 1;
  const duration = performance.now() - start;
  stats.durations.push(duration);
  if (duration > (stats.slowest?.ms ?? -1)) stats.slowest = { ms: duration, cards };
  if (stats.durations.length > KEPT_DURATIONS) stats.durations.shift();
}

function requestRedraw(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => draw(), Math.max(0, lastDraw + MIN_REDRAW_MS - performance.now()));
}

function showNotice(text: string): void {
  notice.textContent = text;
  setTimeout(() => {
    if (notice.textContent === text) notice.textContent = '';
  }, 5000);
}

const socket = connectViewer({
  url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`,
  onMessage: (message: ServerMessage) => {
    stats.messages += 1;
    if (message.type === 'notice') return showNotice(message.message);
    state.apply(message);
    stats.state = message.status.state;
    requestRedraw();
  },
  onConnection: (isConnected) => {
    connected = isConnected;
    requestRedraw();
  },
});

pauseButton.addEventListener('click', () => socket.send({ type: 'pause', v: PROTOCOL_VERSION }));
resumeButton.addEventListener('click', () => socket.send({ type: 'resume', v: PROTOCOL_VERSION }));
speedSelect.addEventListener('change', () => {
  const value = speedSelect.value;
  socket.send({ type: 'speed', v: PROTOCOL_VERSION, speed: value === 'max' ? 'max' : Number(value) });
});
// The timeline seeks when the thumb is released (a drag sends one seek, not one per pixel).
timeline.addEventListener('input', () => {
  draggingTimeline = true;
  timelineValue.textContent = `${timeline.value} / ${timeline.max}`;
});
timeline.addEventListener('change', () => {
  draggingTimeline = false;
  socket.send({ type: 'seek', v: PROTOCOL_VERSION, episode: Number(timeline.value) });
});
$('save-report').addEventListener('click', () => {
  const cards = slots.filter((slot) => !slot.card.hidden).map((slot) => slot.card);
  downloadReport(cards, statusLine.textContent ?? '', state.status?.scenario ?? 'run');
});
agentSelect.addEventListener('change', requestRedraw);
window.addEventListener('resize', requestRedraw);
