/**
 * One trial on screen: two options chosen with F (left, choice 0) or J (right, choice 1) or a
 * click, the two-stage transition, and the outcome. The task page (play.ts) and the jsPsych
 * plugin (web/jspsych) both draw trials with it, so a person sees the same thing in either; the
 * task itself is the ParticipantTask of src/tasks, the code the agents play.
 */
import type { ParticipantTask, ParticipantTrial } from '../../src/tasks/participantTask.js';

/** Which part of a trial is on screen (the page's `data-state`). */
export type TrialPhase = 'choice' | 'transition' | 'stage2' | 'feedback';

export interface TrialTiming {
  /** How long the outcome stays on screen (ms). */
  feedbackMs: number;
  /** Two-stage: how long the transition shows before the second-stage options (ms). */
  transitionMs: number;
}

/** Scoped under .brain-rnn-task so that it can sit inside a jsPsych page. */
export const TRIAL_STYLE = `
.brain-rnn-task { --ink: #111; --line: #1f1f1f; --focus: #0747a6; --good: #0a5c2a; --good-bg: #dff3e5; --none-bg: #ececec; color: var(--ink); text-align: center; font-size: 20px; line-height: 1.45; }
.brain-rnn-task kbd { display: inline-block; min-width: 1.6em; padding: 0 6px; border: 2px solid var(--line); border-bottom-width: 4px; border-radius: 6px; font: 600 18px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #fafafa; color: var(--ink); }
.brain-rnn-task .prompt { font-size: 24px; margin: 0 0 28px; min-height: 1.5em; }
.brain-rnn-task .options { display: flex; justify-content: center; gap: 96px; }
.brain-rnn-task .option { width: 300px; height: 260px; border: 4px solid var(--line); border-radius: 18px; background: #fff; color: var(--ink); font: inherit; cursor: pointer; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 14px; }
.brain-rnn-task .option:focus-visible { outline: 4px solid var(--focus); outline-offset: 4px; }
.brain-rnn-task .option .symbol { font-size: 84px; line-height: 1; }
.brain-rnn-task .option .name { font-size: 22px; font-weight: 600; }
.brain-rnn-task .option[disabled] { cursor: default; }
.brain-rnn-task .option.chosen { border-width: 8px; background: #f1f5ff; }
.brain-rnn-task .option.faded { opacity: 0.6; }
.brain-rnn-task.state-0 .option { border-color: #8a1c1c; }
.brain-rnn-task.state-1 .option { border-color: #4b2a82; }
.brain-rnn-task .banner { margin: 28px auto 0; max-width: 960px; padding: 16px 24px; border-radius: 12px; font-size: 26px; font-weight: 700; min-height: 1.5em; }
.brain-rnn-task .banner.reward { background: var(--good-bg); color: var(--good); border: 3px solid var(--good); }
.brain-rnn-task .banner.no-reward { background: var(--none-bg); color: #222; border: 3px solid #555; }
.brain-rnn-task .banner.transition { background: #fff; border: 3px dashed var(--line); font-weight: 600; }
.brain-rnn-task .banner[hidden] { visibility: hidden; display: block; }
.brain-rnn-task .planet-0 { color: #8a1c1c; }
.brain-rnn-task .planet-1 { color: #4b2a82; }
`;

const MARKUP = `
<p class="prompt" data-part="prompt"></p>
<div class="options">
  <button class="option" id="option-left" type="button" data-choice="0"><span class="symbol"></span><span class="name"></span><kbd>F</kbd></button>
  <button class="option" id="option-right" type="button" data-choice="1"><span class="symbol"></span><span class="name"></span><kbd>J</kbd></button>
</div>
<p class="banner" data-part="banner" role="status" aria-live="assertive" hidden>&nbsp;</p>`;

interface OptionLabel {
  symbol: string;
  name: string;
}

const PLANETS = ['Red planet', 'Purple planet'];
const LABELS = {
  bandit: [{ symbol: '◆', name: 'Machine A' }, { symbol: '●', name: 'Machine B' }],
  rockets: [{ symbol: '▲', name: 'Rocket A' }, { symbol: '■', name: 'Rocket B' }],
  aliens: [
    [{ symbol: '✦', name: 'Red alien 1' }, { symbol: '✚', name: 'Red alien 2' }],
    [{ symbol: '✦', name: 'Purple alien 1' }, { symbol: '✚', name: 'Purple alien 2' }],
  ],
} satisfies Record<string, OptionLabel[] | OptionLabel[][]>;

/** Instructions for a task, as HTML (short: one screen at 1280×720). */
export function instructionsHtml(task: string, nTrials: number, commonTransitionProb = 0.8): string {
  const keys = 'Choose the left option with <kbd>F</kbd> and the right one with <kbd>J</kbd> (or click it).';
  if (task === 'two_stage') {
    const usual = Math.round(commonTransitionProb * 10);
    return `<h2>Rockets and aliens</h2>
<p>On each of the ${nTrials} trials you first choose a <b>rocket</b>. Each rocket usually flies to one planet (${usual} times in 10) and sometimes to the other.</p>
<p>On the planet you choose an <b>alien</b>. Each alien gives treasure with a chance that changes slowly over the game. Try to collect as much treasure as you can.</p>
<p>${keys}</p>`;
  }
  const change = task === 'reversal' ? 'From time to time the better machine and the worse one swap.' : 'Their chances drift over time, and sometimes they swap.';
  return `<h2>Two machines</h2>
<p>On each of the ${nTrials} trials you choose one of two <b>machines</b>. Each pays a point with its own chance; one is better than the other. ${change}</p>
<p>Try to win as many points as you can.</p>
<p>${keys}</p>`;
}

/**
 * @example
 * const view = new TrialView(document.querySelector('#screen-trial')!, (phase) => (document.body.dataset.state = phase));
 * const trial = await view.play(session, { feedbackMs: 1000, transitionMs: 1000 });
 */
export class TrialView {
  private readonly prompt: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private resolveChoice: ((choice: number) => void) | undefined;
  private readonly onKey = (event: KeyboardEvent) => {
    if (event.repeat || !this.resolveChoice) return;
    const key = event.key.toLowerCase();
    if (key === 'f' || key === 'j') {
      event.preventDefault();
      this.take(key === 'f' ? 0 : 1);
    }
  };

  /**
   * Draws into `root`; `onPhase` hears each part of the trial as it shows (the second stage with
   * the state reached); keys are read from `keyTarget` (default the document; a jsPsych trial
   * passes its display container, where jsPsych's simulated key presses land).
   */
  constructor(
    private readonly root: HTMLElement,
    private readonly onPhase: (phase: TrialPhase, state?: number) => void = () => {},
    private readonly keyTarget: EventTarget = root.ownerDocument,
  ) {
    root.classList.add('brain-rnn-task');
    root.innerHTML = MARKUP;
    const style = root.ownerDocument.createElement('style');
    style.textContent = TRIAL_STYLE;
    root.prepend(style);
    this.prompt = root.querySelector('[data-part="prompt"]')!;
    this.banner = root.querySelector('[data-part="banner"]')!;
    this.buttons = [...root.querySelectorAll<HTMLButtonElement>('.option')];
    this.buttons.forEach((button, choice) => button.addEventListener('click', () => this.take(choice)));
    keyTarget.addEventListener('keydown', this.onKey as EventListener);
  }

  /** Stop listening to the keyboard (the jsPsych trial ended). */
  dispose(): void {
    this.keyTarget.removeEventListener('keydown', this.onKey as EventListener);
  }

  /** Play the session's next trial with a person's choices; resolves once its outcome has shown. */
  async play(session: ParticipantTask, timing: TrialTiming): Promise<ParticipantTrial> {
    const twoStage = session.type === 'two_stage';
    this.root.classList.remove('state-0', 'state-1');
    const first = await this.ask(twoStage ? 'Choose a rocket' : 'Choose a machine', twoStage ? LABELS.rockets : LABELS.bandit, 'choice');
    let result = session.choose(first.choice, first.rt);
    if (result.stage === 'second') {
      const { state, common } = result;
      this.onPhase('transition');
      this.show(`${LABELS.rockets[first.choice].name} flew to the <span class="planet-${state}">${PLANETS[state]}</span> (${common ? 'its usual route' : 'a rare route'})`, 'transition');
      await delay(timing.transitionMs);
      this.root.classList.add(`state-${state}`);
      const second = await this.ask(`<span class="planet-${state}">${PLANETS[state]}</span>: choose an alien`, LABELS.aliens[state], 'stage2', state);
      result = session.chooseSecond(second.choice, second.rt);
    }
    const trial = (result as { trial: ParticipantTrial }).trial;
    this.onPhase('feedback');
    const win = twoStage ? 'Treasure! +1' : '+1 point';
    const none = twoStage ? 'No treasure' : 'No point';
    this.show(trial.reward === 1 ? win : none, trial.reward === 1 ? 'reward' : 'no-reward');
    await delay(timing.feedbackMs);
    return trial;
  }

  private async ask(prompt: string, labels: OptionLabel[], phase: TrialPhase, state?: number): Promise<{ choice: number; rt: number }> {
    this.prompt.innerHTML = prompt;
    this.banner.hidden = true;
    this.buttons.forEach((button, i) => {
      button.querySelector('.symbol')!.textContent = labels[i].symbol;
      button.querySelector('.name')!.textContent = labels[i].name;
      button.classList.remove('chosen', 'faded');
      button.disabled = false;
      button.setAttribute('aria-label', `${labels[i].name} (key ${i === 0 ? 'F' : 'J'})`);
    });
    const shown = performance.now();
    this.onPhase(phase, state);
    const choice = await new Promise<number>((resolve) => (this.resolveChoice = resolve));
    const rt = Math.round((performance.now() - shown) * 10) / 10;
    this.buttons.forEach((button, i) => {
      button.disabled = true;
      button.classList.toggle('chosen', i === choice);
      button.classList.toggle('faded', i !== choice);
    });
    return { choice, rt };
  }

  private take(choice: number): void {
    const resolve = this.resolveChoice;
    this.resolveChoice = undefined;
    resolve?.(choice);
  }

  private show(html: string, kind: 'reward' | 'no-reward' | 'transition'): void {
    this.banner.innerHTML = html;
    this.banner.className = `banner ${kind}`;
    this.banner.hidden = false;
  }
}

/** Wait `ms` (the page's timers: the task code itself never reads a clock). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
