/**
 * Agora Chat groups (agora-api.md §2.6): the shared lifecycle and membership endpoints, plus create,
 * update, ownership transfer, and ban (disable) and unban (enable) of a whole group.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { COLLECTIVE_WIRE } from '../limits.ts';
import { collectiveFields, collectiveId, createCollectiveEndpoints } from './collectives.ts';
import { envelope, username } from './schemas.ts';

const groupId = collectiveId('group');

const settings = {
  description: collectiveFields.description.optional(),
  avatar: collectiveFields.avatar.optional(),
  custom: collectiveFields.custom.optional(),
  public: z.boolean().optional(),
  maxUsers: z.number().int().min(1).max(COLLECTIVE_WIRE.group.maxUsers.max).optional(),
  allowInvites: z.boolean().optional(),
  membersOnly: z.boolean().optional(),
  inviteNeedConfirm: z.boolean().optional(),
};

const wireSettings = (v: { name?: string | undefined } & { [K in keyof typeof settings]?: z.output<(typeof settings)[K]> }) => ({
  groupname: v.name,
  description: v.description,
  avatar: v.avatar,
  custom: v.custom,
  public: v.public,
  maxusers: v.maxUsers,
  allowinvites: v.allowInvites,
  membersonly: v.membersOnly,
  invite_need_confirm: v.inviteNeedConfirm,
});

export function createChatGroups(ctx: ServiceContext) {
  const shared = createCollectiveEndpoints(ctx, 'group');
  const toggle = (op: 'disable' | 'enable') =>
    endpoint(ctx, {
      operation: `chat.groups.${op}`,
      budget: `chat.groups.${op}`,
      method: 'POST',
      replay: 'idempotent',
      input: groupId,
      path: (id) => `/chatgroups/${enc(id)}/${op}`,
      response: envelope({ data: z.object({ disabled: z.boolean() }) }),
      result: ({ data }) => data.data.disabled,
    });

  return {
    ...shared,

    /** Creates a group owned by `owner` (who must exist); answers the new group id. */
    create: endpoint(ctx, {
      operation: 'chat.groups.create',
      budget: 'chat.groups.create',
      method: 'POST',
      replay: 'once',
      input: z.object({ name: collectiveFields.name.optional(), owner: username, members: z.array(username).optional(), ...settings }),
      path: () => '/chatgroups',
      json: (v) => ({ ...wireSettings(v), owner: v.owner, members: v.members }),
      response: envelope({ data: z.object({ groupid: z.string() }) }),
      result: ({ data }) => data.data.groupid,
    }),

    /** Changes the given settings; answers which fields changed. */
    update: endpoint(ctx, {
      operation: 'chat.groups.update',
      budget: 'chat.groups.update',
      method: 'PUT',
      replay: 'idempotent',
      input: z.object({ id: groupId, name: collectiveFields.name.optional(), ...settings }),
      path: (v) => `/chatgroups/${enc(v.id)}`,
      json: wireSettings,
      response: envelope({ data: z.record(z.string(), z.boolean()) }),
      result: ({ data }) => Object.keys(data.data).filter((k) => data.data[k]),
    }),

    /** Makes a member the owner; the old owner stays as a member. */
    transferOwner: endpoint(ctx, {
      operation: 'chat.groups.transferOwner',
      budget: 'chat.groups.update',
      method: 'PUT',
      replay: 'idempotent',
      input: z.object({ id: groupId, newOwner: username }),
      path: (v) => `/chatgroups/${enc(v.id)}`,
      json: (v) => ({ newowner: v.newOwner }),
      response: envelope({ data: z.object({ newowner: z.boolean() }) }),
      result: ({ data }) => data.data.newowner,
    }),

    /** Bans the group: nobody can send to it until it is enabled again. Answers `disabled`. */
    disable: toggle('disable'),
    enable: toggle('enable'),
  };
}
