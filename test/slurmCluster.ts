/**
 * A real single-node SLURM for the tests, from Debian's slurm-wlm and munge: munged (with its own
 * key and socket), slurmctld and slurmd as root, a minimal slurm.conf under a temporary folder at
 * free ports; `stop()` ends the three daemons by the PIDs they wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../tools/localServers.js';

function start(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`${command} did not start: ${result.error?.message ?? result.stderr}`);
}

export interface SlurmCluster {
  /** The slurm.conf to pass as SLURM_CONF. */
  conf: string;
  stop(): void;
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  for (const tool of ['munged', 'slurmctld', 'slurmd', 'sbatch']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} is not installed: apt-get install -y slurm-wlm munge (.ci/run installs them)`);
  }
  if (process.getuid?.() !== 0) throw new Error('the SLURM test starts slurmctld and slurmd, which needs root');
  const dir = mkdtempSync(join(tmpdir(), 'slurm-'));
  for (const sub of ['state', 'spool', 'munge']) mkdirSync(join(dir, sub), { mode: 0o700 });
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  chmodSync(key, 0o400);
  const socket = join(dir, 'munge', 'munge.socket');
  const pids = { munged: join(dir, 'munge', 'munged.pid'), slurmctld: join(dir, 'slurmctld.pid'), slurmd: join(dir, 'slurmd.pid') };
  const node = hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, [
    'ClusterName=brainrnn', `SlurmctldHost=${node}`, `SlurmctldPort=${ctldPort}`, `SlurmdPort=${slurmdPort}`, 'SlurmUser=root', 'SlurmdUser=root',
    'AuthType=auth/munge', `AuthInfo=socket=${socket}`, 'CredType=cred/munge',
    'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'SchedulerType=sched/builtin', 'SelectType=select/cons_tres', 'SelectTypeParameters=CR_CPU',
    `StateSaveLocation=${join(dir, 'state')}`, `SlurmdSpoolDir=${join(dir, 'spool')}`, `SlurmctldPidFile=${pids.slurmctld}`, `SlurmdPidFile=${pids.slurmd}`,
    `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`, `SlurmdLogFile=${join(dir, 'slurmd.log')}`, 'ReturnToService=2', 'MpiDefault=none',
    'JobCompType=jobcomp/none', 'AccountingStorageType=accounting_storage/none', 'JobAcctGatherType=jobacct_gather/none',
    `NodeName=${node} CPUs=2 State=UNKNOWN`, `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`, '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  const started: string[] = [];
  const stop = () => {
    for (const name of started.reverse()) {
      try {
        process.kill(Number(readFileSync(pids[name as keyof typeof pids], 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
  try {
    start('munged', ['--force', `--socket=${socket}`, `--pid-file=${pids.munged}`, `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'munge.seed')}`, `--key-file=${key}`], env);
    started.push('munged');
    start('slurmctld', ['-c', '-i'], env);
    started.push('slurmctld');
    start('slurmd', [], env);
    started.push('slurmd');
    for (let attempt = 0; ; attempt++) {
      const state = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout.trim();
      if (state === 'idle') break;
      if (attempt > 100) throw new Error(`the SLURM node did not become idle (state ${JSON.stringify(state)}); logs in ${dir}`);
      execFileSync('sleep', ['0.2']);
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { conf, stop };
}
