import { describe, expect, it } from 'vitest';
import { startPlayServer } from '../../actors/server/playServer.js';
import { createRandom } from '../../src/random.js';
import { createTask } from '../../src/tasks/createTask.js';
import { ParticipantTask, type ParticipantTrial } from '../../src/tasks/participantTask.js';

describe('startPlayServer', () => {
  it('startPlayServer stores a trial only with the token, in order, and with the reward its own seeded task pays; after a disagreement it stops the session', async () => {
    const stored: ParticipantTrial[] = [];
    const server = await startPlayServer({ session: new ParticipantTask({ task: 'reversal', seed: 4, nTrials: 5 }), participant: 'P01', onTrial: (t) => stored.push(t) });
    try {
      // What the seeded task pays for choices 1 then 0 (the task the agents play, stepped in Node).
      const node = createTask('reversal', { nSessions: 1, rng: createRandom(4) });
      const [reward, paid] = [node.step([1]).rewards[0], node.step([0]).rewards[0]];
      const url = new URL(server.url);
      const post = (body: unknown, token = server.token) =>
        fetch(`${url.origin}/trial?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const noToken = await post({ trial: 0, choice: 1, reward }, 'nope');
      expect([noToken.status, ((await noToken.json()) as { error: string }).error]).toEqual([403, 'this address lacks the session token; open the URL brain-rnn play printed']);
      const skipped = await post({ trial: 1, choice: 1, reward });
      expect([skipped.status, ((await skipped.json()) as { error: string }).error]).toEqual([409, 'expected trial 0, got 1 (was the page opened twice?)']);
      const first = await post({ trial: 0, choice: 1, reward, rt: 300 });
      expect(await first.json()).toEqual({ stored: 1, done: false });
      expect([stored.length, stored[0].reward, stored[0].rt]).toEqual([1, reward, 300]);
      // A page whose task pays otherwise runs other code: refused, and so is everything after it.
      const wrong = await post({ trial: 1, choice: 0, reward: 1 - paid });
      expect(wrong.status).toBe(409);
      expect(((await wrong.json()) as { error: string }).error).toContain(`trial 1: the page's task gave state undefined, reward ${1 - paid}; the server's gave -1, ${paid}; the session stops here`);
      const after = await fetch(`${url.origin}/session?token=${server.token}`);
      expect(after.status).toBe(409);
      expect(stored).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
