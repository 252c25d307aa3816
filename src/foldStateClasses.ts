/**
 * The classes whose instances make up the state a replay folds (the analyzer's, the viewer hub's
 * series, the event decoder's and the recording checker's): the registry through which a recorded
 * fold state (src/foldStateCodec.ts) gets its prototypes back. A class added to a fold state must
 * be added here, under a name that never changes (the name is written to recordings).
 */
import { AnalyzerState } from './analysis/online/analyzerState.js';
import { LatentDynamicsTracker } from './analysis/online/latentDynamicsTracker.js';
import { LogitDynamicsAccumulator } from './analysis/online/logitDynamicsAccumulator.js';
import { PhaseAccumulator } from './analysis/online/phaseAccumulator.js';
import { StayCounts } from './analysis/stayCounts.js';
import type { FoldStateRegistry } from './foldStateCodec.js';
import { DecimatedSeries } from './protocol/decimatedSeries.js';
import { EventDecoder } from './protocol/eventCodec.js';
import { RecordingChecker } from './protocol/recordingChecker.js';

/**
 * @example
 * decodeFoldState(JSON.parse(line).state, FOLD_STATE_CLASSES);
 */
export const FOLD_STATE_CLASSES: FoldStateRegistry = new Map<string, FoldStateRegistry extends ReadonlyMap<string, infer C> ? C : never>([
  ['AnalyzerState', AnalyzerState],
  ['PhaseAccumulator', PhaseAccumulator],
  ['StayCounts', StayCounts],
  ['LatentDynamicsTracker', LatentDynamicsTracker],
  ['LogitDynamicsAccumulator', LogitDynamicsAccumulator],
  ['DecimatedSeries', DecimatedSeries],
  ['EventDecoder', EventDecoder],
  ['RecordingChecker', RecordingChecker],
]);
