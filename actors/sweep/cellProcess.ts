/**
 * A child process that runs cells (localWorkerProcess.ts), one at a time, for whoever holds it:
 * the local executor, or a BullMQ worker, whose own event loop must stay free to renew its job
 * locks while a cell computes. The child exits when its parent goes (SIGKILL included).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SweepPlan } from './sweepPlan.js';

// Run from dist/ (tools/buildDist.mjs) this module is JavaScript, and so is its sibling, which then
// needs no TypeScript loader; from the sources both are TypeScript, run through tsx.
const COMPILED = fileURLToPath(import.meta.url).endsWith('.js');
const WORKER_SCRIPT = fileURLToPath(new URL(COMPILED ? './localWorkerProcess.js' : './localWorkerProcess.ts', import.meta.url));
const EXEC_ARGV = COMPILED ? [] : ['--import', import.meta.resolve('tsx')];

export interface CellReply {
  result: unknown;
  seconds: number;
  worker: string;
}

type Reply = { type: 'ready'; worker: string } | ({ type: 'done' } & CellReply) | { type: 'failed'; worker: string; error: string };

/** Thrown when the cell itself failed (its message is the cell's error). */
export class CellError extends Error {}

export class CellProcess {
  private readonly child: ChildProcess;
  private readonly ready: Promise<string>;
  private planId: string | undefined;
  private pending: { resolve: (reply: CellReply) => void; reject: (error: Error) => void } | undefined;
  private exited: string | undefined;
  /** `host:pid` of the child once it has started. */
  name: string;

  constructor() {
    this.child = fork(WORKER_SCRIPT, [], { execArgv: EXEC_ARGV, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    this.name = `local:${this.child.pid}`;
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (reply: Reply) => {
        if (reply.type === 'ready') {
          this.name = reply.worker;
          return resolve(reply.worker);
        }
        const pending = this.pending;
        this.pending = undefined;
        if (reply.type === 'done') pending?.resolve(reply);
        else pending?.reject(new CellError(reply.error));
      });
      this.child.on('exit', (code, signal) => {
        this.exited = signal ?? `code ${code}`;
        const error = new Error(`worker process ${this.name} exited (${this.exited}) while running the cell`);
        reject(new Error(`worker process could not start (${this.exited})`));
        this.pending?.reject(error);
        this.pending = undefined;
      });
    });
  }

  /** Resolves with the child's name once it runs; rejects if it could not start. */
  started(): Promise<string> {
    return this.ready;
  }

  /** Whether the child has exited. */
  get dead(): boolean {
    return this.exited !== undefined;
  }

  /**
   * Run cell `index` of `plan` (identified by `planId`; the plan and data are sent once per plan).
   * Rejects with a CellError when the cell failed, with an Error when the process died.
   */
  async run(plan: SweepPlan, planId: string, index: number, data?: Uint8Array): Promise<CellReply> {
    await this.ready;
    if (this.exited) throw new Error(`worker process ${this.name} has exited (${this.exited})`);
    if (this.planId !== planId) {
      this.child.send({ type: 'plan', plan, data });
      this.planId = planId;
    }
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send({ type: 'cell', index });
    });
  }

  /** Let the child exit (it does when the channel closes). */
  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
