/**
 * The event bus: one RxJS stream that every actor publishes to and reads from. Publishing is
 * re-entrant (a trainer may publish `training.updated` while handling `episode.completed`), so
 * events are queued and delivered in publication order: every subscriber, the recorder included,
 * sees the same global order, which is what makes a replay equal to the live run.
 */
import { Subject, filter, type Observable } from 'rxjs';
import type { RunEvent } from '../../src/protocol/events.js';

export class EventBus {
  private readonly subject = new Subject<RunEvent>();
  private readonly queue: RunEvent[] = [];
  private draining = false;
  /** Every event, in publication order. */
  readonly events$: Observable<RunEvent> = this.subject.asObservable();

  /** Deliver `event` to every subscriber after the events already queued. */
  publish(event: RunEvent): void {
    this.queue.push(event);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) this.subject.next(this.queue[i]);
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  /** Events of the given types, optionally only those of one agent (events without an agent pass). */
  select<T extends RunEvent['type']>(types: readonly T[], agent?: string): Observable<Extract<RunEvent, { type: T }>> {
    const wanted = new Set<string>(types);
    return this.events$.pipe(
      filter((event): event is Extract<RunEvent, { type: T }> =>
        wanted.has(event.type) && (agent === undefined || !('agent' in event) || event.agent === agent)),
    );
  }

  /** End the stream (subscribers complete). */
  complete(): void {
    this.subject.complete();
  }
}
