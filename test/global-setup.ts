/**
 * Runs once before the suite, in the main process: the suite's log (test/helpers/suite-log.ts) gets a
 * directory of its own, which the test workers inherit through the environment, so that two suites
 * running on one machine at once never mix or delete each other's logs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): void {
  process.env.SUITE_LOG_DIR ??= mkdtempSync(join(tmpdir(), 'agora-graphql-suite-log-'));
}
