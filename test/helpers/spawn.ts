import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { leftover } from './leftovers.ts';
import { recordSuiteText } from './suite-log.ts';

export const BIN = fileURLToPath(new URL('../../src/bin.mjs', import.meta.url));

/**
 * Environment that has a started process print `loading module <package>` when it first loads one of these
 * packages (test/helpers/report-module-loads.mjs), for tests of what the gateway loads and when.
 */
export const reportingModuleLoads = (...packages: string[]): Record<string, string> => ({
  NODE_OPTIONS: `--import ${fileURLToPath(new URL('./report-module-loads.mjs', import.meta.url))}`,
  REPORT_MODULE_LOADS: packages.join(','),
});

/** The environment without any Agora or gateway settings of the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AGORA_|PORT$|HOST$|EMULATOR_|REDIS_)/.test(k)) env[k] = v;
  // Debug logs, which the suite's last test searches for secrets along with everything else.
  return { ...env, LOG_LEVEL: 'debug', ...extra };
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/**
 * A functional test's worker runs in Linux's idle scheduling class (test/setup-functional.ts), and the
 * processes it starts inherit it. A gateway process is timed by what it serves (a poller's lease renewed
 * every few hundred milliseconds, a start awaited by the test), and beside the load test an idle process
 * gets no CPU at all for its 20 s: a leader started then printed nothing before its test gave up. So the
 * command (and the redis-server the instances share) runs in the normal class where the machine allows it (CI runs as root); elsewhere it stays idle.
 */
export function leaveIdleClass(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    execFileSync('chrt', ['--all-tasks', '--other', '--pid', '0', String(child.pid)], { stdio: 'ignore' });
  } catch {
    // Not permitted (an unprivileged user with no RLIMIT_NICE) or no chrt: the process keeps the worker's class.
  }
}

/** Runs the agora-graphql command; the process is killed after the test if still running. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Running {
  const child = leftover(spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }), (c) => {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  leaveIdleClass(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The emulator command prints its development credentials on purpose; a gateway's output must hold none.
  if (args[0] !== 'emulator') child.on('exit', () => recordSuiteText(`${out}\n${err}`));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            clearInterval(timer);
            clearTimeout(deadline);
            resolve(m);
          }
        };
        const timer = setInterval(check, 25);
        const deadline = setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        check();
      });
    },
  };
}
