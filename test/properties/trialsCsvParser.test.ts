import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyTrialsSession, formatTrialsCsv, parseTrialsCsv, type TrialsSession } from '../../src/data/trialsCsv.js';
import { readSharedData } from '../sharedData.js';
import { counts, outcome, printCounts } from './refusals.js';

/** Every refusal of a trials CSV names its line (and the column, when one field is at fault). */
const NAMES_LINE = /^line \d+(, (column "[a-z0-9_]+"|byte \d+|character \d+))?: /;
const settings = { seed: 20260610, numRuns: 1000 };
const encode = (text: string) => new TextEncoder().encode(text);

afterAll(() => printCounts('trials CSV'));

/** Two small real files: 3 two-stage subjects (with missed trials) and 3 reversal subjects. */
const twoStage = formatTrialsCsv(parseTrialsCsv(readSharedData('hbayesdm_two_step.csv')).sessions.slice(0, 3).map((s) => cut(s, 25)));
const reversal = formatTrialsCsv(parseTrialsCsv(readSharedData('hbayesdm_prl.csv')).sessions.slice(0, 3).map((s) => cut(s, 25)));

function cut(session: TrialsSession, nTrials: number): TrialsSession {
  const out = emptyTrialsSession(session.task, session.subject, session.session, nTrials);
  for (const key of ['choice', 'stage2State', 'stage2Choice', 'reward', 'block', 'reversal', 'common', 'valid'] as const) out[key].set(session[key].subarray(0, nTrials));
  return out;
}

const FIELD_VALUES = ['', '0', '1', '2', '-1', '0.5', ' 1', '1 ', '"', '""', '"1"', 'NaN', '١', 'é', '\r', '\t', ',', ';', 'reversal', 'two_stage', '00', '01', '99999999999999999999', '\uFEFF', '\uFFFD'];

const csvEdit = fc.record({
  file: fc.boolean(),
  line: fc.nat(),
  column: fc.nat({ max: 11 }),
  kind: fc.constantFrom('field', 'field', 'field', 'deleteLine', 'duplicateLine', 'swapLines', 'dropComma', 'addComma', 'badByte', 'randomBytes', 'truncate'),
  value: fc.oneof(fc.constantFrom(...FIELD_VALUES), fc.string({ maxLength: 6 })),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
  at: fc.nat(),
});

type CsvEdit = typeof csvEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit({ file, line, column, kind, value, bytes, at }: CsvEdit): string | Uint8Array {
  const text = file ? twoStage : reversal;
  const lines = text.split('\n');
  const i = line % (lines.length - 1);
  const j = (line * 7 + 3) % (lines.length - 1);
  if (kind === 'field') {
    const fields = lines[i].split(',');
    fields[column % fields.length] = value;
    lines[i] = fields.join(',');
  } else if (kind === 'deleteLine') lines.splice(i, 1);
  else if (kind === 'duplicateLine') lines.splice(i, 0, lines[i]);
  else if (kind === 'swapLines') [lines[i], lines[j]] = [lines[j], lines[i]];
  else if (kind === 'dropComma') lines[i] = lines[i].replace(',', '');
  else if (kind === 'addComma') lines[i] = `${lines[i]},`;
  const edited = lines.join('\n');
  if (kind === 'badByte' || kind === 'randomBytes') {
    const raw = encode(edited);
    const k = at % raw.length;
    const inserted = kind === 'badByte' ? Uint8Array.of(0xe9) : bytes;
    return Uint8Array.from([...raw.subarray(0, k), ...inserted, ...raw.subarray(k)]);
  }
  if (kind === 'truncate') return edited.slice(0, at % edited.length);
  return edited;
}

/** A valid two-stage or reversal table: sessions of 1-8 trials whose columns obey the format's rules. */
const validTable = fc.constantFrom<'reversal' | 'two_stage'>('reversal', 'two_stage').chain((task) =>
  fc.array(
    fc.record({
      subject: fc.stringMatching(/^[A-Za-z0-9éü_-]{1,6}$/),
      trials: fc.array(fc.record({ choice: fc.integer({ min: -1, max: 1 }), state: fc.integer({ min: -1, max: 1 }), stage2: fc.integer({ min: -1, max: 1 }), reward: fc.integer({ min: -1, max: 1 }), block: fc.integer({ min: -1, max: 3 }) }), { minLength: 1, maxLength: 8 }),
    }),
    { minLength: 1, maxLength: 4 },
  ).map((specs) => {
    const seen = new Set<string>();
    return specs.filter(({ subject }) => !seen.has(subject) && seen.add(subject)).map(({ subject, trials }) => {
      const s = emptyTrialsSession(task, subject, subject, trials.length);
      trials.forEach(({ choice, state, stage2, reward, block }, t) => {
        s.choice[t] = choice;
        s.valid[t] = choice >= 0 ? 1 : 0;
        if (task === 'two_stage' && choice >= 0) {
          s.stage2State[t] = state;
          s.common[t] = state < 0 ? -1 : state === choice ? 1 : 0;
          if (state >= 0) s.stage2Choice[t] = stage2;
        }
        s.reward[t] = reward;
        s.block[t] = block;
        s.reversal[t] = 0;
      });
      return s;
    });
  }),
);

describe('parseTrialsCsv on generated input (fast-check)', () => {
  it('parseTrialsCsv(any bytes) refuses with a ConfigError naming the line, never crashes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => void outcome('random bytes', NAMES_LINE, () => parseTrialsCsv(bytes))), settings);
  });

  it('parseTrialsCsv(any string) refuses with a ConfigError naming the line, never crashes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => void outcome('random strings', NAMES_LINE, () => parseTrialsCsv(text))), settings);
  });

  it('parseTrialsCsv(a real file with a field, line, comma or byte changed) accepts or refuses naming the line', () => {
    fc.assert(fc.property(csvEdit, (edit) => void outcome('mutated valid files', NAMES_LINE, () => parseTrialsCsv(applyEdit(edit)))), settings);
    const { accepted, refused } = counts.get('mutated valid files')!;
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('parseTrialsCsv(formatTrialsCsv(table)) gives the table back, with or without a BOM, CRLF, a final newline, as bytes or text', () => {
    const variant = fc.record({ bom: fc.boolean(), crlf: fc.boolean(), finalNewline: fc.boolean(), bytes: fc.boolean() });
    fc.assert(
      fc.property(validTable, variant, (sessions, { bom, crlf, finalNewline, bytes }) => {
        const plain = formatTrialsCsv(sessions);
        let text = crlf ? plain.replace(/\n/g, '\r\n') : plain;
        if (!finalNewline) text = text.replace(/\r?\n$/, '');
        if (bom) text = `\uFEFF${text}`;
        let parsed: ReturnType<typeof parseTrialsCsv> | undefined;
        expect(outcome('valid tables in spreadsheet variants', NAMES_LINE, () => (parsed = parseTrialsCsv(bytes ? encode(text) : text)))).toBe('accepted');
        expect(parsed!.sessions).toEqual(parseTrialsCsv(plain).sessions);
        expect(parsed!.sessions.map((s) => s.subject)).toEqual(sessions.map((s) => s.subject));
      }),
      settings,
    );
  });
});
