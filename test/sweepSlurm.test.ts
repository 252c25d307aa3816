/** The slurm executor against a real single-node SLURM (test/slurmCluster.ts). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../actors/sweep/localExecutor.js';
import { runSweep } from '../actors/sweep/runSweep.js';
import { parseSweep } from '../actors/sweep/sweepFile.js';
import { arraySpec } from '../actors/sweep/slurmExecutor.js';
import { runCli } from './io/cli.js';
import { sharedDataPath } from './sharedData.js';
import { startSlurmCluster, type SlurmCluster } from './slurmCluster.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-slurm-'));
const sweepBody = { name: 'prl-slurm', kind: 'fit', data: sharedDataPath('hbayesdm_prl.csv'), models: ['q_learning', 'tinygru:1'], folds: 3, seeds: 2, seed: 1, nEpochs: 8, restarts: 1 };
const sweepFile = join(work, 'prl.json');
writeFileSync(sweepFile, JSON.stringify(sweepBody));
let cluster: SlurmCluster | undefined;

beforeAll(async () => {
  cluster = await startSlurmCluster();
  process.env.SLURM_CONF = cluster.conf;
});

afterAll(() => {
  cluster?.stop();
  delete process.env.SLURM_CONF;
});

describe('brain-rnn sweep --executor slurm', () => {
  it('arraySpec compacts cell indices into sbatch --array ranges', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
  });

  it('brain-rnn sweep --executor slurm runs the cells as a job array of sweep cell tasks, and the reduce equals the local executor\'s', async () => {
    const local = join(work, 'local');
    await runSweep(parseSweep(sweepBody, work), { outputDir: local, executor: new LocalExecutor({ workers: 2 }), progress: false });
    const dir = join(work, 'slurm');
    const result = await runCli(['sweep', sweepFile, '--executor', 'slurm', '--output-dir', dir, '--time', '00:10:00', '--no-progress'], { timeoutMs: 180_000 });
    expect(result.stderr).not.toContain('brain-rnn:');
    expect(result.status).toBe(0);
    const script = readFileSync(join(dir, 'sweep.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-8\n');
    expect(script).toContain('#SBATCH --time=00:10:00\n');
    expect(script).toMatch(/sweep cell '.*slurm' --index "\$SLURM_ARRAY_TASK_ID"/);
    expect(result.stderr).toMatch(/submitted .*sweep\.sbatch as SLURM job \d+ \(9 array tasks\)/);
    expect(readFileSync(join(dir, 'table.md'), 'utf8')).toBe(readFileSync(join(local, 'table.md'), 'utf8'));
    const withoutSeconds = (path: string) => readFileSync(path, 'utf8').replace(/\n "seconds": [0-9.e+-]+,\n/, '\n');
    expect(withoutSeconds(join(dir, 'results.json'))).toBe(withoutSeconds(join(local, 'results.json')));
  });
});
