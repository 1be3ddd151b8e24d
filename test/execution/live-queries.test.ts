import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { subscribe, subscribeSse } from '../helpers/live.ts';

interface GroupView {
  memberCount: number;
  members: { edges: { node: { username: string; online: boolean } }[] };
}
const LIVE_GROUP = 'query ($id: String!) @live { group(groupId: $id) { memberCount members(first: 50) { edges { node { username online } } } } }';

async function productTeam(run: <T>(q: string) => Promise<T>): Promise<string> {
  const { user } = await run<{ user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }>(
    '{ user(username: "alice") { joinedGroups(first: 1) { edges { node { groupId } } } } }',
  );
  return user.joinedGroups.edges[0]!.node.groupId;
}

describe('live queries', () => {
  it('explore', async () => {
    const { graphqlUrl, run, control, server } = await startGatewayRunner({ LIVE_THROTTLE_MS: '200', PRESENCE_POLL_INTERVAL_MS: '50' });
    const id = await productTeam(run);
    const live = subscribe<GroupView>(wsClient(graphqlUrl, { token: await tokenFor('alice') }), 'group', LIVE_GROUP, { id });
    const [first] = await live.waitFor(1);
    console.log(JSON.stringify(live.results));
    await run(`mutation { addGroupMembers(groupId: "${id}", usernames: ["erin"]) { __typename } }`);
    await live.waitFor(2);
    console.log(JSON.stringify(live.results.at(-1)));
    await control.chat.connect('erin');
    await live.waitFor(3);
    console.log(JSON.stringify(live.results.at(-1)), server.liveQueries.stats());
    const sse = subscribeSse<GroupView>(graphqlUrl, 'group', LIVE_GROUP, { id });
    await sse.waitFor(1);
    console.log('sse', JSON.stringify(sse.results));
    expect(first!.memberCount).toBe(4);
  });
});
