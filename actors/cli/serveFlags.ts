/**
 * The serving flags `brain-rnn live` and `brain-rnn replay` share: `--no-serve`, `--host`, `--port`.
 */
import type { Command } from 'commander';
import { integerFlag } from './argv.js';

/** Add --no-serve, --host and --port to a command. */
export function addServeOptions(command: Command): Command {
  return command
    .option('--no-serve', 'do not serve the live viewer')
    .option('--host <address>', 'interface the viewer binds (0.0.0.0: every interface)', '127.0.0.1')
    .option('--port <n>', 'viewer port (0: any free port)', integerFlag('port', 0, 65535), 8080);
}
