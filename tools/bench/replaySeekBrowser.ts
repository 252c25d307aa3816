/**
 * A timeline seek end to end, as a user sees it (not part of `npm run bench`: it needs a large
 * recording and Debian's chromium): serves a replay of RECORDING at the recorded pace, opens the
 * viewer in headless chromium, and right after the page first shows the run pauses it and sets the
 * episode slider to each target in turn (the `change` a released drag fires), timing from the change to
 * the moment the page's status line shows that episode. The replay has read almost nothing when
 * the first seek is sent: each one lands through the recording's snapshot lines, or folds in a
 * recording without them.
 *
 *   nice -n 19 npx tsx tools/bench/replaySeekBrowser.ts /tmp/million.ndjson.gz --to 9500,4321,8999,2
 */
import { parseArgs } from 'node:util';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import { startViewerServer } from '../../actors/server/viewerServer.js';
import { launchChromium } from '../../test/e2e/launchChromium.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { to: { type: 'string', default: '9500,4321,8999,2' } } });
const path = positionals[0];
if (!path) throw new Error('usage: tsx tools/bench/replaySeekBrowser.ts RECORDING [--to E1,E2,...]');
const targets = values.to!.split(',').map(Number);

const hub = new ViewerHub({ mode: 'replay', speed: 1 });
const server = await startViewerServer({ hub, port: 0 });
const pacer = new ReplayPacer({ speed: 1 });
hub.setControls({ pause: () => pacer.pause(), resume: () => pacer.resume(), setSpeed: (speed) => pacer.setSpeed(speed), seek: (episode) => pacer.requestSeek(episode) });
const replay = runReplay(path, { pacer, onEvent: (e) => hub.event(e), onAnalysis: (o) => hub.analysis(o), seeking: { hub } });
const { context, close } = await launchChromium();
try {
  const page = await context.newPage();
  await page.goto(server.controlUrl);
  await page.waitForFunction(() => /episodes/.test(document.querySelector('#status')!.textContent!) && !(document.querySelector('#timeline') as HTMLInputElement).disabled, undefined, { timeout: 30_000 });
  await page.click('#pause');
  await page.waitForFunction(() => window.__viewerStats.state === 'paused');
  console.log(`page shows the run, paused: ${await page.textContent('#status')}`);
  for (const target of targets) {
    const start = performance.now();
    await page.evaluate((episode) => {
      const slider = document.querySelector('#timeline') as HTMLInputElement;
      slider.value = String(episode);
      slider.dispatchEvent(new Event('input'));
      slider.dispatchEvent(new Event('change'));
    }, target);
    await page.waitForFunction((episode) => document.querySelector('#status')!.textContent!.includes(`· ${episode} episodes`), target, { timeout: 60_000, polling: 10 });
    const ms = performance.now() - start;
    console.log(`slider to episode ${target}: the page shows it after ${ms.toFixed(0)} ms (${await page.textContent('#timeline-value')}; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB)`);
  }
} finally {
  pacer.close();
  await close();
  await server.close();
  await replay.catch(() => undefined);
}
process.exit(0);
