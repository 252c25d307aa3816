import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AnalyzerState } from '../src/analysis/online/analyzerState.js';
import { decodeFoldState, encodeFoldState } from '../src/foldStateCodec.js';
import { FOLD_STATE_CLASSES } from '../src/foldStateClasses.js';
import { DecimatedSeries } from '../src/protocol/decimatedSeries.js';
import { EventDecoder } from '../src/protocol/eventCodec.js';
import type { RunEvent } from '../src/protocol/events.js';
import { RecordingChecker } from '../src/protocol/recordingChecker.js';

const roundTrip = (value: unknown) => decodeFoldState(JSON.parse(JSON.stringify(encodeFoldState(value, FOLD_STATE_CLASSES))), FOLD_STATE_CLASSES);
const bytesOf = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

describe('encodeFoldState / decodeFoldState', () => {
  it('decodeFoldState(encodeFoldState(x)) gives typed arrays with their exact bits (NaN payloads, −0, subnormals), Maps, Sets, undefined fields, NaN/±Infinity/−0 numbers and registered classes back', () => {
    const f64 = new Float64Array([0, -0, Number.MIN_VALUE, Number.MAX_VALUE, Number.NaN, Number.NEGATIVE_INFINITY, 1 / 3]);
    // A NaN with a payload: JSON could not hold it, its bytes can.
    new DataView(f64.buffer).setUint32(32, 0x7ff80000 | 0xbeef, true);
    new DataView(f64.buffer).setUint32(36, 0x7ff8dead, true);
    const f32 = new Float32Array([0.1, -0, 3.4e38, 1e-45]);
    const slice = new Int8Array([9, -1, -128, 127, 5]).subarray(1, 4);
    const series = new DecimatedSeries({ names: ['loss'], capacity: 4 });
    for (let i = 0; i < 7; i++) series.push(i, { loss: i / 7 });
    const value = {
      f64, f32, slice, u8: new Uint8Array([0, 255, 1]), i32: new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
      numbers: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e-310, 2 ** 53],
      missing: undefined, list: [undefined, null, 'x', true],
      map: new Map<unknown, unknown>([[1, { a: new Float64Array([2]) }], ['k', new Set([1, 'two'])]]),
      dollar: { $: 'c', c: 'NotAClass' },
      series,
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    for (const key of ['f64', 'f32', 'slice', 'u8', 'i32'] as const) {
      expect(back[key].constructor).toBe(value[key].constructor);
      expect(bytesOf(back[key]).equals(bytesOf(value[key]))).toBe(true);
    }
    expect(Object.is(back.numbers[3], -0)).toBe(true);
    expect('missing' in back).toBe(true);
    expect(back.series).toBeInstanceOf(DecimatedSeries);
    // Its methods work on the copy as on the original.
    back.series.push(7, { loss: 1 });
    series.push(7, { loss: 1 });
    expect(back.series.columns()).toStrictEqual(series.columns());
  });

  it('encodeFoldState refuses a class outside the registry, a function and a cycle, naming the path; decodeFoldState refuses an unknown class name', () => {
    class Stranger { x = 1; }
    expect(() => encodeFoldState({ a: [new Stranger()] }, FOLD_STATE_CLASSES)).toThrow(/state\.a\[0\] is an instance of Stranger, which is not a registered fold-state class \(AnalyzerState, /);
    expect(() => encodeFoldState({ f: () => 1 }, FOLD_STATE_CLASSES)).toThrow(/state\.f is a function/);
    const cyclic: Record<string, unknown> = { b: {} };
    (cyclic.b as Record<string, unknown>).back = cyclic;
    expect(() => encodeFoldState(cyclic, FOLD_STATE_CLASSES)).toThrow(/state\.b\.back refers back to an object that contains it/);
    // Shared (not cyclic) objects are fine: two copies come back.
    const shared = { n: 1 };
    const back = roundTrip({ x: shared, y: shared }) as { x: object; y: object };
    expect(back.x).toStrictEqual(shared);
    expect(back.x).not.toBe(back.y);
    expect(() => decodeFoldState({ $: 'c', c: 'Function', f: {} }, FOLD_STATE_CLASSES)).toThrow(/state\.c must be a registered fold-state class .* got "Function"/);
    expect(() => decodeFoldState({ $: 't', c: 'BigInt64Array', b: '' }, FOLD_STATE_CLASSES)).toThrow(/state\.c must be one of Float64Array/);
  });

  it('an AnalyzerState, EventDecoder and RecordingChecker folded over a two-stage recording come back equal and fold on to the same metrics', () => {
    const lines = gunzipSync(readFileSync(new URL('./fixtures/recordings/two-stage-main.ndjson.gz', import.meta.url))).toString('utf8').trimEnd().split('\n');
    const settings = { windowEpisodes: 4, reversalCurveLength: 6, recoveryTrials: 3 };
    const decoder = new EventDecoder();
    const checker = new RecordingChecker();
    const state = new AnalyzerState(settings);
    const events: RunEvent[] = lines.slice(1).map((line, i) => decoder.decode(JSON.parse(line), `line ${i + 2}`));
    const half = Math.floor(events.length / 2);
    for (const event of events.slice(0, half)) {
      checker.check(event, 'event');
      state.apply(event);
    }
    const back = roundTrip({ decoder, checker, state }) as { decoder: EventDecoder; checker: RecordingChecker; state: AnalyzerState };
    expect(back).toStrictEqual({ decoder, checker, state });
    expect(back.state).toBeInstanceOf(AnalyzerState);
    for (const event of events.slice(half)) {
      checker.check(event, 'event');
      back.checker.check(event, 'event');
      state.apply(event);
      back.state.apply(event);
    }
    expect(back.state.metrics()).toStrictEqual(state.metrics());
    expect(back.checker).toStrictEqual(checker);
  });
});
