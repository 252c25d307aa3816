import { afterEach, describe, expect, it } from 'vitest';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import { startViewerServer } from '../../actors/server/viewerServer.js';
import { startRun } from '../../actors/system/startRun.js';
import { tinyScenario } from '../actors/fixtures.js';
import { closeAll, completed, run, runPausedBy, scenario, serve, TOTAL, viewer } from './serveFixture.js';
import type { TestViewer } from './viewerClient.js';

afterEach(closeAll);

describe('startViewerServer', () => {
  it('sends several clients a snapshot, then batched updates that add up to every trial of the run', async () => {
    const { hub, server } = await serve();
    const clients = [viewer(server), viewer(server), viewer(server)];
    await Promise.all(clients.map((c) => c.opened));
    await Promise.all(clients.map((c) => c.until(() => c.messages.length > 0, 'snapshot')));
    const result = await run(hub).done;
    expect(result.status).toBe('completed');
    for (const c of clients) {
      await c.until(completed(c), 'the final status');
      // An empty snapshot before the run, a fresh one when it starts (new agents), then only updates.
      expect(c.messages.map((m) => m.type).join(',')).toMatch(/^snapshot,snapshot(,update)+$/);
      // Snapshot + deltas neither lose nor double-count a trial bin.
      expect(c.trialCounts()).toEqual({ premature: TOTAL, gru: TOTAL, q: TOTAL });
      expect([...c.state.agents.keys()]).toEqual(['premature', 'gru', 'q']);
    }
    const premature = clients[0].state.agents.get('premature')!;
    expect(premature.training.x.at(-1)).toBe(40);
    expect(premature.spectra.last?.update).toBe(40);
    expect(premature.phases.map((p) => p.name)).toEqual(['train', 'test']);
    // Batched: far fewer messages than trials.
    expect(clients[0].messages.length).toBeLessThan(TOTAL / 4);
    expect(server.stats()).toMatchObject({ clients: 3, connected: 3, dropped: 0, ignored: 0 });
  });

  it('a viewer joining mid-run or after the end first gets a snapshot of the history', async () => {
    const { hub, server } = await serve();
    let midRun: TestViewer | undefined;
    const system = run(hub, scenario(), (played) => {
      if (played >= 300 && !midRun) midRun = viewer(server);
    });
    await system.done;
    expect(midRun).toBeDefined();
    await midRun!.until(completed(midRun!), 'the mid-run joiner to catch up');
    expect(midRun!.messages[0].type).toBe('snapshot');
    expect((midRun!.messages[0] as { status: { trials: number } }).status.trials).toBeGreaterThanOrEqual(300);
    expect(midRun!.trialCounts()).toEqual({ premature: TOTAL, gru: TOTAL, q: TOTAL });

    const late = viewer(server);
    await late.until(() => late.messages.length > 0, 'the late snapshot');
    expect(late.messages[0]).toMatchObject({ type: 'snapshot', status: { state: 'completed', trials: TOTAL, totalTrials: TOTAL, episodes: 45 } });
    expect(late.trialCounts()).toEqual({ premature: TOTAL, gru: TOTAL, q: TOTAL });
    expect(late.state.agents.get('premature')!.weights.x).toEqual(midRun!.state.agents.get('premature')!.weights.x);
  });

  it('malformed client messages are ignored, the first few logged, and change nothing in the run', async () => {
    const reference = await startRun(scenario()).done;
    const { hub, server, logs } = await serve();
    const c = viewer(server);
    await c.opened;
    const bad = [
      'not json', '{"type":"pause"}', '{"type":"pause","v":2}', '{"type":"speed","v":1,"speed":-3}',
      '{"type":"explode","v":1}', '[1,2,3]', '{"type":"pause","v":1,"extra":true}',
    ];
    for (const text of bad) c.send(text);
    c.send(Buffer.from([0, 1, 2]));
    const system = run(hub);
    const result = await system.done;
    await c.until(completed(c), 'the final status');
    expect(server.stats().ignored).toBe(bad.length + 1);
    // The first five in full, the other three in one summary line once the server closes.
    expect(logs.filter((l) => l.includes('ignored a malformed message from client 1'))).toHaveLength(5);
    expect(logs.some((l) => l.includes('(not JSON)'))).toBe(true);
    await server.close();
    expect(logs.filter((l) => l.includes('malformed'))).toHaveLength(6);
    expect(logs.at(-1)).toMatch(/^viewer: 3 more malformed messages ignored \(8 in all; the last: client 1: binary frame\)$/);
    // The run was never paused and played exactly what it plays without a viewer.
    expect(c.messages.some((m) => m.type !== 'notice' && m.status.state === 'paused')).toBe(false);
    expect(result.metrics).toEqual(reference.metrics);
  });

  it('pause and resume from a viewer with the token reach the run; speed on a live run answers with a notice', async () => {
    const { hub, server } = await serve();
    const c = viewer(server, { token: server.token });
    await c.opened;
    const system = await runPausedBy(c, hub);
    expect(system.run.getSnapshot().value).toBe('paused');
    const trialsAtPause = system.run.getSnapshot().context.cursor.trialsPlayed;
    c.send(JSON.stringify({ type: 'speed', v: 1, speed: 4 }));
    await c.until(() => c.messages.some((m) => m.type === 'notice'), 'a notice');
    expect(c.messages.find((m) => m.type === 'notice')).toMatchObject({ message: expect.stringMatching(/only replays change speed/) });
    // Still paused after a round trip to the server.
    expect(system.run.getSnapshot().context.cursor.trialsPlayed).toBe(trialsAtPause);
    c.send(JSON.stringify({ type: 'resume', v: 1 }));
    const result = await system.done;
    expect(result.status).toBe('completed');
    await c.until(completed(c), 'the final status');
  });

  it('a client that never reads is skipped, then dropped, and the run completes', async () => {
    const { hub, server, logs } = await serve({ maxLagMs: 100, dropAfterMs: 300, updateIntervalMs: 20 });
    const healthy = viewer(server);
    const stalled = viewer(server);
    await Promise.all([healthy.opened, stalled.opened]);
    stalled.ws.pause();
    const long = tinyScenario({ phases: [{ name: 'train', episodes: 120, learning: true }] });
    const started = performance.now();
    // 343 ticks of at least 2 ms: the run outlasts dropAfterMs, whatever the machine's speed.
    const result = await run(hub, long, undefined, 2).done;
    const seconds = (performance.now() - started) / 1000;
    expect(result.status).toBe('completed');
    await healthy.until(() => healthy.status?.state === 'completed' && healthy.status.trials === 2400 && healthy.state.agents.size === 3, 'the healthy viewer to finish');
    const stats = server.stats();
    expect(stats.skipped).toBeGreaterThan(0);
    expect(stats.dropped).toBe(1);
    expect(logs.some((l) => /dropped client 2 \(not reading/.test(l))).toBe(true);
    expect(healthy.trialCounts()).toEqual({ premature: 2400, gru: 2400, q: 2400 });
    // Loose, informative only (timing is not asserted): the same run without any viewer.
    const alone = performance.now();
    await startRun(long).done;
    console.log(`run with a stalled viewer ${seconds.toFixed(2)} s, without viewers ${((performance.now() - alone) / 1000).toFixed(2)} s`);
  });

  it('a busy port is a clear error naming the port and the way out', async () => {
    const { server } = await serve();
    await expect(startViewerServer({ hub: new ViewerHub({ mode: 'live' }), port: server.port })).rejects.toThrow(
      `viewer: port ${server.port} on 127.0.0.1 is already in use; pass --port N (--port 0 picks a free port) or --no-serve`,
    );
  });

  it('serves the page and the bundled viewer, and 404 elsewhere', async () => {
    const { server } = await serve();
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/viewer.js">');
    const script = await fetch(`${server.url}viewer.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await script.text()).length).toBeGreaterThan(50_000);
    expect((await fetch(`${server.url}nope`)).status).toBe(404);
  });
});
