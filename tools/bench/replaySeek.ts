/**
 * How long a replay's timeline takes to seek (docs/viewer-protocol.md, "Replay timeline"): replays
 * a recording at full speed into a viewer hub with seeking on, pauses it at `--at` episodes, then
 * asks for seeks back (and one ahead) and times each from the request to the moment the hub shows
 * the target. Not part of `npm run bench` (it needs a large recording; replaySeekScenario.json
 * records 1,000,000 trials per agent, 1.8 GB, in a few minutes):
 *
 *   node actors/cli/bin.js live tools/bench/replaySeekScenario.json --no-serve --exit --record /tmp/million.ndjson
 *   npx tsx tools/bench/replaySeek.ts /tmp/million.ndjson --at 9000 --to 100,4321,8999,9500,2
 *
 * Record to /tmp/million.ndjson.gz (198 MB, gzip members with restart points) to time gzip seeks.
 * `--at 0` seeks cold: it pauses right after run.started, before any episode has been read, so each
 * seek ahead lands through the snapshot lines the recorder wrote (or folds, in a recording without).
 */
import { parseArgs } from 'node:util';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub } from '../../actors/server/viewerHub.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string', default: '9000' }, to: { type: 'string', default: '100,4321,8999' }, snapshotTrials: { type: 'string', default: '5000' } } });
const path = positionals[0];
if (!path) throw new Error('usage: tsx tools/bench/replaySeek.ts RECORDING [--at EPISODE] [--to E1,E2,...] [--snapshotTrials N]');
const at = Number(values.at);
const targets = values.to!.split(',').map(Number);

const hub = new ViewerHub({ mode: 'replay' });
const pacer = new ReplayPacer();
let completed = 0;
let agents = 1;
let seeked: ((episode: number) => void) | undefined;
const reachedAt = new Promise<number>((resolve) => {
  const started = performance.now();
  const replay = runReplay(path, {
    pacer,
    onEvent: (e) => {
      hub.event(e);
      if (e.type === 'run.started') agents = e.agents.length;
      if ((e.type === 'run.started' && at === 0) || (e.type === 'episode.completed' && ++completed === at * agents)) {
        pacer.pause();
        resolve(performance.now() - started);
      }
    },
    onAnalysis: (o) => hub.analysis(o),
    seeking: { hub, snapshotTrials: Number(values.snapshotTrials), onSeeked: (episode) => seeked?.(episode) },
  });
  void replay.then((r) => process.stderr.write(`replay ended: ${r.events} events\n`));
});

const firstPass = await reachedAt;
const rss = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;
console.log(`read up to episode ${at} (${hub.runStatus().trials.toLocaleString()} trials per agent) in ${(firstPass / 1000).toFixed(1)} s at full speed; RSS ${rss()}`);
for (const target of targets) {
  const start = performance.now();
  await new Promise<void>((resolve) => {
    seeked = () => resolve();
    pacer.requestSeek(target);
  });
  const ms = performance.now() - start;
  console.log(`seek to episode ${target}: ${ms.toFixed(0)} ms (hub shows episode ${hub.runStatus().episodes}, trial ${hub.runStatus().trials.toLocaleString()}); RSS ${rss()}`);
}
process.exit(0);
