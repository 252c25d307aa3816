import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpGet, TestViewer } from './viewerClient.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-viewer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny test scenario, long enough (800 episodes of 20 trials) to pause it after connecting from outside. */
const scenarioPath = join(dir, 'long-tiny.json');
writeFileSync(scenarioPath, JSON.stringify({
  name: 'long-tiny', seed: 3,
  task: { type: 'reversal', options: { blockLengthMin: 5, blockLengthMax: 10 } },
  trialsPerEpisode: 20,
  agents: [
    { id: 'premature', nSessions: 4, model: { kind: 'low_rank', stage: 'premature', nHidden: 12 }, trainer: { mode: 'a2c', learningRate: 0.01 } },
    { id: 'q', nSessions: 2, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0 } } },
  ],
  phases: [{ name: 'train', episodes: 800, learning: true }],
  analyzer: { weightsEvery: 50, probeRows: 8, reversalCurveLength: 5, recoveryTrials: 3 },
  run: { trialsPerTick: 7 },
}));

describe('brain-rnn live with the viewer', () => {
  it('prints a viewer URL with a token; a client that pauses with it and disconnects does not hold the run: --exit still exits 0', async () => {
    const child = spawn(process.execPath, ['actors/cli/bin.js', 'live', scenarioPath, '--exit', '--port', '0'], { cwd: root });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const printed = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /^viewer: (http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([0-9a-f]{32})$/m.exec(stderr);
        if (match) resolve(match);
      });
      void exited.then(() => reject(new Error(`the CLI exited before printing a tokenised viewer URL:\n${stderr}`)));
    });
    const [, url, port, token] = printed;
    expect((await httpGet(Number(port), `/?token=${token}`)).status).toBe(200);

    const watcher = new TestViewer(url);
    const controller = new TestViewer(url, { token });
    await Promise.all([watcher.opened, controller.opened]);
    await controller.until(() => controller.status?.state === 'running' && controller.status.trials > 0, 'the run to start');
    watcher.send(JSON.stringify({ type: 'pause', v: 1 }));
    await watcher.until(() => watcher.notices().length > 0, 'the refusal');
    expect(watcher.notices()[0]).toMatch(/^pause: refused: this viewer has no control token/);
    controller.send(JSON.stringify({ type: 'pause', v: 1 }));
    await controller.until(() => controller.status?.state === 'paused', 'the run to pause');
    const trialsAtPause = controller.status!.trials;
    controller.close();

    const code = await exited;
    watcher.close();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/viewer: client 2 left while holding a pause: the run resumes/);
    expect(trialsAtPause).toBeLessThan(16_000);
    // The summary table of the whole run.
    expect(stdout).toContain('premature');
  });
});
