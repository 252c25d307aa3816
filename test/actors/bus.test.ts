import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../actors/system/bus.js';

type Letter = { type: string; agent?: string };
const ev = (type: string, agent?: string): Letter => (agent === undefined ? { type } : { type, agent });

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('EventBus', () => {
  it('events$ delivers publications in order on virtual time (TestScheduler marbles)', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bus = new EventBus<Letter>({ scheduler });
      const values = { a: ev('a'), b: ev('b'), c: ev('c') };
      expectObservable(bus.events$).toBe('a-b--c|', values);
      cold('a-b--c|', values).subscribe({ next: (e) => bus.publish(e), complete: () => bus.complete() });
    });
  });

  it('an event published while another is delivered reaches every subscriber after the first, in one global order', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bus = new EventBus<Letter>({ scheduler });
      const values = { a: ev('a'), b: ev('b'), x: ev('x'), y: ev('y') };
      // The first subscriber answers a with x and x with y (a trainer publishing while handling an
      // episode end); the second subscriber must still see a before x, and x before y and b.
      bus.events$.subscribe((e) => {
        if (e.type === 'a') bus.publish(values.x);
        if (e.type === 'x') bus.publish(values.y);
      });
      expectObservable(bus.events$).toBe('(axy)-b|', values);
      cold('a-----b|', values).subscribe({ next: (e) => bus.publish(e), complete: () => bus.complete() });
    });
  });

  it('with the default queue scheduler, re-entrant publication is delivered synchronously and in the same order to all subscribers', () => {
    const bus = new EventBus<Letter>();
    const first: string[] = [];
    const second: string[] = [];
    bus.events$.subscribe((e) => {
      first.push(e.type);
      if (e.type === 'episode') bus.publish(ev('update'));
      if (e.type === 'update') bus.publish(ev('weights'));
    });
    bus.events$.subscribe((e) => second.push(e.type));
    bus.publish(ev('trial'));
    bus.publish(ev('episode'));
    // Synchronous: everything is delivered before publish returns.
    expect(first).toEqual(['trial', 'episode', 'update', 'weights']);
    expect(second).toEqual(first);
    bus.publish(ev('trial'));
    expect(second).toEqual(['trial', 'episode', 'update', 'weights', 'trial']);
  });

  it('with the default queue, complete() called during a delivery ends the stream after the events published before it, for every subscriber', () => {
    const bus = new EventBus<Letter>();
    const seen: string[][] = [[], []];
    for (const log of seen) bus.events$.subscribe({ next: (e) => log.push(e.type), complete: () => log.push('|') });
    bus.events$.subscribe((e) => {
      if (e.type !== 'last') return;
      bus.publish(ev('after'));
      bus.complete();
      bus.publish(ev('too late'));
    });
    bus.publish(ev('first'));
    bus.publish(ev('last'));
    expect(seen[0]).toEqual(['first', 'last', 'after', '|']);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('select(types, agent) keeps the named types of one agent and the events without an agent', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bus = new EventBus<Letter>({ scheduler });
      const values = { p: ev('phase'), a: ev('trial', 'a'), b: ev('trial', 'b'), e: ev('episode', 'a') };
      expectObservable(bus.select(['phase', 'trial'], 'a')).toBe('pa--|', values);
      cold('pabe|', values).subscribe({ next: (e) => bus.publish(e), complete: () => bus.complete() });
    });
  });
});
