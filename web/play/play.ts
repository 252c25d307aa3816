/**
 * The task page of `brain-rnn play`: instructions, then the session's trials (TrialView), then
 * the end screen. The page plays the task itself with the session's seed (the ParticipantTask of
 * src/tasks, the code the agents play) and posts each finished trial to its server, which stores
 * it before the next trial starts. A reopened page resumes where the session stopped: it replays
 * the stored choices into its own copy of the task.
 */
import { ParticipantTask, type ParticipantTrial } from '../../src/tasks/participantTask.js';
import { instructionsHtml, TrialView, delay, type TrialPhase, type TrialTiming } from './trialView.js';

interface SessionInfo {
  task: string;
  seed: number;
  nTrials: number;
  options: Record<string, unknown>;
  participant: string;
  timing: TrialTiming;
  played: { choice: number; stage2Choice: number; rt: number | null; rt2: number | null }[];
}

type PageState = 'loading' | 'instructions' | TrialPhase | 'end' | 'error';

const pageTrials: { state: number; reward: number }[] = [];
(window as unknown as { __pageTrials: typeof pageTrials }).__pageTrials = pageTrials;

const token = new URLSearchParams(location.search).get('token') ?? '';
const api = (path: string) => `${path}?token=${encodeURIComponent(token)}`;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  const screen = state === 'loading' || state === 'instructions' || state === 'end' || state === 'error' ? state : 'trial';
  for (const name of ['loading', 'instructions', 'trial', 'end', 'error']) $(`screen-${name}`).hidden = name !== screen;
}

function showProgress(done: number, total: number): void {
  $('progress').hidden = false;
  $('progress-text').textContent = `Trial ${Math.min(done + 1, total)} of ${total}`;
  $('progress-fill').style.width = `${(100 * done) / total}%`;
  $('progress-bar').setAttribute('aria-valuemax', String(total));
  $('progress-bar').setAttribute('aria-valuenow', String(done));
}

function fail(message: string): void {
  $('error').textContent = message;
  setState('error');
}

async function fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(api(path), init);
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** Wait for Space or the Start button. */
function waitForStart(): Promise<void> {
  return new Promise((resolve) => {
    const start = $<HTMLButtonElement>('start');
    const done = () => {
      document.removeEventListener('keydown', onKey);
      start.removeEventListener('click', done);
      resolve();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === ' ' && !event.repeat) {
        event.preventDefault();
        done();
      }
    };
    document.addEventListener('keydown', onKey);
    start.addEventListener('click', done);
    start.focus();
  });
}

async function main(): Promise<void> {
  const info = await fetchJson<SessionInfo>('/session');
  const session = new ParticipantTask({ task: info.task, seed: info.seed, nTrials: info.nTrials, options: info.options });
  for (const p of info.played) session.play(p.choice, p.stage2Choice < 0 ? undefined : p.stage2Choice, p.rt ?? NaN, p.rt2 ?? NaN);
  const twoStage = info.task === 'two_stage';
  $('title').textContent = twoStage ? 'Rockets and aliens' : 'Two machines';
  document.title = $('title').textContent!;
  if (session.done) return finish(session);
  const resumed = info.played.length > 0 ? `<p><b>Welcome back:</b> you have played ${info.played.length} of ${info.nTrials} trials. You go on from there.</p>` : '';
  $('instructions-text').innerHTML = instructionsHtml(info.task, info.nTrials, Number(info.options.commonTransitionProb ?? 0.8)) + resumed;
  showProgress(session.trials.length, info.nTrials);
  setState('instructions');
  await waitForStart();

  addEventListener('pagehide', () => {
    if (!session.done) navigator.sendBeacon(api('/left'));
  });
  const view = new TrialView($('screen-trial'), setState);
  while (!session.done) {
    showProgress(session.trials.length, info.nTrials);
    // The outcome stays on screen while the trial is stored; the next trial waits for both.
    const trial = await view.play(session, { ...info.timing, feedbackMs: 0 });
    // What the page's own task gave, for the browser tests (the server checks it too).
    pageTrials.push({ state: trial.stage2State, reward: trial.reward });
    await Promise.all([post(trial), delay(info.timing.feedbackMs)]);
  }
  view.dispose();
  finish(session);
}

function post(trial: ParticipantTrial): Promise<unknown> {
  const { trial: index, choice, stage2Choice, stage2State, reward, rt, rt2 } = trial;
  const body = { trial: index, choice, reward, rt: Number.isNaN(rt) ? null : rt, ...(stage2State >= 0 && { stage2State, stage2Choice, rt2: Number.isNaN(rt2) ? null : rt2 }) };
  return fetchJson('/trial', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function finish(session: ParticipantTask): void {
  const points = session.trials.reduce((sum, t) => sum + t.reward, 0);
  showProgress(session.nTrials, session.nTrials);
  $('progress-text').textContent = `${session.nTrials} of ${session.nTrials} trials`;
  $('end-text').textContent = `You ${session.type === 'two_stage' ? 'found treasure' : 'won a point'} on ${points} of ${session.nTrials} trials.`;
  setState('end');
}

main().catch((error: unknown) => fail((error as Error).message));
