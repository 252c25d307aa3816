/**
 * The event bus: one RxJS stream that every actor publishes to and reads from. Publishing is
 * re-entrant (a trainer publishes `training.updated` while handling `episode.completed`), so
 * delivery goes through RxJS's queue scheduler, shared by all subscribers: an event published
 * while another is being delivered waits until every subscriber has seen the first. Every
 * subscriber, the recorder included, therefore sees the same global order, which is what makes a
 * replay equal to the live run. Tests pass a TestScheduler to check the order on virtual time.
 */
import { Subject, filter, observeOn, queueScheduler, share, type Observable, type SchedulerLike } from 'rxjs';
import type { RunEvent } from '../../src/protocol/events.js';

export interface EventBusOptions {
  /** Scheduler of the deliveries (default: RxJS's queueScheduler, synchronous and re-entrancy-safe). */
  scheduler?: SchedulerLike;
}

export class EventBus<E extends { type: string } = RunEvent> {
  private readonly subject = new Subject<E>();
  /** Every event, in publication order. */
  readonly events$: Observable<E>;

  constructor({ scheduler = queueScheduler }: EventBusOptions = {}) {
    this.events$ = this.subject.pipe(observeOn(scheduler), share());
  }

  /** Deliver `event` to every subscriber after the events already being delivered. */
  publish(event: E): void {
    this.subject.next(event);
  }

  /** Events of the given types, optionally only those of one agent (events without an agent pass). */
  select<T extends E['type']>(types: readonly T[], agent?: string): Observable<Extract<E, { type: T }>> {
    const wanted = new Set<string>(types);
    return this.events$.pipe(
      filter((event): event is Extract<E, { type: T }> =>
        wanted.has(event.type) && (agent === undefined || !('agent' in event) || (event as { agent?: string }).agent === agent)),
    );
  }

  /** End the stream (subscribers complete). */
  complete(): void {
    this.subject.complete();
  }
}
