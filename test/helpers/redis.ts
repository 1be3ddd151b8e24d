/**
 * A real redis-server for a test, on a free loopback port, with nothing persisted; stopped (and its
 * clients disconnected) after the test. `.ci/run` installs Debian's redis-server when it is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { leftover } from './leftovers.ts';
import { leaveIdleClass } from './spawn.ts';

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  /** A new connection, closed after the test. */
  client(): Redis;
}

export async function startRedis(): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`no redis-server at ${REDIS_SERVER}: install Debian's redis-server (apt-get install redis-server), as .ci/run does`);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    leaveIdleClass(child);
    leftover(child, (c) => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve(true);
      });
      child.once('exit', () => resolve(false));
    });
    if (ready) {
      const url = `redis://127.0.0.1:${port}`;
      return { url, client: () => leftover(new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 }), (r) => r.disconnect()) };
    }
    // Another process took the port between the probe and redis-server: try another.
    if (attempt >= 3) throw new Error('redis-server did not start');
  }
}
