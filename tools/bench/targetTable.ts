/**
 * The table `npm run bench` ends with: every target of the speed issue, what this run measured,
 * and whether it met it, as Markdown (so it can be pasted into docs/benchmarks.md as it is).
 */
import { cpus } from 'node:os';

export interface TargetRow {
  target: string;
  /** Undefined when this run could not measure it (`note` says why). */
  measured: number | undefined;
  goal: number;
  unit: '×' | 's' | 'MB';
  /** A ratio must reach the goal; a time or a size must stay under it. */
  higherIsBetter: boolean;
  note?: string;
  /**
   * For a ratio of two timings taken in turn: the same ratio from each variant's fastest call, the
   * cost with the least interference from the rest of a shared host. Printed for reference; the
   * target is judged by `measured` (medians) alone.
   */
  fastest?: number;
}

function format(value: number, unit: TargetRow['unit']): string {
  return unit === '×' ? `${value.toFixed(2)}×` : unit === 's' ? `${value.toFixed(3)} s` : `${value.toFixed(0)} MB`;
}

/** Whether `row` met its goal (false when it was not measured). */
export function targetMet({ measured, goal, higherIsBetter }: TargetRow): boolean {
  if (measured === undefined) return false;
  return higherIsBetter ? measured >= goal : measured < goal;
}

/**
 * @example
 * printTargetTable([{ target: 'train / PyTorch', measured: 5.3, goal: 5, unit: '×', higherIsBetter: true }]);
 */
export function printTargetTable(rows: readonly TargetRow[], write = (text: string) => process.stdout.write(text), context?: string): void {
  const lines = [
    '',
    `targets, one run on ${cpus()[0]?.model ?? 'an unknown CPU'} (${cpus().length} logical CPUs), Node ${process.version}${context ? `, ${context}` : ''}:`,
    '',
    '| target | measured | goal | met | fastest calls (reference) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => {
      const measured = row.measured === undefined ? `not measured${row.note ? ` (${row.note})` : ''}` : format(row.measured, row.unit);
      const goal = `${row.higherIsBetter ? '≥' : '<'} ${format(row.goal, row.unit)}`;
      const fastest = row.fastest === undefined ? '' : format(row.fastest, row.unit);
      return `| ${row.target} | ${measured} | ${goal} | ${targetMet(row) ? 'yes' : 'no'} | ${fastest} |`;
    }),
    '',
  ];
  write(`${lines.join('\n')}\n`);
}
