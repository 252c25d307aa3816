/**
 * Let pending promise callbacks run (an invoked promise actor's resolution, a pacer's wake-up)
 * without waiting for real time: tests move time only with XState's SimulatedClock.
 */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
