import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8Byte } from '../src/data/decodeText.js';
import { parseTrialsCsv } from '../src/data/trialsCsv.js';
import { ConfigError } from '../src/validation.js';
import { configRefusal } from './configRefusal.js';

const HEADER = 'task,subject,session,trial,choice,stage2_state,stage2_choice,reward,block,reversal';
const REVERSAL = `${HEADER}\nreversal,José,s1,0,0,,,1,,\nreversal,José,s1,1,1,,,0,,\nreversal,Zoë,s2,0,1,,,1,,\n`;
const utf8 = (text: string) => new TextEncoder().encode(text);
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** The text as a Latin-1 (ISO 8859-1) export writes it: one byte per character. */
const latin1 = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

const refusal = configRefusal;

describe('parseTrialsCsv with files as spreadsheets write them', () => {
  const expected = parseTrialsCsv(REVERSAL);

  it('parseTrialsCsv accepts a UTF-8 byte-order mark (Excel "CSV UTF-8"), in bytes and in text', () => {
    expect(parseTrialsCsv(concat(BOM, utf8(REVERSAL)))).toEqual(expected);
    expect(parseTrialsCsv(`\uFEFF${REVERSAL}`)).toEqual(expected);
  });

  it('parseTrialsCsv accepts CRLF line ends and a missing final newline, with the same line numbers', () => {
    const crlf = REVERSAL.replace(/\n/g, '\r\n');
    expect(parseTrialsCsv(crlf)).toEqual(expected);
    expect(parseTrialsCsv(concat(BOM, utf8(crlf.slice(0, -2))))).toEqual(expected);
    expect(parseTrialsCsv(REVERSAL.slice(0, -1))).toEqual(expected);
    expect(refusal(() => parseTrialsCsv(crlf.replace('reversal,Zoë,s2,0,1', 'reversal,Zoë,s2,0,7')))).toBe('line 4, column "choice": expected 0, 1 or empty, got "7"');
  });

  it('parseTrialsCsv keeps UTF-8 subject names', () => {
    expect(parseTrialsCsv(utf8(REVERSAL)).sessions.map((s) => s.subject)).toEqual(['José', 'Zoë']);
  });

  it('parseTrialsCsv refuses Latin-1 bytes, naming the line and byte instead of turning them into U+FFFD', () => {
    expect(refusal(() => parseTrialsCsv(latin1(REVERSAL)))).toBe(
      'line 2, byte 13: not valid UTF-8 at bytes 0xE9 0x2C 0x73 0x31 (in Latin-1 that byte is "é"); save the file as UTF-8 (Excel: "CSV UTF-8")',
    );
  });

  it('parseTrialsCsv refuses text a lossy decoding left U+FFFD in, naming the line and character', () => {
    const lossy = new TextDecoder().decode(latin1(REVERSAL));
    expect(lossy).toContain('Jos\uFFFD');
    expect(refusal(() => parseTrialsCsv(lossy))).toMatch(/^line 2, character 13: found U\+FFFD, the replacement character a lossy UTF-8 decoding leaves/);
  });

  it('parseTrialsCsv refuses a UTF-16 file by its byte-order mark', () => {
    expect(refusal(() => parseTrialsCsv(Uint8Array.of(0xff, 0xfe, 0x74, 0x00)))).toMatch(/^line 1, byte 1: starts with a UTF-16 byte-order mark \(0xFF 0xFE\)/);
  });

  it('parseTrialsCsv turns csv-parse errors (quotes the format does not use) into ConfigErrors naming the line', () => {
    expect(refusal(() => parseTrialsCsv(`${HEADER}\nreversal,"a,s1,0,0,,,1,,\n`))).toMatch(/^line \d+: Quote Not Closed/);
    expect(refusal(() => parseTrialsCsv(`${HEADER}\nreversal,a"b"c,s1,0,0,,,1,,\n`))).toMatch(/^line 2: Invalid Opening Quote/);
  });
});

describe('decodeText', () => {
  it('firstInvalidUtf8Byte agrees with a fatal TextDecoder on overlongs, surrogates, truncations and code points above U+10FFFF', () => {
    const cases = [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0x41, 0xe2, 0x82, 0xac]];
    for (const bytes of cases) {
      const array = Uint8Array.from(bytes);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(array);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8Byte(array) === -1).toBe(valid);
    }
    expect(firstInvalidUtf8Byte(Uint8Array.of(0x41, 0x0a, 0x42, 0xe9))).toBe(3);
  });

  it('decodeText names the file when told its name', () => {
    expect(refusal(() => decodeText(Uint8Array.of(0x7b, 0x0a, 0xff), 'x.json'))).toMatch(/^x\.json line 2, byte 1: not valid UTF-8 at bytes 0xFF/);
  });
});
