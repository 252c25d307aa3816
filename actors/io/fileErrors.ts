/**
 * One line for a file-system error: its code and what it means, without node's trailing
 * `, open '/the/path'` (the caller names the file in its own words).
 */

/**
 * @example
 * describeFileError(enospc); // 'ENOSPC: no space left on device'
 */
export function describeFileError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as NodeJS.ErrnoException;
  const message = error.message.replace(/, (open|write|close|rename|unlink|mkdir|stat|fsync|scandir|lstat) ?('[^']*')?$/, '');
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
