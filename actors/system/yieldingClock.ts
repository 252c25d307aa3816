/**
 * The clock of a live run's machines. The run machine rests between ticks with a zero delay, only
 * to let the event loop answer sockets, signals and viewer controls; Node clamps a `setTimeout`
 * of 0 to 1 ms, which cost a run about a tenth of its time in idle waits. A zero delay here is a
 * `setImmediate` (it still runs after pending I/O); any other delay is a plain timer.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';

type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;
type Handle = { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout };

export const yieldingClock: Clock = {
  setTimeout: (callback: () => void, ms: number): Handle => (ms <= 0 ? { immediate: setImmediate(callback) } : { timeout: setTimeout(callback, ms) }),
  clearTimeout: (handle: Handle) => {
    if ('immediate' in handle) clearImmediate(handle.immediate);
    else clearTimeout(handle.timeout);
  },
} as Clock;
