/**
 * Events to and from their JSON form. On the wire (recordings, later the websocket) every typed
 * column becomes a plain JSON array: Float32 values print as the shortest float64 text of the
 * float32 value, which parses back to the same float32, so a replayed event equals the live one
 * bit for bit. The trial event's `nextInputs` is not written: the decoder rebuilds it from the
 * actions, second-stage states and rewards with the run's task encoder (the same function the
 * tasks use), so a replayed trial event is the live one, derived column included.
 */
import { z } from 'zod';
import { encodeCohortInputs, parseTaskType, taskInputSize } from '../tasks/encoding.js';
import type { TaskType } from '../tasks/cohortTask.js';
import { ConfigError, showValue } from '../validation.js';
import { parseWith } from '../schemaValidation.js';
import { plainEventSchemas, trialCompletedWireSchema, type RunEvent, type TrialCompletedEvent } from './events.js';
import { TRIAL_COLUMNS, TRIAL_COLUMN_NAMES } from './trialColumns.js';

/** Each wire schema by the event type(s) it accepts, so that a bad event is checked against its own schema and the error names the field. */
const SCHEMA_BY_TYPE = new Map<string, z.ZodType>();
for (const schema of [trialCompletedWireSchema, ...plainEventSchemas]) {
  const type = (schema as z.ZodObject).shape.type as z.ZodLiteral<string> | z.ZodEnum;
  const values = 'options' in type ? (type.options as string[]) : [...(type as z.ZodLiteral<string>).values];
  for (const value of values) SCHEMA_BY_TYPE.set(value, schema);
}
export const EVENT_TYPES: readonly string[] = [...SCHEMA_BY_TYPE.keys()];

function schemaFor(json: unknown, what: string): z.ZodType {
  const type = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  const schema = typeof type === 'string' ? SCHEMA_BY_TYPE.get(type) : undefined;
  if (schema) return schema;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError([`${what} must be an event object, got ${showValue(json)}`]);
  throw new ConfigError([`${what}.type must be one of ${EVENT_TYPES.map((t) => JSON.stringify(t)).join(', ')}, got ${showValue(type)}`]);
}

/**
 * The JSON form of an event: typed arrays as plain arrays, the derived `nextInputs` left out.
 * @example
 * JSON.stringify(toWire(event)); // one NDJSON line
 */
export function toWire(event: RunEvent): Record<string, unknown> {
  if (event.type !== 'trial.completed') return event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined || key === 'nextInputs') continue;
    out[key] = ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value;
  }
  return out;
}

/**
 * Decodes a stream of wire events: validates each, rebuilds the typed columns and the derived
 * next inputs. It remembers the task from `run.started`, so a trial event before it is refused.
 * @example
 * const decoder = new EventDecoder();
 * for (const [n, line] of lines.entries()) bus.publish(decoder.decode(JSON.parse(line), `line ${n + 1}`));
 */
export class EventDecoder {
  private taskType: TaskType | undefined;

  /** Validate a parsed JSON value as an event; throws a ConfigError naming the bad field (prefixed by `what`). */
  decode(json: unknown, what = 'event'): RunEvent {
    const parsed = parseWith(schemaFor(json, what), json, what) as Record<string, unknown>;
    if (parsed.type === 'run.started') {
      try {
        this.taskType = parseTaskType(parsed.task as string);
      } catch (error) {
        throw new ConfigError([`${what}.task: ${(error as Error).message}`]);
      }
    }
    if (parsed.type !== 'trial.completed') return parsed as unknown as RunEvent;
    if (this.taskType === undefined) throw new ConfigError([`${what}: a trial.completed event before run.started`]);
    const S = parsed.nSessions as number;
    const A = parsed.nActions as number;
    for (const name of TRIAL_COLUMN_NAMES) {
      const values = parsed[name] as number[] | undefined;
      if (values === undefined) continue;
      const { perAction, array } = TRIAL_COLUMNS[name];
      const expected = perAction ? S * A : S;
      if (values.length !== expected) throw new ConfigError([`${what}.${name} must have ${expected} entries (nSessions × ${perAction ? 'nActions' : '1'}), got ${values.length}`]);
      parsed[name] = array.from(values);
    }
    const event = parsed as unknown as TrialCompletedEvent;
    event.nextInputs = encodeCohortInputs(this.taskType, event.actions, event.stage2States, event.rewards, new Float64Array(S * taskInputSize(this.taskType)));
    return event;
  }
}
