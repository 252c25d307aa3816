/**
 * The event bus: one RxJS stream that every actor publishes to and reads from. Publishing is
 * re-entrant (a trainer publishes `training.updated` while handling `episode.completed`), so
 * delivery is queued, one queue shared by all subscribers: an event published while another is
 * being delivered waits until every subscriber has seen the first. Every subscriber, the recorder
 * included, therefore sees the same global order, which is what makes a replay equal to the live
 * run. By default the bus keeps that queue itself and delivers synchronously (what RxJS's
 * queueScheduler does, without a scheduled action and its subscription per event, which cost
 * the actor pipeline a few per cent of each trial); tests pass a TestScheduler to check the
 * order on virtual time, and any scheduler passed is used through `observeOn`.
 */
import { Subject, filter, observeOn, share, type Observable, type SchedulerLike } from 'rxjs';

/** A queued completion (after the events published before it). */
const END = Symbol('end');
import type { RunEvent } from '../../src/protocol/events.js';

export interface EventBusOptions {
  /** Scheduler of the deliveries (default: the bus's own queue, synchronous and re-entrancy-safe, as RxJS's queueScheduler). */
  scheduler?: SchedulerLike;
}

export class EventBus<E extends { type: string } = RunEvent> {
  private readonly subject = new Subject<E>();
  /** Every event, in publication order. */
  readonly events$: Observable<E>;
  /** Own queue (no scheduler given): what was published during a delivery, and where it stands. */
  private readonly queued: boolean;
  private readonly pending: (E | typeof END)[] = [];
  private delivering = false;

  constructor({ scheduler }: EventBusOptions = {}) {
    this.queued = scheduler === undefined;
    this.events$ = scheduler === undefined ? this.subject.asObservable() : this.subject.pipe(observeOn(scheduler), share());
  }

  /** Deliver `event` to every subscriber after the events already being delivered. */
  publish(event: E): void {
    if (this.queued) this.deliver(event);
    else this.subject.next(event);
  }

  /** Deliver now, or, during a delivery, after everything queued before (one FIFO for every subscriber). */
  private deliver(item: E | typeof END): void {
    if (this.delivering) {
      this.pending.push(item);
      return;
    }
    this.delivering = true;
    try {
      for (let next = 0, current = item; ; current = this.pending[next++]) {
        if (current === END) this.subject.complete();
        else this.subject.next(current);
        if (next === this.pending.length) break;
      }
    } finally {
      this.pending.length = 0;
      this.delivering = false;
    }
  }

  /** Events of the given types, optionally only those of one agent (events without an agent pass). */
  select<T extends E['type']>(types: readonly T[], agent?: string): Observable<Extract<E, { type: T }>> {
    const wanted = new Set<string>(types);
    return this.events$.pipe(
      filter((event): event is Extract<E, { type: T }> =>
        wanted.has(event.type) && (agent === undefined || !('agent' in event) || (event as { agent?: string }).agent === agent)),
    );
  }

  /** End the stream (subscribers complete), after the events already queued. */
  complete(): void {
    if (this.queued) this.deliver(END);
    else this.subject.complete();
  }
}
