import { describe, expect, it } from 'vitest';
import type { HostPlan, HostRole } from '../../src/agora/hosts.ts';
import { decideRetry, SEED_SCHEDULE, type Failure, type Replay } from '../../src/agora/retry-policy.ts';

const signalingHosts: HostPlan = { primary: 'https://api.agora.io', alternate: 'https://api.sd-rtn.com', regional: 'https://api-eu-west-1.agora.io' };
const chatHosts: HostPlan = { primary: 'https://a1.chat.agora.io' };
const schedule = { ...SEED_SCHEDULE, jitterRatio: 0 };

const dns: Failure = { kind: 'dns' };
const connect: Failure = { kind: 'connect' };
const network: Failure = { kind: 'network' };
const status = (s: number, retryAfterMs?: number): Failure => ({ kind: 'status', status: s, retryAfterMs });

type Row = [string, Replay, Failure, number, HostRole, HostPlan, ReturnType<typeof decideRetry>];

// Each row: why, replay, failure, attempts so far, host of the failed attempt, hosts, expected decision.
const rows: Row[] = [
  [
    'seed 000: the first retry goes to the primary after 1 s',
    'idempotent',
    status(503),
    1,
    'primary',
    signalingHosts,
    { retry: true, host: 'primary', delayMs: 1000, why: expect.any(String) },
  ],
  [
    'seed 000: the second retry goes to the alternate domain after 3 s',
    'idempotent',
    status(503),
    2,
    'primary',
    signalingHosts,
    { retry: true, host: 'alternate', delayMs: 3000, why: expect.any(String) },
  ],
  [
    'seed 000: the third retry goes to the adjacent region after 6 s',
    'idempotent',
    status(503),
    3,
    'alternate',
    signalingHosts,
    { retry: true, host: 'regional', delayMs: 6000, why: expect.any(String) },
  ],
  [
    'seed 000: after the regional retry there is nothing left',
    'idempotent',
    status(503),
    4,
    'regional',
    signalingHosts,
    { retry: false, maybeProcessed: false, why: expect.stringMatching(/every retry/) },
  ],
  [
    'DNS failure: the alternate domain may resolve',
    'idempotent',
    dns,
    2,
    'primary',
    signalingHosts,
    { retry: true, host: 'alternate', delayMs: 3000, why: expect.any(String) },
  ],
  [
    'network failure that is not DNS skips the alternate domain',
    'idempotent',
    network,
    2,
    'primary',
    signalingHosts,
    { retry: true, host: 'regional', delayMs: 3000, why: expect.any(String) },
  ],
  [
    'a refused connection is a network failure too',
    'once',
    connect,
    2,
    'primary',
    signalingHosts,
    { retry: true, host: 'regional', delayMs: 3000, why: expect.any(String) },
  ],
  [
    'after skipping to the region, there is no further host',
    'idempotent',
    network,
    3,
    'regional',
    signalingHosts,
    { retry: false, maybeProcessed: true, why: expect.any(String) },
  ],
  [
    'a send retries when nothing reached Agora (DNS)',
    'once',
    dns,
    1,
    'primary',
    signalingHosts,
    { retry: true, host: 'primary', delayMs: 1000, why: expect.any(String) },
  ],
  [
    'a send retries on 503: Agora did not process it',
    'once',
    status(503),
    1,
    'primary',
    signalingHosts,
    { retry: true, host: 'primary', delayMs: 1000, why: expect.any(String) },
  ],
  [
    'a send is not replayed after a dropped connection',
    'once',
    network,
    1,
    'primary',
    signalingHosts,
    { retry: false, maybeProcessed: true, why: expect.stringMatching(/deliver twice/) },
  ],
  ['a send is not replayed after a 500', 'once', status(500), 1, 'primary', signalingHosts, { retry: false, maybeProcessed: true, why: expect.any(String) }],
  [
    'a send is not replayed after a 408 timeout',
    'once',
    status(408),
    1,
    'primary',
    signalingHosts,
    { retry: false, maybeProcessed: true, why: expect.any(String) },
  ],
  [
    'a destructive read is not repeated after a dropped connection',
    'destructive',
    network,
    1,
    'primary',
    signalingHosts,
    { retry: false, maybeProcessed: true, why: expect.stringMatching(/skip them/) },
  ],
  [
    'a destructive read is repeated when it never reached Agora',
    'destructive',
    connect,
    1,
    'primary',
    signalingHosts,
    { retry: true, host: 'primary', delayMs: 1000, why: expect.any(String) },
  ],
  [
    'an idempotent read retries after a dropped connection',
    'idempotent',
    network,
    1,
    'primary',
    signalingHosts,
    { retry: true, host: 'primary', delayMs: 1000, why: expect.any(String) },
  ],
  [
    '429 waits as Retry-After says, on the same host',
    'once',
    status(429, 2500),
    2,
    'alternate',
    signalingHosts,
    { retry: true, host: 'alternate', delayMs: 2500, why: expect.any(String) },
  ],
  [
    '429 without Retry-After waits the scheduled back-off',
    'idempotent',
    status(429),
    1,
    'primary',
    signalingHosts,
    { retry: true, host: 'primary', delayMs: 1000, why: expect.any(String) },
  ],
  [
    '429 with a Retry-After past the cap goes back to the caller',
    'idempotent',
    status(429, 60_000),
    1,
    'primary',
    signalingHosts,
    { retry: false, maybeProcessed: false, why: expect.stringMatching(/Retry-After/) },
  ],
  ['400 will not change on retry', 'idempotent', status(400), 1, 'primary', signalingHosts, { retry: false, maybeProcessed: false, why: expect.any(String) }],
  ['404 will not change on retry', 'idempotent', status(404), 1, 'primary', signalingHosts, { retry: false, maybeProcessed: false, why: expect.any(String) }],
  [
    '401 is left to the credential refresh, not to the retry policy',
    'idempotent',
    status(401),
    1,
    'primary',
    signalingHosts,
    { retry: false, maybeProcessed: false, why: expect.any(String) },
  ],
  [
    'a service without failover hosts retries its one host',
    'idempotent',
    status(502),
    2,
    'primary',
    chatHosts,
    { retry: true, host: 'primary', delayMs: 3000, why: expect.any(String) },
  ],
  ['and stops after the third retry', 'idempotent', status(502), 4, 'primary', chatHosts, { retry: false, maybeProcessed: true, why: expect.any(String) }],
];

describe('decideRetry', () => {
  it.each(rows)('%s', (_why, replay, failure, attempt, host, hosts, expected) => {
    expect(decideRetry({ replay, failure, attempt, host, hosts, schedule, random: 0 })).toEqual(expected);
  });

  it('adds at most jitterRatio of the wait, never less than the documented wait', () => {
    const at = (random: number) =>
      decideRetry({ replay: 'idempotent', failure: status(503), attempt: 1, host: 'primary', hosts: signalingHosts, schedule: SEED_SCHEDULE, random });
    expect(at(0)).toMatchObject({ delayMs: 1000 });
    expect(at(0.999)).toMatchObject({ delayMs: 1100 });
  });
});
