import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_PROJECT } from '../../src/emulator/context.ts';
import { TEST_API_KEY, TEST_JWT_SECRET } from '../helpers/auth.ts';
import { SUITE_LOG_DIR } from '../helpers/suite-log.ts';

/**
 * Runs last, after every other test (its own project in test/vitest.config.ts): what the suite's
 * gateways logged, at debug level, and every response body the helpers received, hold no configured
 * secret, in clear or as the Basic auth header that carries it.
 */
describe('secrets', () => {
  it('appear in no log line and no response of the whole suite', () => {
    expect(existsSync(SUITE_LOG_DIR)).toBe(true);
    const text = readdirSync(SUITE_LOG_DIR)
      .map((f) => readFileSync(join(SUITE_LOG_DIR, f), 'utf8'))
      .join('\n');
    // The suite logs and answers a lot: this is not an empty search.
    expect(text.length).toBeGreaterThan(100_000);
    const secrets = {
      'the JWT secret': TEST_JWT_SECRET,
      'the service API key': TEST_API_KEY,
      'the customer secret': DEV_PROJECT.customerSecret,
      'the app certificate': DEV_PROJECT.appCertificate,
      'the Basic auth header': Buffer.from(`${DEV_PROJECT.customerKey}:${DEV_PROJECT.customerSecret}`).toString('base64'),
    };
    for (const [what, secret] of Object.entries(secrets)) expect(text.includes(secret), what).toBe(false);
  });
});
