/**
 * Runs before every functional test file (test/vitest.config.ts). The first time in a worker, it puts the
 * worker, with every thread it has and every process it will start (gateways, redis-server, Chromium),
 * in Linux's idle scheduling class (SCHED_IDLE): it runs on whatever CPU the rest of the machine leaves.
 * The load test runs beside the functional tests and measures throughput in real time; this way it gets
 * all the CPU it asks for, and the suite takes about as long as its longer half rather than their sum.
 * Where `chrt` (util-linux) is missing, the worker takes the lowest nice value instead, a weaker yield.
 */
import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';

const worker = globalThis as { yieldsCpu?: boolean };
if (!worker.yieldsCpu) {
  worker.yieldsCpu = true;
  try {
    execFileSync('chrt', ['--all-tasks', '--idle', '--pid', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    setPriority(19);
  }
}
