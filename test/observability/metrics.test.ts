import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startGatewayRunner, wsClient } from '../helpers/gateway.ts';

/** One sample of a metric with exactly these labels, from the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  it('counts operations by name and outcome, upstream calls by operation and status, retries, budgets and sockets', async () => {
    const { graphqlUrl, control } = await startGatewayRunner();
    const base = graphqlUrl.replace(/\/graphql$/, '');
    await postGraphQL(graphqlUrl, 'query Profile { user(username: "alice") { nickname } }');
    await postGraphQL(graphqlUrl, 'query Profile { user(username: "alice") { nickname } }');
    // A rule about a group that does not exist answers NOT_FOUND (a lookup would answer null).
    await postGraphQL(graphqlUrl, 'mutation Missing { updateGroup(input: { groupId: "404404", name: "x" }) { name } }', undefined, {
      token: await tokenFor('alice'),
    });
    await postGraphQL(graphqlUrl, 'query Broken { nope }');
    // One 503, then success: a retry on the primary host.
    await control.addFault({ route: 'chat.users.batchStatus', status: 503, times: 1 });
    await postGraphQL(graphqlUrl, 'query Online { user(username: "bob") { online } }');
    const socket = wsClient(graphqlUrl);
    await new Promise<void>((resolve) =>
      socket.subscribe(
        { query: 'subscription Beat { heartbeat(intervalSeconds: 1) { sequence } }' },
        { next: () => resolve(), error: () => undefined, complete: () => undefined },
      ),
    );

    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(sample(text, 'graphql_operations_total', { operation: 'Profile', type: 'query', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'graphql_operations_total', { operation: 'Missing', type: 'mutation', outcome: 'NOT_FOUND' })).toBe(1);
    expect(sample(text, 'graphql_operations_total', { operation: 'Broken', type: 'query', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sample(text, 'graphql_operation_duration_seconds_count', { operation: 'Profile', type: 'query' })).toBe(2);
    // Profile twice, and Online's user.
    expect(sample(text, 'agora_upstream_calls_total', { operation: 'chat.users.get', status: '200', priority: 'interactive' })).toBe(3);
    expect(sample(text, 'agora_upstream_calls_total', { operation: 'chat.groups.details', status: '404', priority: 'interactive' })).toBe(1);
    expect(sample(text, 'agora_upstream_calls_total', { operation: 'chat.users.batchStatus', status: '503', priority: 'interactive' })).toBe(1);
    expect(sample(text, 'agora_retries_total', { operation: 'chat.users.batchStatus', host: 'primary' })).toBe(1);
    expect(sample(text, 'agora_budget_granted', { class: 'chat.users.get' })).toBe(3);
    expect(sample(text, 'graphql_ws_connections')).toBe(1);
    expect(sample(text, 'graphql_subscriptions_active')).toBe(1);
    expect(sample(text, 'graphql_operations_total', { operation: 'Beat', type: 'subscription', outcome: 'ok' })).toBe(1);
  });
});
