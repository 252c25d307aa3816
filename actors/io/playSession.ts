/**
 * A person's session as `brain-rnn play` runs it, without the terminal (tests call it directly):
 * the task page's server, the trials CSV rewritten atomically after every trial, and with a
 * recording the run's events, recorded and shown in the live viewer.
 */
import { basename, dirname } from 'node:path';
import { formatTrialsCsv } from '../../src/data/trialsCsv.js';
import { participantTrialsSession } from '../../src/data/participantTrials.js';
import { ParticipantTask, type ParticipantTrial } from '../../src/tasks/participantTask.js';
import { ViewerHub } from '../server/viewerHub.js';
import { startPlayServer, type PlayTiming } from '../server/playServer.js';
import { startViewerServer, type ViewerServer } from '../server/viewerServer.js';
import { writeAtomically } from './outputFolder.js';
import { ParticipantRun, participantScenario } from './participantRun.js';

export interface PlaySessionOptions {
  task: string;
  taskOptions?: Record<string, unknown>;
  /** Number of trials. */
  trials: number;
  seed: number;
  participant: string;
  /** Port of the task page (0: any free port). */
  port?: number;
  /** The trials CSV. */
  out: string;
  /** Recording path; with it the live viewer is served too. */
  record?: string;
  force?: boolean;
  /** Page timing (tests shorten it). */
  timing?: Partial<PlayTiming>;
  /** Session token (default: random). */
  token?: string;
  /** Progress lines (default: none). */
  log?: (message: string) => void;
}

export interface PlaySessionResult {
  status: 'completed' | 'stopped';
  trials: number;
}

export interface PlaySession {
  /** The task page, with its token. */
  url: string;
  /** The live viewer (with --record). */
  viewerUrl?: string;
  /** The server's copy of the session. */
  session: ParticipantTask;
  /** Settles when the last trial is stored (or `stop()` was called); the viewer stays until `stop()`. */
  done: Promise<PlaySessionResult>;
  /** End early (Ctrl-C): what was stored stays; the recording ends with run.stopped. */
  stop(reason?: string): Promise<PlaySessionResult>;
}

/**
 * @example
 * const play = await startPlaySession({ task: 'reversal', trials: 50, seed: 3, participant: 'P01', out: 'p01.csv' });
 * console.log(play.url);
 * await play.done;
 */
export async function startPlaySession(options: PlaySessionOptions): Promise<PlaySession> {
  const { task, taskOptions = {}, trials, seed, participant, port = 0, out, record, force, timing, token, log = () => {} } = options;
  const session = new ParticipantTask({ task, seed, nTrials: trials, options: taskOptions });
  const scenario = participantScenario({ task, taskOptions, seed, nTrials: trials, participant });
  let viewer: { hub: ViewerHub; server: ViewerServer } | undefined;
  let run: ParticipantRun | undefined;
  const store = (trial: ParticipantTrial) => {
    const csv = formatTrialsCsv([participantTrialsSession(session.trials, { task, subject: participant })], { includeReactionTimes: true });
    writeAtomically(dirname(out), basename(out), csv);
    run?.trial(trial);
    run?.flush();
    log(`trial ${trial.trial + 1}/${trials}: choice ${trial.choice}${trial.stage2State >= 0 ? `, state ${trial.stage2State}, stage-2 choice ${trial.stage2Choice}` : ''}, reward ${trial.reward}`);
  };

  let settle!: (result: PlaySessionResult) => void;
  const done = new Promise<PlaySessionResult>((resolve) => (settle = resolve));
  let ending: Promise<PlaySessionResult> | undefined;
  const end = (status: PlaySessionResult['status'], reason?: string) => {
    ending ??= (async () => {
      await server.close();
      try {
        await run?.end(status, reason);
      } finally {
        viewer?.hub.end(status);
      }
      const result = { status, trials: session.trials.length };
      settle(result);
      return result;
    })();
    return ending;
  };
  const server = await startPlayServer({
    session, participant, taskOptions, port, timing, token, log,
    onTrial: store,
    onFinished: () => void end('completed'),
    onLeft: (n) => log(`the task page was closed or reloaded after ${n} of ${trials} trials; ${out} holds them. Reopen the URL to go on, or press Ctrl-C to end.`),
  });
  // The page is served first: a busy --port then leaves no recording behind. No trial can arrive
  // before the URL (with its token) is returned.
  if (record) {
    try {
      const hub = new ViewerHub({ mode: 'live' });
      run = new ParticipantRun({ scenario, record, force, onEvent: (event) => hub.event(event), onAnalysis: (output) => hub.analysis(output) });
      viewer = { hub, server: await startViewerServer({ hub, port: 0 }) };
    } catch (error) {
      await server.close();
      await run?.end('stopped', 'the viewer could not start').catch(() => {});
      throw error;
    }
  }
  const closeViewer = async () => viewer?.server.close();
  return {
    url: server.url,
    viewerUrl: viewer?.server.controlUrl,
    session,
    done,
    stop: async (reason = 'stopped before the last trial') => {
      const result = await end('stopped', reason);
      await closeViewer();
      return result;
    },
  };
}

/**
 * What the command does: start, print the URLs, wait for the last trial or Ctrl-C. With a
 * recording the viewer keeps showing the session until Ctrl-C.
 */
export async function runPlay(options: Omit<PlaySessionOptions, 'log'>): Promise<PlaySessionResult> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const play = await startPlaySession({ ...options, log });
  process.stderr.write(`${options.task}, ${options.trials} trials, seed ${options.seed}, participant ${JSON.stringify(options.participant)}; trials go to ${options.out}\n`);
  if (play.viewerUrl) process.stderr.write(`viewer: ${play.viewerUrl}\n`);
  process.stderr.write('task page (open it in a browser on this machine):\n');
  process.stdout.write(`${play.url}\n`);
  const interrupted = new Promise<PlaySessionResult>((resolve) => process.once('SIGINT', () => resolve(play.stop('interrupted'))));
  const result = await Promise.race([play.done, interrupted]);
  process.stderr.write(result.status === 'completed' ? `done: ${result.trials} trials in ${options.out}\n` : `stopped: ${result.trials} of ${options.trials} trials in ${options.out}\n`);
  if (options.record) {
    process.stderr.write(`recorded to ${options.record}\n`);
    if (result.status === 'completed') {
      process.stderr.write(`the viewer stays at ${play.viewerUrl} (Ctrl-C to quit)\n`);
      await interrupted;
    }
  }
  process.exit(0);
}
