/**
 * `brain-rnn convert-jspsych FILE --out FILE.csv [--force]`: jsPsych's saved data (CSV or JSON,
 * from an experiment with the brain-rnn plugins) as a trials CSV with rt/rt2, ready for
 * `brain-rnn fit --data`. Prints which source column each field came from; the written file is
 * read back with the project's loader before the command says it is done.
 */
import type { Command } from 'commander';

interface ConvertFlags {
  out: string;
  force?: boolean;
}

export function registerConvertJsPsychCommand(program: Command): void {
  program
    .command('convert-jspsych')
    .description("convert jsPsych data (CSV or JSON) of the brain-rnn plugins into a trials CSV")
    .argument('<file>', 'jsPsych data: jsPsych.data.get().csv() or .json() saved to a file')
    .requiredOption('--out <file>', 'trials CSV to write')
    .option('--force', 'overwrite an existing --out file')
    .action(async (path: string, flags: ConvertFlags) => {
      const { existsSync, readFileSync } = await import('node:fs');
      const { basename, dirname } = await import('node:path');
      const { convertJsPsychData } = await import('../../src/data/jsPsychTrials.js');
      const { formatTrialsCsv, parseTrialsCsv } = await import('../../src/data/trialsCsv.js');
      const { writeAtomically } = await import('../io/outputFolder.js');
      if (existsSync(flags.out) && !flags.force) throw new Error(`${flags.out} already exists; pass --force to overwrite it`);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const conversion = convertJsPsychData(bytes);
      const csv = formatTrialsCsv(conversion.sessions, { includeReactionTimes: true });
      const table = parseTrialsCsv(csv);
      writeAtomically(dirname(flags.out), basename(flags.out), csv);
      const mapped = Object.entries(conversion.mapped).map(([field, from]) => (field === from ? field : `${field} ← ${from}`));
      process.stderr.write(`columns: ${mapped.join(', ')}\n`);
      process.stderr.write(`${conversion.rowsUsed} plugin rows used, ${conversion.rowsSkipped} other rows left out\n`);
      process.stdout.write(`wrote ${flags.out}: ${table.task}, ${table.sessions.length} session(s), ${table.sessions.reduce((n, s) => n + s.nTrials, 0)} trials\n`);
    });
}
