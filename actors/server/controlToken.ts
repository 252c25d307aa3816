/**
 * The per-run token that lets a viewer control the run (pause, resume, speed), the way Jupyter's
 * token guards a notebook server: printed by the CLI in the viewer URL, read by the page from its
 * own address. 128 random bits from node:crypto, compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Shortest token the server accepts as an option (tests pass their own). */
export const MIN_TOKEN_LENGTH = 16;

/**
 * @example
 * const token = newControlToken(); // 32 hex digits, e.g. '9f86d081884c7d659a2feaa0c55ad015'
 */
export function newControlToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Whether `given` is the token, in time that does not depend on where they differ. Both sides are
 * hashed first so their lengths match, as `timingSafeEqual` needs.
 * @example
 * sameToken(url.searchParams.get('token') ?? '', token);
 */
export function sameToken(given: string, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}
