import { afterEach, describe, expect, it } from 'vitest';
import { startRun } from '../../actors/system/startRun.js';
import { closeAll, completed, run, runPausedBy, scenario, serve, TOTAL, viewer } from './serveFixture.js';
import { httpGet, tryUpgrade, waitFor, type TestViewer } from './viewerClient.js';

afterEach(closeAll);

/** Names a page could reach this server by that are not its own: DNS-rebinding names, other ports, other addresses. */
const forgedHosts = (port: number) => [
  `evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `127.0.0.1:${port + 1}`,
  'localhost', `[::2]:${port}`, `10.0.0.7:${port}`, `127.0.0.1:${port}/x`, `evil.example:${port}@127.0.0.1`,
];
/** Pages on other sites (or none that can be named) that would open the socket. */
const forgedOrigins = (port: number) => [
  'http://evil.example', `http://evil.example:${port}`, `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`,
  'null', `http://localhost.evil.example:${port}`, `http://127.0.0.1:${port}/path`, 'file://',
];

const paused = (v: TestViewer) => v.messages.some((m) => m.type !== 'notice' && m.status.state === 'paused');


describe('startViewerServer security', () => {
  it('refuses page requests and sockets with a forged Host (DNS rebinding) with 403, logs the reason once, and keeps serving', async () => {
    const { server, logs } = await serve();
    const hosts = forgedHosts(server.port);
    for (const host of hosts) {
      expect((await httpGet(server.port, '/', { host })).status, host).toBe(403);
      expect((await httpGet(server.port, '/viewer.js', { host })).status, host).toBe(403);
      // Refused before any WebSocket exists: no snapshot ever leaves.
      expect(await tryUpgrade(server.port, { host }), host).toEqual({ status: 403 });
    }
    // A flood of them still logs one line, the rest are counted.
    for (let k = 0; k < 200; k++) expect((await httpGet(server.port, '/', { host: `evil${k}.example:${server.port}` })).status).toBe(403);
    const refusals = logs.filter((l) => l.includes('refused a') && l.includes('Host'));
    expect(refusals).toEqual([`viewer: refused a page request: Host "evil.example:${server.port}" is not this viewer's address (127.0.0.1, localhost, [::1] on port ${server.port}) (further ones are counted and summarised every 10 s)`]);
    const forbidden = hosts.length * 3 + 200;
    expect(server.stats()).toMatchObject({ forbidden, connected: 0 });

    // Its own names still work, in any case.
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, `LocalHost:${server.port}`]) {
      expect((await httpGet(server.port, '/', { host })).status, host).toBe(200);
      expect((await tryUpgrade(server.port, { host })).status, host).toBe('open');
    }
    await server.close();
    expect(logs.at(-1)).toMatch(new RegExp(`^viewer: ${forbidden - 1} more requests refused for their Host \\(${forbidden} in all; the last: Host "evil199\\.example:\\d+" is not`));
  });

  it('refuses a page on another site (cross-site Origin) with 403; accepts its own page and a client with no Origin', async () => {
    const { server, logs } = await serve();
    const host = `127.0.0.1:${server.port}`;
    for (const origin of forgedOrigins(server.port)) {
      expect((await httpGet(server.port, '/', { host, origin })).status, origin).toBe(403);
      expect(await tryUpgrade(server.port, { host, origin }), origin).toEqual({ status: 403 });
    }
    expect(logs.filter((l) => l.includes('refused a'))).toEqual([
      `viewer: refused a page request: Origin "http://evil.example" is not this viewer's page (further ones are counted and summarised every 10 s)`,
    ]);
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`, undefined]) {
      const opened = await tryUpgrade(server.port, origin === undefined ? { host } : { host, origin });
      expect(opened.status, origin).toBe('open');
      expect(JSON.parse(opened.firstMessage!)).toMatchObject({ type: 'snapshot' });
    }
    expect(server.stats()).toMatchObject({ forbidden: 16, connected: 3 });
  });

  it('a server bound to another --host answers to that name too; bound to 0.0.0.0, to any IP address but to no other name', async () => {
    const { server: other } = await serve({ host: '127.0.0.2' });
    expect(other.url).toBe(`http://127.0.0.2:${other.port}/`);
    for (const host of [`127.0.0.2:${other.port}`, `127.0.0.1:${other.port}`, `localhost:${other.port}`]) {
      expect((await httpGet(other.port, '/', { host }, '127.0.0.2')).status, host).toBe(200);
    }
    for (const host of [`127.0.0.3:${other.port}`, `evil.example:${other.port}`]) expect((await httpGet(other.port, '/', { host }, '127.0.0.2')).status, host).toBe(403);

    const { server: every } = await serve({ host: '0.0.0.0' });
    expect(every.url).toBe(`http://127.0.0.1:${every.port}/`);
    for (const host of [`192.168.1.5:${every.port}`, `[fe80::1]:${every.port}`, `localhost:${every.port}`]) expect((await httpGet(every.port, '/', { host })).status, host).toBe(200);
    for (const host of [`mybox.example:${every.port}`, `192.168.1.5.nip.io:${every.port}`, `192.168.1.5:${every.port + 1}`]) expect((await httpGet(every.port, '/', { host })).status, host).toBe(403);
  });
});

describe('control token', () => {
  it('controlUrl carries 128 random bits as 32 hex digits, new for each server', async () => {
    const [{ server: a }, { server: b }] = await Promise.all([serve(), serve()]);
    expect(a.controlUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${a.port}/\\?token=[0-9a-f]{32}$`));
    expect(a.controlUrl).toBe(`${a.url}?token=${a.token}`);
    expect(a.token).not.toBe(b.token);
  });

  it('controls without a token or with a wrong one are refused with a notice and change nothing in the run', async () => {
    const reference = await startRun(scenario()).done;
    const { hub, server, logs } = await serve();
    const cli = viewer(server); // no Origin, no token: a command-line client, read-only
    const page = viewer(server, { headers: { origin: `http://127.0.0.1:${server.port}` } }); // its own page opened without ?token=
    const wrong = viewer(server, { token: `${server.token.slice(0, -1)}${server.token.endsWith('0') ? '1' : '0'}` });
    await Promise.all([cli.opened, page.opened, wrong.opened]);
    let sent = false;
    const system = run(hub, scenario(), (played) => {
      if (played < 200 || sent) return;
      sent = true;
      for (const c of [cli, page, wrong]) for (const message of [{ type: 'pause', v: 1 }, { type: 'speed', v: 1, speed: 4 }, { type: 'resume', v: 1 }]) c.send(JSON.stringify(message));
    });
    const result = await system.done;
    for (const c of [cli, page, wrong]) {
      await c.until(completed(c), 'the final status');
      // Read-only viewing still works: every trial shown.
      expect(c.trialCounts()).toEqual({ premature: TOTAL, gru: TOTAL, q: TOTAL });
      expect(paused(c)).toBe(false);
    }
    expect(cli.notices()).toEqual(['pause', 'speed', 'resume'].map((type) => `${type}: refused: this viewer has no control token; open the URL the command printed (it ends in ?token=…)`));
    expect(page.notices()).toEqual(cli.notices());
    expect(wrong.notices()).toEqual([
      "the control token in this page's address is wrong: viewing only; open the URL the command printed (it ends in ?token=…)",
      ...['pause', 'speed', 'resume'].map((type) => `${type}: refused: the control token is wrong; open the URL the command printed (it ends in ?token=…)`),
    ]);
    // The run never paused and played exactly what it plays without a viewer.
    expect(result.metrics).toEqual(reference.metrics);
    expect(server.stats()).toMatchObject({ refusedControls: 9, ignored: 0 });
    expect(logs.filter((l) => l.startsWith('viewer: refused'))).toEqual(['viewer: refused pause from client 1: this viewer has no control token (further ones are counted and summarised every 10 s)']);
  });

  it('with the right token a page pauses and resumes the run', async () => {
    const { hub, server } = await serve();
    const c = viewer(server, { token: server.token, headers: { origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` } });
    await c.opened;
    const system = await runPausedBy(c, hub);
    expect(system.run.getSnapshot().value).toBe('paused');
    c.send(JSON.stringify({ type: 'resume', v: 1 }));
    expect((await system.done).status).toBe('completed');
    await c.until(completed(c), 'the final status');
    expect(c.notices()).toEqual([]);
    expect(server.stats().refusedControls).toBe(0);
  });
});

describe('a pause held by a client that leaves', () => {
  it('is released: the run resumes and completes', async () => {
    const { hub, server, logs } = await serve();
    const c = viewer(server, { token: server.token });
    const watcher = viewer(server);
    await Promise.all([c.opened, watcher.opened]);
    const system = await runPausedBy(c, hub);
    c.close();
    const result = await system.done;
    expect(result.status).toBe('completed');
    expect(result.cursor.trialsPlayed).toBe(TOTAL);
    await watcher.until(completed(watcher), 'the watcher to see the end');
    expect(logs).toContain('viewer: client 1 left while holding a pause: the run resumes');
  });

  it('is kept while another client that paused is still there, and released when the last one leaves', async () => {
    const { hub, server } = await serve();
    const first = viewer(server, { token: server.token });
    const second = viewer(server, { token: server.token });
    await Promise.all([first.opened, second.opened]);
    let sent = false;
    const system = run(hub, scenario(), (played) => {
      if (played >= 200 && !sent) {
        sent = true;
        first.send(JSON.stringify({ type: 'pause', v: 1 }));
        second.send(JSON.stringify({ type: 'pause', v: 1 }));
      }
    });
    await second.until(() => second.status?.state === 'paused', 'paused');
    const trialsAtPause = system.run.getSnapshot().context.cursor.trialsPlayed;
    first.close();
    await waitFor(() => server.stats().clients === 1, 'the server to see the first client leave');
    expect(system.run.getSnapshot().value).toBe('paused');
    expect(system.run.getSnapshot().context.cursor.trialsPlayed).toBe(trialsAtPause);
    second.close();
    expect((await system.done).status).toBe('completed');
  });
});

describe('a flood of malformed frames', () => {
  it('10,000 malformed frames are all counted and print a bounded number of log lines; the server keeps serving', async () => {
    const { server, logs } = await serve();
    const c = viewer(server);
    await c.opened;
    const kinds = ['not json', '{"type":"pause"}', '{"type":"pause","v":2}', '{"type":"explode","v":1}', '{"type":"speed","v":1,"speed":-3}'];
    for (let k = 0; k < 10_000; k++) c.send(k % 7 === 6 ? Buffer.from([k & 255]) : kinds[k % kinds.length]);
    await waitFor(() => server.stats().ignored === 10_000, 'every frame to be read');
    // A fresh client still gets its snapshot.
    const late = viewer(server);
    await late.until(() => late.messages.length > 0, 'a snapshot after the flood');
    await server.close();
    const malformed = logs.filter((l) => l.includes('malformed'));
    expect(malformed.length).toBeLessThanOrEqual(7);
    const individual = malformed.filter((l) => l.includes('ignored a malformed message'));
    expect(individual).toHaveLength(5);
    // Nothing lost: the summaries account for every frame not logged in full.
    const summarised = malformed.map((l) => /^viewer: (\d+) more malformed messages ignored/.exec(l)?.[1]).filter((n) => n !== undefined).map(Number);
    expect(individual.length + summarised.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(malformed.at(-1)).toMatch(/\(10000 in all; the last: client 1: .+\)$/);
    expect(server.stats().ignored).toBe(10_000);
  });
});
