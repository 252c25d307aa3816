/**
 * Real servers started for a test or a bench on this machine: a free port on 127.0.0.1, and
 * Debian's redis-server listening there (no persistence), stopped by its PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A port nothing listens on at the moment (on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  pid: number;
  stop(): void;
}

/** Start `redis-server` on 127.0.0.1 at a free port; resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed: apt-get install -y redis-server (.ci/run installs it)');
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop: () => process.kill(child.pid!, 'SIGTERM') };
}
