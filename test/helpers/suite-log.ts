/**
 * What the whole suite's gateways logged and answered, kept in one directory (a file per worker), so
 * that the last test of the run can search it for every configured secret (test/zz-secrets/secrets.test.ts).
 */
import { appendFileSync, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set by test/global-setup.ts for the whole run; a fixed place when a file runs outside it. */
export const SUITE_LOG_DIR = process.env.SUITE_LOG_DIR ?? join(tmpdir(), 'agora-graphql-suite-log');

let stream: WriteStream | undefined;
const file = () => join(SUITE_LOG_DIR, `${process.pid}.log`);

/** A destination for a gateway's logger: this worker's file. */
export function suiteLogStream(): NodeJS.WritableStream {
  if (!stream) {
    mkdirSync(SUITE_LOG_DIR, { recursive: true });
    stream = createWriteStream(file(), { flags: 'a' });
  }
  return stream;
}

/** Records text a client saw (a response body, a process's output). */
export function recordSuiteText(text: string): void {
  mkdirSync(SUITE_LOG_DIR, { recursive: true });
  appendFileSync(file(), `${text}\n`);
}
