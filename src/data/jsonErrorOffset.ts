/**
 * Where a JSON text stops being JSON. `JSON.parse` names a position for some errors ("in JSON at
 * position 12") but not for others ("Unexpected token ']', "[1,]" is not valid JSON"), so a
 * message about a 200-line scenario file could not say which line to look at. This scanner
 * (RFC 8259 grammar, iterative so that nesting depth costs no stack) finds the offset itself.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Offset just past a string starting at `start` (a `"`), or the negated offset of its first error minus 1. */
function scanString(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const ch = text[j];
    if (ch === '"') return j + 1;
    if (ch < ' ') return -j - 1;
    if (ch === '\\') {
      const next = text[j + 1];
      if (next === 'u') {
        if (!HEX4.test(text.slice(j + 2, j + 6))) return -j - 1;
        j += 5;
      } else if (next !== undefined && ESCAPES.has(next)) j += 1;
      else return -j - 1;
    }
  }
  return -text.length - 1;
}

/**
 * The offset of the first character at which `text` is not valid JSON (`text.length` when it ends
 * too early), or -1 when it is valid.
 * @example
 * jsonErrorOffset('[1,]'); // 3
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: string[] = [];
  type Expect = 'value' | 'key' | 'colon' | 'next' | 'end';
  let expect = 'value' as Expect;
  let i = 0;
  const afterValue = (): Expect => (stack.length > 0 ? 'next' : 'end');
  for (;;) {
    while (i < n && WHITESPACE.has(text[i])) i++;
    if (i >= n) return expect === 'end' ? -1 : n;
    const c = text[i];
    if (expect === 'end') return i;
    if (expect === 'colon') {
      if (c !== ':') return i;
      i += 1;
      expect = 'value';
    } else if (expect === 'key') {
      if (c !== '"') return i;
      const end = scanString(text, i);
      if (end < 0) return -end - 1;
      i = end;
      expect = 'colon';
    } else if (expect === 'next') {
      const open = stack[stack.length - 1];
      if (c === ',') {
        i += 1;
        expect = open === '{' ? 'key' : 'value';
      } else if (c === (open === '{' ? '}' : ']')) {
        stack.pop();
        i += 1;
        expect = afterValue();
      } else return i;
    } else if (c === '{' || c === '[') {
      i += 1;
      while (i < n && WHITESPACE.has(text[i])) i++;
      if (text[i] === (c === '{' ? '}' : ']')) {
        i += 1;
        expect = afterValue();
      } else {
        stack.push(c);
        expect = c === '{' ? 'key' : 'value';
      }
    } else if (c === '"') {
      const end = scanString(text, i);
      if (end < 0) return -end - 1;
      i = end;
      expect = afterValue();
    } else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      let length = literal?.length ?? 0;
      if (literal === undefined) {
        NUMBER.lastIndex = i;
        length = NUMBER.exec(text)?.[0].length ?? 0;
      }
      if (length === 0) return i;
      i += length;
      expect = afterValue();
    }
  }
}
