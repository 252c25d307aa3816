/**
 * `brain-rnn replay FILE [--speed X] [--no-serve] [--host H] [--port N] [--exit]`: re-emit a
 * recording through the bus to a fresh analyzer (no agent is recomputed), show it in the viewer
 * (pause, resume, speed and the episode timeline work from the page), and print the same summary
 * table as the live run.
 */
import type { Command } from 'commander';
import type { ServeFlags } from '../server/serveOptions.js';
import { addServeOptions } from './serveFlags.js';
import type { RunFailedEvent } from '../../src/protocol/events.js';
import { positiveNumberFlag } from './argv.js';

interface ReplayFlags extends ServeFlags {
  speed: number;
  exit?: boolean;
}

export function registerReplayCommand(program: Command): void {
  const command = program
    .command('replay')
    .description('replay a recording into the analyzer (and the viewer) and print its summary')
    .argument('<file>', 'recording written by `brain-rnn live --record`')
    .option('--speed <x>', 'times the recorded pace ("max": as fast as possible)', positiveNumberFlag('speed'), Infinity)
    .option('--exit', 'exit as soon as the replay ends (with the viewer: do not keep serving)');
  addServeOptions(command)
    .action(async (path: string, flags: ReplayFlags) => {
      process.stderr.write(`replaying ${path} at ${Number.isFinite(flags.speed) ? `${flags.speed}× the recorded pace` : 'full speed'}\n`);
      // Loaded after the first line: the replayer's import is most of the start.
      const [{ ReplayPacer }, { runReplay }, { finishViewer, startViewer }, { formatFailure, formatSummary }] = await Promise.all([
        import('../io/replayPacer.js'), import('../io/replayRun.js'), import('../server/serveOptions.js'), import('../../src/analysis/online/formatSummary.js'),
      ]);
      const viewer = await startViewer(flags, { mode: 'replay', speed: flags.speed });
      const pacer = new ReplayPacer({ speed: flags.speed });
      // Kept serving (no --exit), a finished replay still seeks: it waits at its end for the timeline.
      const staysOpen = viewer !== undefined && flags.exit !== true;
      viewer?.hub.setControls({
        pause: () => pacer.pause(), resume: () => pacer.resume(), setSpeed: (speed) => pacer.setSpeed(speed), seek: (episode) => pacer.requestSeek(episode), seeksAfterEnd: staysOpen,
      });
      let failed: RunFailedEvent | undefined;
      let reported = false;
      const report = (result: Awaited<ReturnType<typeof runReplay>>) => {
        // A recording cut off before its end event still ends the replay.
        viewer?.hub.end(result.truncated ? 'stopped' : 'completed');
        if (reported) return;
        reported = true;
        process.stderr.write(`replayed ${result.events} events of ${result.header.scenario && result.scenario.name} (seed ${result.header.seed}, ${result.header.backend})\n`);
        if (failed) process.stderr.write(`the recorded run failed: ${formatFailure(failed)}\n`);
        process.stdout.write(formatSummary(result.metrics, result.scenario.analyzer.recoveryTrials));
        if (staysOpen) {
          process.stderr.write(`run finished; the viewer stays at ${viewer!.server.controlUrl} (Ctrl-C to quit; its timeline still seeks)\n`);
          process.once('SIGINT', () => pacer.close());
        }
      };
      let result;
      try {
        result = await runReplay(path, {
          pacer,
          warn: (message) => process.stderr.write(`warning: ${message}\n`),
          onEvent: (event) => {
            if (event.type === 'run.failed') failed = event;
            viewer?.hub.event(event);
          },
          onAnalysis: viewer && ((output) => viewer.hub.analysis(output)),
          // The page's timeline: the hub's state is snapshotted and restored with the analyzer's (and read from the recording's snapshot lines).
          ...(viewer && { seeking: { hub: viewer.hub } }),
          ...(staysOpen && { onEnd: report }),
        });
      } catch (error) {
        await viewer?.server.close();
        throw error;
      }
      report(result);
      if (staysOpen) await viewer!.server.close();
      else await finishViewer(viewer, flags.exit === true);
    });
}
