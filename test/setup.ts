/**
 * Runs before every test file (vitest `setupFiles`): each test's leftovers are disposed after it. Here
 * rather than in helpers/leftovers.ts because files share modules (isolate: false), and a hook a shared
 * module registers when first imported would belong to the first file only.
 */
import { afterEach } from 'vitest';
import { disposeLeftovers } from './helpers/leftovers.ts';

afterEach(disposeLeftovers);
