/** Runs once before the suite: the suite's log starts empty (test/helpers/suite-log.ts). */
import { rmSync } from 'node:fs';
import { SUITE_LOG_DIR } from './helpers/suite-log.ts';

export default function setup(): void {
  rmSync(SUITE_LOG_DIR, { recursive: true, force: true });
}
