/**
 * The error catalogue of agora-api.md §2.2 (Agora's HTTP status codes page), as the emulator answers it
 * over real HTTP: each row's status, `error` code and `error_description`, in Agora's envelope.
 */
import { describe, expect, it } from 'vitest';
import { buildChatAppToken } from '../../../src/agora/access-token.ts';
import { AgoraBadRequestError, AgoraForbiddenError } from '../../../src/agora/errors.ts';
import type { Emulator } from '../../../src/emulator/server.ts';
import { chatErrorEnvelope, chatFetch, startChat } from '../../helpers/chat.ts';

interface Row {
  why: string;
  request: (e: Emulator, ids: { group: string }) => ReturnType<typeof chatFetch>;
  status: number;
  error: string;
  description: string | RegExp;
}

const expiredToken = (e: Emulator) =>
  buildChatAppToken({ appId: e.project.appId, appCertificate: e.project.appCertificate, expireSeconds: 60, issueTs: Math.floor(Date.now() / 1000) - 3600 });

const rows: Row[] = [
  {
    why: 'a body that is not JSON',
    request: (e) => chatFetch(e, 'POST', '/users', { rawBody: '{oops' }),
    status: 400,
    error: 'json_parse',
    description: 'Unexpected character.',
  },
  {
    why: 'a user without a username',
    request: (e) => chatFetch(e, 'POST', '/users', { body: { nickname: 'x' } }),
    status: 400,
    error: 'illegal_argument',
    description: "Entity 'user' requires a property named username.",
  },
  {
    why: 'an illegal username',
    request: (e) => chatFetch(e, 'POST', '/users', { body: { username: 'Has Caps' } }),
    status: 400,
    error: 'illegal_argument',
    description: 'Has Caps is not legal.',
  },
  {
    why: 'an empty sender',
    request: (e) => chatFetch(e, 'POST', '/messages/users', { body: { from: '', to: ['ann'], type: 'txt', body: { msg: 'x' } } }),
    status: 400,
    error: 'illegal_argument',
    description: "'From' can't be empty.",
  },
  {
    why: 'an unknown target type',
    request: (e) => chatFetch(e, 'POST', '/messages', { body: { target_type: 'x', target: ['ann'], msg: { type: 'txt', msg: 'x' } } }),
    status: 400,
    error: 'illegal_argument',
    description: /'Target_type' can only be 'users', 'chatgroups', or 'chatrooms'/,
  },
  {
    why: 'a message over 5 KB',
    request: (e) => chatFetch(e, 'POST', '/messages/users', { body: { to: ['ann'], type: 'txt', body: { msg: 'x'.repeat(6000) } } }),
    status: 400,
    error: 'illegal_argument',
    description: 'message is too large',
  },
  {
    why: 'group fields that do not exist',
    request: (e, { group }) => chatFetch(e, 'PUT', `/chatgroups/${group}`, { body: { colour: 'red' } }),
    status: 400,
    error: 'invalid_parameter',
    description: 'Some of [colour] are not valid fields.',
  },
  {
    why: 'a taken username',
    request: (e) => chatFetch(e, 'POST', '/users', { body: { username: 'ann' } }),
    status: 400,
    error: 'duplicate_unique_property_exists',
    description: /value of ann exists/,
  },
  {
    why: 'presence ext over 1 KB',
    request: (e) => chatFetch(e, 'POST', '/users/ann/presence/web/1', { body: { ext: 'x'.repeat(1100) } }),
    status: 400,
    error: 'illegal_argument',
    description: 'ext is too big',
  },
  {
    why: 'no token',
    request: (e) => chatFetch(e, 'GET', '/users/ann', { token: null }),
    status: 401,
    error: 'unauthorized',
    description: 'Registration is not open, please contact the app admin.',
  },
  {
    why: 'an expired token',
    request: (e) => chatFetch(e, 'GET', '/users/ann', { token: expiredToken(e) }),
    status: 401,
    error: 'unauthorized',
    description: 'Unable to authenticate due to expired access token.',
  },
  {
    why: 'a corrupt token',
    request: (e) => chatFetch(e, 'GET', '/users/ann', { token: '007eJxTYNBl' }),
    status: 401,
    error: 'auth_bad_access_token',
    description: 'Unable to authenticate due to corrupt access token.',
  },
  {
    why: 'joining a group twice',
    request: (e, { group }) => chatFetch(e, 'POST', `/chatgroups/${group}/users/ben`),
    status: 403,
    error: 'forbidden_op',
    description: /Can not join this group, reason: user: ben already in group: \d+\./,
  },
  {
    why: 'an admin who is not a member',
    request: (e, { group }) => chatFetch(e, 'POST', `/chatgroups/${group}/admin`, { body: { newadmin: 'cid' } }),
    status: 403,
    error: 'forbidden_op',
    description: 'Users cid are not members of this group!',
  },
  {
    why: 'transferring to the owner',
    request: (e, { group }) => chatFetch(e, 'PUT', `/chatgroups/${group}`, { body: { newowner: 'ann' } }),
    status: 403,
    error: 'forbidden_op',
    description: 'New owner and old owner are the same.',
  },
  {
    why: 'removing the owner',
    request: (e, { group }) => chatFetch(e, 'DELETE', `/chatgroups/${group}/users/ann`),
    status: 403,
    error: 'forbidden_op',
    description: 'Forbidden operation on group owner!',
  },
  {
    why: 'an unknown app',
    request: async (e) => chatFetch({ ...e, project: { ...e.project, chatApp: 'other' } } as Emulator, 'GET', '/users'),
    status: 404,
    error: 'organization_application_not_found',
    description: /Could not find application/,
  },
  {
    why: 'a user that does not exist',
    request: (e) => chatFetch(e, 'GET', '/users/nobody'),
    status: 404,
    error: 'service_resource_not_found',
    description: /Service resource not found/,
  },
  {
    why: 'an hour without history',
    request: (e) => chatFetch(e, 'GET', '/chatmessages/2020010100'),
    status: 404,
    error: 'storage_object_not_found',
    description: /Failed to find chat message history download URL/,
  },
  {
    why: 'a wrong method',
    request: (e) => chatFetch(e, 'PATCH', '/users/ann'),
    status: 405,
    error: 'method_not_allowed',
    description: /Method PATCH is not allowed/,
  },
  {
    why: 'a body of the wrong content type',
    request: (e) => chatFetch(e, 'POST', '/users', { rawBody: 'username=x', contentType: 'text/plain' }),
    status: 415,
    error: 'web_application',
    description: 'Unsupported Media Type.',
  },
];

describe('the Agora Chat error catalogue', () => {
  it.each(rows.map((r) => [r.why, r] as const))('%s', async (_why, row) => {
    const { emulator, chat } = await startChat(['ann', 'ben', 'cid']);
    const group = await chat.groups.create({ name: 'g', owner: 'ann', members: ['ben'] });
    const res = await row.request(emulator, { group });
    expect(res.status).toBe(row.status);
    expect(res.body).toEqual(chatErrorEnvelope(row.error, row.description));
  });

  it("maps the catalogue's codes to the client's error classes, keeping Agora's code and description", async () => {
    const { chat } = await startChat(['ann', 'ben']);
    const group = await chat.groups.create({ name: 'g', owner: 'ann', members: ['ben'] });
    const twice = await chat.groups.addMember({ id: group, username: 'ben' }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(AgoraForbiddenError);
    expect(twice).toMatchObject({ status: 403, agoraCode: 'forbidden_op', operation: 'chat.groups.addMember' });
    expect((twice as Error).message).toMatch(/^Agora chat chat.groups.addMember answered 403: Can not join this group/);
    const taken = await chat.users.register({ username: 'ann' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(AgoraBadRequestError);
    expect(taken).toMatchObject({ agoraCode: 'duplicate_unique_property_exists' });
  });
});
