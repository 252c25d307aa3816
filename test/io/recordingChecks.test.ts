import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../actors/io/replayRun.js';
import { createRandom } from '../../src/random.js';

// A real recording (made by main before the live-layer redesign), as lines: header, then events.
const original = gunzipSync(readFileSync(new URL('../fixtures/recordings/reversal-main.ndjson.gz', import.meta.url))).toString('utf8').trimEnd().split('\n');
const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-checks-'));
let files = 0;

function write(lines: readonly string[], name = `r${files++}.ndjson`): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Index of the k-th line (after the header) whose event has `type` (and agent, when given). */
function lineOf(type: string, k = 0, agent?: string): number {
  let seen = 0;
  for (let i = 1; i < original.length; i++) {
    const e = JSON.parse(original[i]) as { type: string; agent?: string };
    if (e.type === type && (agent === undefined || e.agent === agent) && seen++ === k) return i;
  }
  throw new Error(`no ${type} #${k}`);
}

function edit(index: number, change: (event: Record<string, unknown>) => void): string[] {
  const lines = [...original];
  const event = JSON.parse(lines[index]) as Record<string, unknown>;
  change(event);
  lines[index] = JSON.stringify(event);
  return lines;
}

const refusal = async (path: string) => {
  try {
    await runReplay(path);
  } catch (error) {
    return (error as Error).message;
  }
  return 'replayed';
};

describe('runReplay(path) refuses an inconsistent log with its line and field', () => {
  it('replays the untouched log', async () => {
    expect(await refusal(write(original))).toBe('replayed');
  });

  it('refuses shuffled, reversed and duplicated events', async () => {
    const rng = createRandom(5);
    const shuffled = [original[0], ...original.slice(1)];
    for (let i = shuffled.length - 1; i > 1; i--) {
      const j = 1 + rng.integer(0, i - 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    expect(await refusal(write(shuffled))).toMatch(/: line \d+(\.\w+)?[ :]/);
    expect(await refusal(write([original[0], ...original.slice(1).reverse()]))).toMatch(/line 2: a run\.completed event before run\.started/);
    const trial = lineOf('trial.completed', 3);
    const duplicated = [...original.slice(0, trial + 1), original[trial], ...original.slice(trial + 1)];
    expect(await refusal(write(duplicated))).toMatch(new RegExp(`line ${trial + 2}\\.trial must be \\d+ \\(the next trial of agent "premature" in episode 0\\), got \\d+`));
  });

  it('refuses an event for an agent not in the run, a reward of 7 and columns that disagree with run.started', async () => {
    const trial = lineOf('trial.completed', 0, 'premature');
    expect(await refusal(write(edit(trial, (e) => (e.agent = 'ghost'))))).toBe(
      `${join(dir, `r${files - 1}.ndjson`)}: line ${trial + 1}.agent must be an agent of run.started ("premature", "mature", "wsls"), got "ghost"`,
    );
    expect(await refusal(write(edit(trial, (e) => ((e.rewards as number[])[1] = 7))))).toMatch(new RegExp(`line ${trial + 1}\\.rewards session 1 must be 0 or 1, got 7$`));
    const started = edit(0 + 1, (e) => ((e.agents as { nSessions: number }[])[0].nSessions = 6));
    expect(await refusal(write(started))).toMatch(/line \d+\.nSessions must be 6 \(agent "premature" in run\.started\), got 5$/);
  });

  it('names the field of a malformed event instead of "Invalid input"', async () => {
    const episode = lineOf('episode.completed');
    expect(await refusal(write(edit(episode, (e) => (e.trials = 'forty'))))).toMatch(new RegExp(`line ${episode + 1}\\.trials is invalid: .*expected number`));
    expect(await refusal(write(edit(episode, (e) => (e.type = 'episode.finished'))))).toMatch(new RegExp(`line ${episode + 1}\\.type must be one of "trial\\.completed", .*got "episode\\.finished"`));
  });

  it('refuses a header of a newer event schema and warns for a newer package with the same schema', async () => {
    const header = JSON.parse(original[0]) as Record<string, unknown>;
    const newer = write([JSON.stringify({ ...header, v: 2, packageVersion: '9.0.0' }), ...original.slice(1)]);
    expect(await refusal(newer)).toMatch(/line 1 \(header\)\.v: the recording was written with event schema v2 by brain-inspired-rnn 9\.0\.0; this version \(\d+\.\d+\.\d+\) reads v1/);
    const warnings: string[] = [];
    await runReplay(write([JSON.stringify({ ...header, packageVersion: '9.0.0' }), ...original.slice(1)]), { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/written by brain-inspired-rnn 9\.0\.0, newer than this .*; its event schema \(v1\) is the same, so it replays/)]);
  });

  it('says so when a .gz file is not gzip and names the line of an invalid UTF-8 byte', async () => {
    const plain = write(original, 'plain.ndjson.gz');
    expect(await refusal(plain)).toBe(`${plain} is named .gz but is not gzip-compressed; rename it without .gz if it is a plain NDJSON recording`);
    const path = join(dir, 'latin1.ndjson');
    const lines = original.map((l) => Buffer.from(`${l}\n`, 'utf8'));
    lines[4] = Buffer.concat([Buffer.from(lines[4].subarray(0, 20)), Buffer.from([0xe9]), Buffer.from(lines[4].subarray(20))]);
    writeFileSync(path, Buffer.concat(lines));
    expect(await refusal(path)).toBe(`${path}: line 5 is not valid UTF-8; a recording is UTF-8 text`);
  });
});

describe('runReplay(path) on randomly damaged logs (fast-check)', () => {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), a: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), a: fc.nat() }),
    fc.record({ kind: fc.constant('replace' as const), a: fc.nat(), json: fc.jsonValue({ maxDepth: 3 }) }),
    fc.record({ kind: fc.constant('field' as const), a: fc.nat(), key: fc.string({ maxLength: 12 }), value: fc.jsonValue({ maxDepth: 2 }) }),
    fc.record({ kind: fc.constant('truncate' as const), a: fc.nat(), at: fc.nat() }),
  );

  it('either replays or refuses with a message that names a line; nothing else is thrown', async () => {
    let tried = 0, refused = 0;
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        tried += 1;
        const lines = [...original];
        const i = 1 + (d.a % (lines.length - 1));
        if (d.kind === 'swap') {
          const j = 1 + (d.b % (lines.length - 1));
          [lines[i], lines[j]] = [lines[j], lines[i]];
        } else if (d.kind === 'delete') lines.splice(i, 1);
        else if (d.kind === 'duplicate') lines.splice(i, 0, lines[i]);
        else if (d.kind === 'replace') lines[i] = JSON.stringify(d.json);
        else if (d.kind === 'field') {
          const event = JSON.parse(lines[i]) as Record<string, unknown>;
          const keys = Object.keys(event);
          event[d.key.length > 0 ? d.key : keys[d.a % keys.length]] = d.value;
          lines[i] = JSON.stringify(event);
        } else lines[i] = lines[i].slice(0, d.at % lines[i].length);
        try {
          await runReplay(write(lines));
        } catch (error) {
          refused += 1;
          expect((error as Error).message).toMatch(/: line \d+/);
          expect(['ConfigError', 'Error']).toContain((error as Error).name);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
    // Most damage is caught; a swap of two events the run could have written in either order is not damage.
    expect(refused).toBeGreaterThan(tried * 0.8);
    console.log(`damaged recordings: ${tried} tried, ${refused} refused with a line named, ${tried - refused} replayed (harmless damage)`);
  });
});
