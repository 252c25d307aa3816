/**
 * Which recordings this version can replay. The header's `v` is the event schema version: a
 * recording written with a newer schema is refused (its events may mean something this version
 * does not know), one written with this schema by a newer package version replays with a warning.
 */
import { ConfigError, showValue } from '../validation.js';
import { parseWith } from '../schemaValidation.js';
import { EVENT_VERSION, recordingHeaderSchema, type RecordingHeader } from './events.js';

/** −1, 0 or 1 as version `a` is older than, equal to or newer than `b` (dotted numbers; pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[-+]/)[0].split('.').map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Check a recording's header line against this package's version.
 * @example
 * const { header, warning } = checkRecordingHeader(JSON.parse(firstLine), 'run.ndjson: line 1 (header)', '0.1.0');
 */
export function checkRecordingHeader(json: unknown, what: string, packageVersion: string): { header: RecordingHeader; warning?: string } {
  const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (record?.type !== 'recording.header') throw new ConfigError([`${what} must be a recording header ({"type": "recording.header", …}), got ${showValue(json)}; not a brain-rnn recording`]);
  const v = record.v;
  if (typeof v === 'number' && Number.isInteger(v) && v > EVENT_VERSION) {
    const writer = typeof record.packageVersion === 'string' ? ` by brain-inspired-rnn ${record.packageVersion}` : '';
    throw new ConfigError([`${what}.v: the recording was written with event schema v${v}${writer}; this version (${packageVersion}) reads v${EVENT_VERSION}: replay it with a newer brain-rnn`]);
  }
  const header = parseWith(recordingHeaderSchema, json, what) as RecordingHeader;
  if (compareVersions(header.packageVersion, packageVersion) > 0) {
    return { header, warning: `${what}: written by brain-inspired-rnn ${header.packageVersion}, newer than this ${packageVersion}; its event schema (v${EVENT_VERSION}) is the same, so it replays` };
  }
  return { header };
}
