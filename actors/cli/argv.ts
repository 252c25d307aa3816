/**
 * The seed's command line used snake_case flags (`--n_epochs`); we document kebab-case
 * (`--n-epochs`) and accept both by rewriting underscores in long flag names before parsing.
 */
export function normalizeFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    if (!arg.startsWith('--')) return arg;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    return name.replaceAll('_', '-') + (eq === -1 ? '' : arg.slice(eq));
  });
}

/** Parse a flag value as an integer within bounds, with the house error message (and why the bounds, when given). */
export function integerFlag(name: string, min: number, max = Number.MAX_SAFE_INTEGER, why?: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new Error(`--${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]${why ? ` (${why})` : ''}, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

/** --n-sessions of `train` and `run`: enough sessions that the validation and test shares each get one. */
export function sessionsFlag(min: number) {
  return integerFlag('n-sessions', min, Number.MAX_SAFE_INTEGER, `10% of the sessions validate and 10% test, which needs at least ${min}`);
}

/** Parse a flag value as a finite number > min (or Infinity when allowed), with the house error message. */
export function positiveNumberFlag(name: string) {
  return (value: string): number => {
    const parsed = value === 'max' || value === 'Infinity' ? Infinity : Number(value);
    if (Number.isNaN(parsed) || parsed <= 0) throw new Error(`--${name} must be a number > 0 (or "max"), got ${JSON.stringify(value)}`);
    return parsed;
  };
}
