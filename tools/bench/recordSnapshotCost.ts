/**
 * What writing snapshot lines costs a live run (not part of `npm run bench`: it records several
 * runs): the seek benchmark's scenario (tools/bench/replaySeekScenario.json) cut to `--episodes`
 * episodes, recorded with and without snapshot lines in turn (timeInTurn: one of each per round,
 * so a change in the machine's load falls on both), reporting trials per second per agent and the
 * size of each recording.
 *
 *   nice -n 19 npx tsx tools/bench/recordSnapshotCost.ts --episodes 1000 --repeats 3 --dir /tmp
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLive } from '../../actors/io/liveRun.js';
import { parseScenario } from '../../actors/system/scenario.js';
import { timeInTurn } from './interleaved.js';

const { values } = parseArgs({ options: { episodes: { type: 'string', default: '1000' }, repeats: { type: 'string', default: '3' }, dir: { type: 'string', default: '/tmp' }, gzip: { type: 'boolean', default: false } } });
const episodes = Number(values.episodes);
const raw = JSON.parse(readFileSync(new URL('./replaySeekScenario.json', import.meta.url), 'utf8')) as { phases: { episodes: number }[]; trialsPerEpisode: number };
raw.phases[0].episodes = episodes;
const scenario = parseScenario(raw);
const trials = episodes * raw.trialsPerEpisode;
const variants = [
  { name: 'without snapshot lines', snapshotTrials: false as const },
  { name: 'with snapshot lines (every 5000 trials)', snapshotTrials: 5000 },
];
const path = (i: number) => join(values.dir!, `record-snapshot-cost-${i}.ndjson${values.gzip ? '.gz' : ''}`);
const times = await timeInTurn(variants.map((variant, i) => () => runLive(scenario, { record: path(i), force: true, snapshotTrials: variant.snapshotTrials })), { repeats: Number(values.repeats), warmup: 0 });
variants.forEach((variant, i) => {
  console.log(`${variant.name}: ${(trials / times[i]).toFixed(0)} trials/s per agent (median of ${values.repeats}, ${times[i].toFixed(2)} s for ${trials.toLocaleString()} trials × 2 agents), ${(statSync(path(i)).size / 1e6).toFixed(1)} MB`);
});
