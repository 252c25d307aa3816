/**
 * Text files as spreadsheets and editors write them: UTF-8 with or without a byte-order mark
 * (Excel's "CSV UTF-8" starts with EF BB BF), `\n` or `\r\n` line ends. Anything that is not valid
 * UTF-8 (a Latin-1 or Windows-1252 export, a UTF-16 "Unicode text" file) is refused with the line
 * and byte of the first bad sequence, rather than decoded lossily into U+FFFD, which would turn
 * `José` into `Jos�` and silently merge or rename subjects.
 */
import { ConfigError } from '../validation.js';

/** The bytes of a file, or its text when the caller has already decoded it. */
export type TextInput = string | Uint8Array;

const BOM = '\uFEFF';
const REPLACEMENT = '\uFFFD';

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (the
 * Unicode 15 table 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or -1.
 * @example
 * firstInvalidUtf8Byte(Uint8Array.of(0x4a, 0x6f, 0x73, 0xe9)); // 3: "Jos" then a Latin-1 é
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let j = 1; j < length; j++) {
      if (i + j >= n) return i;
      const c = bytes[i + j];
      if (j === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

function lineAndByte(bytes: Uint8Array, offset: number): { line: number; byte: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, byte: offset - lineStart + 1 };
}

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Decode a file's bytes as UTF-8 (strict), dropping a leading byte-order mark. A string is taken
 * as already decoded: its byte-order mark is dropped too, and a U+FFFD in it is refused, since
 * that is what a lossy decoding (`readFileSync(path, 'utf8')`) leaves where the file was not
 * UTF-8. Errors are `ConfigError`s starting with `what` (when given) and naming the line (1-based) and the
 * byte (bytes) or character (string) within it.
 * @example
 * const text = decodeText(readFileSync('data.csv'), 'data.csv'); // bytes: exact line and byte of a bad sequence
 */
export function decodeText(input: TextInput, what?: string): string {
  const prefix = what === undefined ? '' : `${what} `;
  if (typeof input === 'string') {
    const text = input.startsWith(BOM) ? input.slice(1) : input;
    const at = text.indexOf(REPLACEMENT);
    if (at >= 0) {
      const before = text.slice(0, at);
      const line = before.split('\n').length;
      const column = at - before.lastIndexOf('\n');
      throw new ConfigError([
        `${prefix}line ${line}, character ${column}: found U+FFFD, the replacement character a lossy UTF-8 decoding leaves for bytes that are not UTF-8; ` +
          'the file is probably not UTF-8 (e.g. Latin-1): save it as UTF-8 (Excel: "CSV UTF-8")',
      ]);
    }
    return text;
  }
  if (input.length >= 2 && ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff))) {
    throw new ConfigError([`${prefix}line 1, byte 1: starts with a UTF-16 byte-order mark (${hex(input[0])} ${hex(input[1])}); save it as UTF-8 (Excel: "CSV UTF-8")`]);
  }
  const bad = firstInvalidUtf8Byte(input);
  if (bad >= 0) {
    const { line, byte } = lineAndByte(input, bad);
    const shown = Array.from(input.subarray(bad, bad + 4), hex).join(' ');
    const latin1 = input[bad] >= 0xa0 ? ` (in Latin-1 that byte is ${JSON.stringify(String.fromCharCode(input[bad]))})` : '';
    throw new ConfigError([`${prefix}line ${line}, byte ${byte}: not valid UTF-8 at bytes ${shown}${latin1}; save the file as UTF-8 (Excel: "CSV UTF-8")`]);
  }
  // Checked above, so `fatal` never fires; it keeps a future edit from decoding lossily. The
  // decoder drops a leading byte-order mark itself (ignoreBOM false).
  return new TextDecoder('utf-8', { fatal: true }).decode(input);
}
