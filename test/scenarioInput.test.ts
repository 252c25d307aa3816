import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../actors/io/liveRun.js';
import { parseScenario, parseScenarioText } from '../actors/system/scenario.js';
import { jsonErrorOffset } from '../src/data/jsonErrorOffset.js';
import { checkJsonDepth } from '../src/validation.js';
import { configRefusal } from './configRefusal.js';

const FILE = 'scenarios/volatile-reward.json';
const text = readFileSync(FILE, 'utf8');

const refusal = configRefusal;

/** `{ a: { a: ... value } }`, `depth` objects deep. */
function nest(depth: number, value: unknown = 1): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = { a: out };
  return out;
}

describe('parseScenarioText', () => {
  it('parseScenarioText accepts a UTF-8 byte-order mark (as Windows editors write), in text and in bytes', () => {
    const expected = parseScenarioText(text, FILE);
    expect(parseScenarioText(`\uFEFF${text}`, FILE)).toEqual(expected);
    expect(parseScenarioText(readFileSync(FILE), FILE)).toEqual(expected);
    expect(parseScenarioText(new Uint8Array([0xef, 0xbb, 0xbf, ...readFileSync(FILE)]), FILE)).toEqual(expected);
    expect(parseScenarioText(text.replace(/\n/g, '\r\n').trimEnd(), FILE)).toEqual(expected);
  });

  it('parseScenarioText refuses bytes that are not UTF-8, naming the file, line and byte', () => {
    const latin1 = Uint8Array.from(text.replace('"volatile-reward"', '"volatile-caf\u00e9"'), (ch) => ch.charCodeAt(0));
    expect(refusal(() => parseScenarioText(latin1, FILE))).toMatch(/^scenarios\/volatile-reward\.json line 2, byte \d+: not valid UTF-8 at bytes 0xE9/);
  });

  it('parseScenarioText names the line and column of bad JSON, also where JSON.parse gives no position', () => {
    expect(refusal(() => parseScenarioText('{\n  "name": "x",\n  "agents": [1,]\n}', 'bad.json'))).toMatch(/^bad\.json is not valid JSON \(line 3, column 16\): /);
    expect(refusal(() => parseScenarioText('{"name": ', 'cut.json'))).toMatch(/^cut\.json is not valid JSON \(line 1, column 10\): /);
  });

  it('jsonErrorOffset finds no error in valid JSON and the first bad character otherwise', () => {
    for (const valid of [text, '[]', '{}', ' "\\u00e9\\n" ', '-0.5e+3', '[[[]],{"a":[null,true,false]}]']) expect(jsonErrorOffset(valid)).toBe(-1);
    expect([jsonErrorOffset('[1,]'), jsonErrorOffset('{"a" 1}'), jsonErrorOffset('01'), jsonErrorOffset('"a\\x"'), jsonErrorOffset('[')]).toEqual([3, 5, 1, 2, 1]);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(-1);
  });

  it('parseScenarioText refuses a 100,000-deep value with its path instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(refusal(() => parseScenarioText(text.replace('"seed": 3', `"seed": ${deep}`), FILE))).toBe(
      'scenario.seed.0.0.0.0.0.0.0...0.0 nests deeper than 64 levels of objects and arrays',
    );
  });
});

describe('loadScenarioFile', () => {
  it('loadScenarioFile (what `brain-rnn live` reads) accepts a BOM and CRLF file and refuses a Latin-1 one with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-input-'));
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    expect(loadScenarioFile(join(dir, 'bom.json'))).toEqual(parseScenarioText(text, FILE));
    writeFileSync(join(dir, 'latin1.json'), Uint8Array.from(text.replace('"volatile-reward"', '"volatile-caf\u00e9"'), (ch) => ch.charCodeAt(0)));
    expect(refusal(() => loadScenarioFile(join(dir, 'latin1.json')))).toMatch(/latin1\.json line 2, (byte|character) \d+: /);
  });
});

describe('parseScenario nesting', () => {
  const scenario = JSON.parse(text);
  it('parseScenario refuses 100,000-deep overrides or task options, naming the path', () => {
    const withOverrides = { ...scenario, agents: [{ ...scenario.agents[0], model: { ...scenario.agents[0].model, overrides: nest(100_000) } }] };
    expect(refusal(() => parseScenario(withOverrides))).toBe('scenario.agents.0.model.overrides.a.a.a.a...a.a nests deeper than 64 levels of objects and arrays');
    expect(refusal(() => parseScenario({ ...scenario, task: { ...scenario.task, options: nest(100_000) } }, 'x.json'))).toMatch(/^x\.json\.task\.options\.a\.a/);
  });

  it('checkJsonDepth accepts 64 levels and refuses 65', () => {
    expect(() => checkJsonDepth(nest(64), 'v')).not.toThrow();
    expect(() => checkJsonDepth(nest(65), 'v')).toThrow('nests deeper than 64 levels');
  });
});
