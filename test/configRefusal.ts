import { expect } from 'vitest';
import { ConfigError } from '../src/validation.js';

/** The message of the ConfigError that `run` throws (fails the test when it throws something else or nothing). */
export function configRefusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}
