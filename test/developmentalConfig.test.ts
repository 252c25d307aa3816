import { describe, expect, it } from 'vitest';
import { createMatureConfig, validateDevelopmentalConfig } from '../src/model/config.js';
import { configRefusal } from './configRefusal.js';

const refusal = (config: unknown) => configRefusal(() => validateDevelopmentalConfig(config));

describe('validateDevelopmentalConfig', () => {
  it('validateDevelopmentalConfig names the rank bound [1, nHidden - 1] of the config, not the schema-wide [1, 4095]', () => {
    const eight = createMatureConfig({ nHidden: 8 });
    expect(refusal({ ...eight, rank: 0 })).toBe('config.rank must be an integer in [1, 7], got 0');
    expect(refusal({ ...eight, rank: 5000 })).toBe('config.rank must be an integer in [1, 7], got 5000');
    expect(refusal({ ...eight, rank: 2.5 })).toBe('config.rank must be an integer in [1, 7], got 2.5');
    expect(refusal({ ...eight, nHidden: 'many', rank: 0 })).toBe('config.nHidden must be an integer in [2, 4096], got "many"; config.rank must be an integer in [1, nHidden - 1], got 0');
    expect(refusal({ ...eight, rank: undefined })).toBe('config.rank is required');
    expect(validateDevelopmentalConfig({ ...eight, rank: 7 }).rank).toBe(7);
  });
});
