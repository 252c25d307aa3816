import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from '../../src/protocol/viewerMessages.js';

// What a browser (or anything else that reaches the socket) may send the server, and what the
// server's frames may be damaged into on their way to the page.
const valid = fc.constantFrom('{"type":"pause","v":1}', '{"type":"resume","v":1}', '{"type":"speed","v":1,"speed":4}', '{"type":"speed","v":1,"speed":"max"}');
const mutated = fc.tuple(valid, fc.nat(), fc.string({ maxLength: 4 })).map(([text, at, insert]) => text.slice(0, at % text.length) + insert + text.slice(at % text.length + 1));
const frames = fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), mutated, valid);

describe('parseClientMessage(text) on any frame (fast-check)', () => {
  it('never throws: it returns the message or a reason that names the field or says the frame is not JSON', () => {
    let tried = 0, refused = 0;
    fc.assert(
      fc.property(frames, (text) => {
        tried += 1;
        const parsed = parseClientMessage(text);
        if (parsed.ok) {
          expect(['pause', 'resume', 'speed']).toContain(parsed.message.type);
          return;
        }
        refused += 1;
        expect(parsed.reason).toMatch(/^(not JSON|message: |type: |v: |speed: |[\w.]+: )/);
      }),
      { numRuns: 2000, seed: 3 },
    );
    expect(refused).toBeGreaterThan(tried / 2);
    if (process.env.PROPERTY_STATS) console.log(`socket frames | ${tried} tried | ${tried - refused} accepted | ${refused} refused`);
  });
});

describe('parseServerMessage(text) on damaged frames (fast-check)', () => {
  it('throws only a parse error (SyntaxError or a zod error naming the path), never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v))), (text) => {
        try {
          parseServerMessage(text);
        } catch (error) {
          expect(['SyntaxError', 'ZodError']).toContain((error as Error).name);
        }
      }),
      { numRuns: 1000, seed: 4 },
    );
  });
});
