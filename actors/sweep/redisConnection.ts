/**
 * Reaching the Redis of a BullMQ sweep: a URL checked and pinged before anything is queued, so an
 * unreachable or mistyped server is one clear message within seconds instead of a silent wait.
 */
import { Redis } from 'ioredis';

/** How long a connection attempt may take before it is reported as unreachable. */
export const REDIS_CONNECT_TIMEOUT_MS = 3000;

/** The keys a sweep keeps next to BullMQ's own: `<prefix>:sweep:plan:<id>`, `<prefix>:sweep:data:<sha256>`. */
export const planKey = (prefix: string, planId: string) => `${prefix}:sweep:plan:${planId}`;
export const dataKey = (prefix: string, sha: string) => `${prefix}:sweep:data:${sha}`;

/** BullMQ's connection options for a URL (its blocking commands need no per-request retry cap). */
export function bullmqConnection(url: string) {
  return { url, maxRetriesPerRequest: null };
}

/**
 * A connected, pinged client, or an Error naming the URL and the cause.
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 */
export async function connectRedis(url: string): Promise<Redis> {
  if (!/^rediss?:\/\/[^/]+/.test(url)) throw new Error(`--redis must be a URL redis://HOST:PORT (or rediss://), got ${JSON.stringify(url)}`);
  const client = new Redis(url, { lazyConnect: true, connectTimeout: REDIS_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // ioredis reports the cause (ECONNREFUSED, ETIMEDOUT, ...) as an 'error' event and rejects with "Connection is closed".
  let cause: string | undefined;
  client.on('error', (error: Error) => (cause ??= error.message));
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot reach Redis at ${url}: ${cause ?? (error as Error).message} (is redis-server running there and listening on that address?)`);
  }
}
