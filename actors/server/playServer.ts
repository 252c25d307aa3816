/**
 * The task page's server (`brain-rnn play`): `node:http` on 127.0.0.1 serves web/play (the page
 * and its bundle, which runs the task code of src/tasks in the browser) and takes each finished
 * trial as a POST. The page plays the task itself, so feedback never waits for the network; the
 * server plays the same seeded task with the same choices as a witness and refuses a trial whose
 * state or reward differ, so the file holds only trials the task really produced.
 *
 * Requests are guarded as the viewer's are (requestGuard.ts: own Host, own Origin), and only a
 * client with the session's token (in the printed URL, as the viewer's control token) may read
 * the session or add a trial. Nothing here talks to any other machine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pageAssets } from './bundleViewer.js';
import { MIN_TOKEN_LENGTH, newControlToken, sameToken } from './controlToken.js';
import { PAGE_HEADERS, RequestGuard } from './requestGuard.js';
import type { ParticipantTask, ParticipantTrial } from '../../src/tasks/participantTask.js';

/** How long the page shows what happened (ms). */
export interface PlayTiming {
  /** The outcome of a trial (default 1000). */
  feedbackMs: number;
  /** Two-stage: the transition before the second-stage options appear (default 1000). */
  transitionMs: number;
}

export interface PlayServerOptions {
  /** The server's copy of the session (the witness); trials already in it are resumed by the page. */
  session: ParticipantTask;
  /** The participant id, shown nowhere but sent back with the session. */
  participant: string;
  /** The task options the session was made with (the page makes its own copy from them). */
  taskOptions?: Record<string, unknown>;
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Session token (default: 128 random bits). */
  token?: string;
  timing?: Partial<PlayTiming>;
  /** Store a finished trial (append it to the CSV); a throw is answered 500 and shown on the page. */
  onTrial: (trial: ParticipantTrial) => void;
  /** The last trial is stored and its answer sent: the session is over. */
  onFinished?: () => void;
  /** The page was hidden (closed, reloaded) with the session unfinished. */
  onLeft?: (trialsDone: number) => void;
  log?: (message: string) => void;
}

export interface PlayServer {
  /** The page with its token, what the CLI prints: http://127.0.0.1:PORT/?token=… */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** What the page posts after each trial. */
interface TrialPost {
  trial: number;
  choice: number;
  stage2Choice?: number;
  rt?: number | null;
  rt2?: number | null;
  reward: number;
  stage2State?: number;
}

const MAX_BODY_BYTES = 4096;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The page's task and the server's disagree: the page runs other code; the session cannot go on. */
class Disagreement extends HttpError {
  constructor(message: string) {
    super(409, `${message}; the session stops here (reload the page; if it happens again, the page's code differs from the server's)`);
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'expected content-type application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `a trial is at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

/** Play the posted trial on the witness; refuse one out of order or one whose outcome differs. */
function witness(session: ParticipantTask, body: unknown): ParticipantTrial {
  const post = body as TrialPost;
  if (typeof post !== 'object' || post === null) throw new HttpError(400, 'expected a trial object');
  const expected = session.trials.length;
  if (post.trial !== expected) throw new HttpError(409, `expected trial ${expected}, got ${JSON.stringify(post.trial)} (was the page opened twice?)`);
  if (session.done) throw new HttpError(409, `all ${session.nTrials} trials are done`);
  let trial: ParticipantTrial;
  try {
    trial = session.play(post.choice, post.stage2Choice, post.rt ?? NaN, post.rt2 ?? NaN);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
  if (trial.reward !== post.reward || (trial.stage2State >= 0 && trial.stage2State !== post.stage2State)) {
    throw new Disagreement(`trial ${expected}: the page's task gave state ${post.stage2State}, reward ${post.reward}; the server's gave ${trial.stage2State}, ${trial.reward}`);
  }
  return trial;
}

/**
 * @example
 * const server = await startPlayServer({ session: new ParticipantTask({ task: 'reversal', seed: 1, nTrials: 50 }), participant: 'P01', onTrial: (t) => store(t) });
 * console.log(`task page: ${server.url}`);
 */
export async function startPlayServer(options: PlayServerOptions): Promise<PlayServer> {
  const { session, participant, taskOptions = {}, host = '127.0.0.1', port = 0, token = newControlToken(), onTrial, onFinished, onLeft, log = () => {} } = options;
  const timing: PlayTiming = { feedbackMs: 1000, transitionMs: 1000, ...options.timing };
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`token must be at least ${MIN_TOKEN_LENGTH} characters, got ${token.length}`);
  const assets = await pageAssets('play/index.html', 'play/play.ts');
  let guard!: RequestGuard;
  /** Set once the page and the witness disagreed: the witness has played a trial the file does not hold. */
  let broken: Disagreement | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, ...PAGE_HEADERS });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    const json = (status: number, value: unknown) => send(status, 'application/json; charset=utf-8', JSON.stringify(value));
    const refusal = guard.check(request.headers);
    if (refusal) {
      log(`play: refused a request: ${refusal.message}`);
      return send(403, 'text/plain', 'forbidden\n');
    }
    const url = new URL(request.url ?? '/', 'http://play');
    const path = url.pathname;
    if (request.method === 'GET' && (path === '/' || path === '/index.html')) return send(200, 'text/html; charset=utf-8', assets.html);
    if (request.method === 'GET' && path === '/play.js') return send(200, 'text/javascript; charset=utf-8', assets.script);
    if (path === '/favicon.ico') {
      response.writeHead(204);
      return void response.end();
    }
    if (path !== '/session' && path !== '/trial' && path !== '/left') return send(404, 'text/plain', 'not found\n');
    if (!sameToken(url.searchParams.get('token') ?? '', token)) return json(403, { error: 'this address lacks the session token; open the URL brain-rnn play printed' });
    if (broken) throw broken;
    if (path === '/session' && request.method === 'GET') {
      const played = session.trials.map(({ choice, stage2Choice, rt, rt2 }) => ({ choice, stage2Choice, rt, rt2 }));
      return json(200, { task: session.type, seed: session.seed, nTrials: session.nTrials, options: taskOptions, participant, timing, played });
    }
    if (request.method !== 'POST') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/left') {
      if (!session.done) onLeft?.(session.trials.length);
      response.writeHead(204);
      return void response.end();
    }
    let trial: ParticipantTrial;
    try {
      trial = witness(session, await readJson(request));
    } catch (error) {
      if (error instanceof Disagreement) broken = error;
      throw error;
    }
    try {
      onTrial(trial);
    } catch (error) {
      throw new HttpError(500, `the trial could not be stored: ${(error as Error).message}`);
    }
    if (session.done) response.once('finish', () => onFinished?.());
    return json(200, { stored: session.trials.length, done: session.done });
  };

  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      log(`play: ${request.method} ${(request.url ?? '').split('?')[0]}: ${(error as Error).message}`);
      if (response.headersSent) return void response.end();
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...PAGE_HEADERS });
      response.end(JSON.stringify({ error: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `play: port ${port} on ${host} is already in use; pass --port N (--port 0 picks a free port)` : `play: cannot listen on ${host}:${port}: ${error.message}`)));
    http.listen(port, host, () => resolve());
  });
  const bound = (http.address() as AddressInfo).port;
  guard = new RequestGuard({ host, port: bound });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}/?token=${encodeURIComponent(token)}`,
    port: bound,
    token,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      return closing;
    },
  };
}
